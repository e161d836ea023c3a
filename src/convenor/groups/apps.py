from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "convenor.groups"
    label = "groups"
    verbose_name = "Organised crime groups and their assessments"
    url_prefix = "groups"
    # Menu entries: (label, URL name, who sees it: "all" or an access.Action on a model label).
    navigation = [
        ("Crime groups", "groups:list", "view:groups.OrganisedCrimeGroup"),
    ]

    def ready(self) -> None:
        from . import (
            access_rules,  # noqa: F401  (registers the policy's rules)
            admin,  # noqa: F401  (the back office does not autodiscover)
            entity_sections,  # noqa: F401  (its groups and orders, on an entity's page)
            network,  # noqa: F401  (adds "member of group" edges to the threat network)
        )
