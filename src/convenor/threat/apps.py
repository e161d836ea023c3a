from django.apps import AppConfig


class ThreatConfig(AppConfig):
    name = "convenor.threat"
    label = "threat"
    verbose_name = "Threat picture: partner datasets, entities and links"
    url_prefix = "threat"
    # Menu entries: (label, URL name, who sees it: "all" or an access.Action on a model label).
    navigation = [
        ("Datasets", "threat:datasets", "all"),
        ("Links", "threat:links", "view:threat.MatchPair"),
        ("Network", "threat:network", "view:threat.Entity"),
    ]

    def ready(self) -> None:
        from . import access_rules  # noqa: F401  (registers the access policy's rules)
