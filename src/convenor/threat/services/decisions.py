"""Analysts' decisions on links: confirm or reject a pair, merge two entities, split a record off.
The latest decision on a pair stands, now and in every later linkage run."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from convenor.core import access, audit
from convenor.core.models import User

from ..models import Entity, LinkDecision, Record
from .entities import merge_into, split_off


def require_decide(actor: User) -> None:
    """The one rule for deciding on links (pages, API): analysts."""
    if not access.can(actor, access.Action.CREATE, model=LinkDecision):
        raise PermissionDenied("Only analysts decide on links")


def _ordered(a: Record, b: Record) -> tuple[Record, Record]:
    return (a, b) if a.pk < b.pk else (b, a)


def _check_pair(actor: User, a: Record, b: Record) -> None:
    if a.pk == b.pk:
        raise ValidationError({"record_b": "Choose two different records"})
    if a.dataset.partnership_id != b.dataset.partnership_id:
        raise ValidationError({"record_b": "The records belong to different partnerships"})
    for record in (a, b):
        if not access.can(actor, access.Action.VIEW, record):
            raise PermissionDenied("You may only decide on records you can see")
    require_decide(actor)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the next analyst will read it"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "Keep the reason under 2,000 characters"})
    return reason


@transaction.atomic
def decide_pair(
    actor: User,
    record_a: Record,
    record_b: Record,
    decision: str,
    reason: str,
    via: str = LinkDecision.Via.PAIR,
) -> LinkDecision:
    """Record an analyst's decision on two records and apply it now: confirming puts them in
    one entity; rejecting takes the second record out of the first's entity. The next linkage
    run obeys it too (confirmed pairs always link; rejected never, not even through a third)."""
    _check_pair(actor, record_a, record_b)
    if decision not in LinkDecision.Decision.values:
        raise ValidationError({"decision": "Choose same or not the same"})
    reason = _reason(reason)
    a, b = _ordered(record_a, record_b)
    made = LinkDecision.objects.create(
        partnership=a.dataset.partnership,
        record_a=a,
        record_b=b,
        decision=decision,
        via=via,
        reason=reason,
        decided_by=actor,
    )
    record_a.refresh_from_db(fields=["entity"])
    record_b.refresh_from_db(fields=["entity"])
    if decision == LinkDecision.Decision.CONFIRM:
        if record_a.entity and record_b.entity:
            merge_into(record_a.entity, record_b.entity)
    elif record_a.entity_id is not None and record_a.entity_id == record_b.entity_id:
        split_off(record_b)
    audit.record(
        "link_decided",
        actor=actor,
        obj=made,
        detail={"records": [a.pk, b.pk], "decision": decision, "via": via},
    )
    return made


@transaction.atomic
def merge_entities(actor: User, keep: Entity, other: Entity, reason: str) -> Entity:
    """Merge ``other`` into ``keep``: confirmed as one pair between them, so re-runs keep it."""
    if keep.pk == other.pk:
        raise ValidationError({"other": "Choose a different entity to merge with"})
    if keep.partnership_id != other.partnership_id:
        raise ValidationError({"other": "The entities belong to different partnerships"})
    if keep.kind != other.kind:
        raise ValidationError({"other": "Only entities of the same kind can be merged"})
    mine = access.visible(actor, keep.records.all()).first()
    theirs = access.visible(actor, other.records.all()).first()
    if mine is None or theirs is None:
        raise PermissionDenied("You may only merge entities you can see")
    decide_pair(actor, mine, theirs, LinkDecision.Decision.CONFIRM, reason, LinkDecision.Via.MERGE)
    keep.refresh_from_db()
    return keep


@transaction.atomic
def split_record(actor: User, record: Record, reason: str) -> Entity:
    """Take ``record`` out of its entity: rejected against every other record of the entity."""
    if not access.can(actor, access.Action.VIEW, record):
        raise PermissionDenied("You may only split records you can see")
    require_decide(actor)
    reason = _reason(reason)
    if record.entity is None:
        raise ValidationError({"record": "The record is not part of an entity"})
    others = list(record.entity.records.exclude(pk=record.pk))
    if not others:
        raise ValidationError({"record": "The record is already on its own"})
    decisions = []
    for other in others:
        a, b = _ordered(record, other)
        decisions.append(
            LinkDecision(
                partnership=record.dataset.partnership,
                record_a=a,
                record_b=b,
                decision=LinkDecision.Decision.REJECT,
                via=LinkDecision.Via.SPLIT,
                reason=reason,
                decided_by=actor,
            )
        )
    LinkDecision.objects.bulk_create(decisions)
    entity = split_off(record)
    audit.record(
        "entity_split",
        actor=actor,
        obj=record,
        detail={"new_entity": entity.pk, "rejected_with": [o.pk for o in others]},
    )
    return entity
