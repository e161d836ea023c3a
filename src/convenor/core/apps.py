from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "convenor.core"
    label = "core"
    verbose_name = "Organisations, people, partnerships and areas"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in auditing)
