from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "convenor.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"
    url_prefix = "intelligence"
    # The anonymous reporting channel: open to anybody, so no second-factor redirect either.
    public_paths = ("report/",)
    # Menu entries: (label, URL name, who sees it: "all" or an access.Action on a model label).
    navigation = [
        ("Intelligence", "intelligence:reports", "view:intelligence.IntelligenceReport"),
        ("Triage", "intelligence:triage", "view:intelligence.AnonymousSubmission"),
    ]

    def ready(self) -> None:
        from . import (
            access_rules,  # noqa: F401  (registers the policy's rules)
            admin,  # noqa: F401  (the back office does not autodiscover)
            entity_sections,  # noqa: F401  (intelligence about an entity, on its page)
        )
