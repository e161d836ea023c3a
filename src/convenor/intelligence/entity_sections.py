"""Intelligence about an entity, on the threat picture's entity page: the reports whose
subjects are linked to it, of those the reader may see and read (need to know)."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.utils import timezone

from . import selectors


def _register() -> None:
    from convenor.threat.entity_sections import (
        EntityItem,
        EntitySection,
        register_entity_section,
    )

    @register_entity_section(order=20)
    def intelligence(user, entity) -> EntitySection:
        items = [
            EntityItem(
                str(subject.report),
                subject.report.get_absolute_url(),
                f"{subject.get_kind_display()}: {subject.name}, recorded "
                f"{_day(timezone.localtime(subject.report.created_at))}",
            )
            for subject in selectors.subjects_about_entity(user, entity.pk)
        ]
        return EntitySection("intelligence", "Intelligence", items, "No intelligence you may see")


def _day(moment) -> str:
    return f"{moment.day} {moment:%B %Y}"


if django_apps.is_installed("convenor.threat"):  # intelligence works without the threat picture
    _register()
