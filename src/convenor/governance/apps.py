from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "convenor.governance"
    label = "governance"
    verbose_name = "Governance: boards, meetings, recommendations and actions"
    url_prefix = "governance"
    navigation = [
        ("Boards", "governance:boards", "all"),
        ("My actions", "governance:my_actions", "all"),
    ]

    def ready(self) -> None:
        from . import access_rules  # noqa: F401  (registers the rules)
