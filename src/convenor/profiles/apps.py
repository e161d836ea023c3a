from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "convenor.profiles"
    label = "profiles"
    verbose_name = "SOC local profiles"
    url_prefix = "profiles"
    navigation = [
        ("Local profiles", "profiles:list", "all"),
    ]

    def ready(self) -> None:
        from . import (
            access_rules,  # noqa: F401
            builder,  # noqa: F401  (registers the sections)
        )
