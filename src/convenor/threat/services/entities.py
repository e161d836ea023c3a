"""Moving records between entities (merges, splits, linkage runs) without losing what other apps
point at: their foreign keys to a departing entity go to the one that received its records."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, QuerySet

from ..batches import in_batches
from ..models import Entity, Record


def references_to_entities() -> list[tuple[type, str]]:
    """Other apps' foreign keys to Entity (e.g. a group member), as (model, field name)."""
    return [
        (rel.related_model, rel.field.name)
        for rel in Entity._meta.related_objects
        if rel.related_model is not Record and rel.one_to_many
    ]


def hand_over_references(successors: dict[int, int]) -> None:
    """Point other apps' references from entities that are going away to their successors,
    so a group member stays attached to the person when entities merge."""
    if not successors:
        return
    for model, name in references_to_entities():
        referenced = {
            old
            for batch in in_batches(successors)
            for old in model._base_manager.filter(**{f"{name}__in": batch}).values_list(
                name, flat=True
            )
        }
        for old in referenced:
            model._base_manager.filter(**{name: old}).update(**{name: successors[old]})


def delete_empty_entities(entities: QuerySet) -> None:
    """Delete entities left with no record, except those another app protects (e.g. a group
    member pointing at one): they stay, empty and so invisible to everyone."""
    empty = entities.filter(records__isnull=True)
    try:
        with transaction.atomic():
            empty.delete()
    except ProtectedError:
        for entity in empty:
            try:
                with transaction.atomic():
                    entity.delete()
            except ProtectedError:
                continue


def merge_into(keep: Entity, other: Entity) -> None:
    if keep.pk == other.pk:
        return
    Record.objects.filter(entity=other).update(entity=keep)
    hand_over_references({other.pk: keep.pk})
    delete_empty_entities(Entity.objects.filter(pk=other.pk))


def split_off(record: Record) -> Entity:
    entity = Entity.objects.create(partnership=record.dataset.partnership, kind=record.kind)
    Record.objects.filter(pk=record.pk).update(entity=entity)
    record.entity = entity
    return entity
