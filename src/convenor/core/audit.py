"""The audit chain: an append-only record in which each entry holds the hash of the one before.

``record(...)`` is the only way entries are written. ``verify()`` walks the chain in order and
returns the first entry whose stored hashes do not match what its content gives, so an edit,
deletion or insertion made behind Convenor's back is found and named.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from .models import AuditEntry, Organisation, User

GENESIS_HASH = "0" * 64
# Serialises appends on PostgreSQL so two writers never chain onto the same predecessor.
_PG_ADVISORY_LOCK_KEY = 0x434F4E56  # "CONV"


def _canonical(entry: AuditEntry) -> bytes:
    content = {
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_organisation": entry.actor_organisation_id,
        "owner_organisation": entry.owner_organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "detail": entry.detail,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _primary_organisation(user: User | None) -> Organisation | None:
    if user is None or not user.is_authenticated:
        return None
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    return membership.organisation if membership else None


def owner_of(obj: Any) -> Organisation | None:
    """The organisation a record belongs to, for the owning organisation's auditor."""
    if isinstance(obj, Organisation):
        return obj
    for attribute in ("owner_organisation", "organisation", "lead_organisation"):
        value = getattr(obj, attribute, None)
        if isinstance(value, Organisation):
            return value
    partnership = getattr(obj, "partnership", None)
    if partnership is not None:
        return partnership.lead_organisation
    return None


def record(
    action: str,
    *,
    actor: User | None = None,
    obj: Model | None = None,
    detail: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction if there is one."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_ADVISORY_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").only("id", "entry_hash").first()
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            actor_organisation=organisation or _primary_organisation(actor),
            owner_organisation=owner_of(obj) if obj is not None else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            detail=json.loads(json.dumps(detail or {}, default=str)),
            previous_hash=last.entry_hash if last else GENESIS_HASH,
        )
        # The order of the chain is carried by previous_hash, so the hash needs no database id
        # and the row is written once, never updated.
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _in_order(batch_size: int = 2000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def verify() -> Verification:
    """Walk the whole chain; report the first entry that was altered, removed or inserted."""
    expected_previous = GENESIS_HASH
    checked = 0
    for entry in _in_order():
        if entry.previous_hash != expected_previous:
            return Verification(
                checked,
                Break(
                    entry.id,
                    "its link to the entry before does not match "
                    "(an entry before it was changed, removed or inserted)",
                ),
            )
        if compute_hash(entry) != entry.entry_hash:
            return Verification(checked, Break(entry.id, "its content does not match its hash"))
        expected_previous = entry.entry_hash
        checked += 1
    return Verification(checked, None)
