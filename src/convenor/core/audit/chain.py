"""Writing the audit chain: each entry holds the hash of the one before.

``record(...)`` is the only way entries are written. New entries are keyed: their hash is
HMAC-SHA256 under CONVENOR_AUDIT_KEY over their content, their id and the previous hash, and ids
run on without gaps (each is the one before plus one, taken under the append lock), so a missing
entry shows as a gap and a re-hashed one fails without the key. Entries written before the chain
was keyed keep their plain SHA-256 (ADR 0002).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from ..models import AuditEntry, HashScheme, Organisation, User
from . import checkpoints, keys

GENESIS_HASH = "0" * 64
# Serialises appends on PostgreSQL so two writers never chain onto the same predecessor.
_PG_ADVISORY_LOCK_KEY = 0x434F4E56  # "CONV"


def _canonical(entry: AuditEntry) -> bytes:
    content: dict[str, Any] = {
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
    if entry.scheme == HashScheme.HMAC_SHA256:
        # The id is part of a keyed entry, so entries cannot be renumbered to close a gap.
        content["id"] = entry.id
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    """The hash the entry's content gives under its scheme (the configured key unless given)."""
    if entry.scheme == HashScheme.HMAC_SHA256:
        return keys.entry_mac(_canonical(entry), key)
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
            # Taken under the lock, not from the id sequence: a rolled-back append leaves no gap,
            # so every gap verify finds is an entry that was removed.
            id=last.id + 1 if last else 1,
            scheme=HashScheme.HMAC_SHA256,
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
        # The id is chosen before the insert, so the hash covers it and the row is written once,
        # never updated. A checkpoint (if due) follows the commit, never a rolled-back entry.
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        transaction.on_commit(lambda: checkpoints.checkpoint_if_due(entry.id))
    return entry
