from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "convenor.core"
    label = "core"
    verbose_name = "Organisations, people, partnerships and areas"
    # Menu entries: (label, URL name, who sees it: "all" or an access.Action on a model label).
    navigation = [
        ("Home", "core:home", "all"),
        ("Partnerships", "core:partnerships", "all"),
        ("Organisations", "core:organisations", "all"),
        ("People", "core:people", "all"),
        ("Areas", "core:areas", "all"),
        ("Audit", "core:audit", "view:core.AuditEntry"),
    ]

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in auditing)
