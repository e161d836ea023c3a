"""Verifying the audit chain: every hash, every link, no gaps, and agreement with the checkpoints.

``verify()`` walks the chain once, in id order, and returns every problem it finds as one line
naming the entries: altered or re-hashed entries, missing ones (keyed entries have consecutive ids),
broken links, and checkpoints the database no longer matches (a cut-off end, a rewrite) or whose
signature is bad. ``verify_and_record()`` also writes the result to the chain for auditors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..models import AuditEntry, HashScheme
from . import keys
from .chain import GENESIS_HASH, compute_hash, record
from .checkpoints import Checkpoint, latest_checkpoints, read_checkpoints

VERIFIED_ACTION = "audit_chain_verified"
MAX_RECORDED_PROBLEMS = 20


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int  # entries found intact before the first broken one (all of them if none is)
    first_break: Break | None
    problems: tuple[str, ...] = ()
    entries: int = 0
    checkpoints: int = 0  # signed checkpoints the chain was checked against
    notes: tuple[str, ...] = ()  # worth knowing, not a failure

    @property
    def ok(self) -> bool:
        return not self.problems


_MESSAGES = {
    "missing": ("entry {0} is missing", "entries {0}-{1} are missing"),
    "altered": (
        "entry {0} does not match its hash: it was altered, or re-hashed without the key",
        "entries {0}-{1} do not match their hashes: "
        "they were altered, or re-hashed without the key",
    ),
    "unkeyed": (
        "entry {0} has an unkeyed hash after the chain became keyed: "
        "it was written or re-hashed without the key",
        "entries {0}-{1} have unkeyed hashes after the chain became keyed: "
        "they were written or re-hashed without the key",
    ),
    "unlinked": (
        "entry {0} does not link to the entry before it: "
        "an entry before it was changed, removed or inserted",
        "entries {0}-{1} do not link to the entries before them: "
        "entries were changed, removed or inserted",
    ),
}


@dataclass
class _Runs:
    """Problems of one kind on consecutive entries, kept as one run ("entries 41-43 ...")."""

    runs: list[list] = field(default_factory=list)

    def add(self, kind: str, first: int, last: int, after: int | None = None) -> None:
        current = self.runs[-1] if self.runs else None
        if current and current[0] == kind and after is not None and current[2] == after:
            current[2] = last
        else:
            self.runs.append([kind, first, last])

    def lines(self) -> list[str]:
        single_or_range = []
        for kind, first, last in self.runs:
            one, many = _MESSAGES[kind]
            single_or_range.append(one.format(first) if first == last else many.format(first, last))
        return single_or_range


def _in_order(batch_size: int = 2000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _against_checkpoint(
    checkpoint: Checkpoint, head_hash: str | None, entries_up_to_head: int, last_id: int
) -> str | None:
    if checkpoint.head_id == 0:
        return None
    head = checkpoint.head_id
    recorded = f"the {checkpoint.label} recorded {checkpoint.entries} entries up to entry {head}"
    removed = checkpoint.entries - entries_up_to_head
    if head_hash is None and head > last_id:
        ends = f"the chain ends at entry {last_id}" if last_id else "the chain is empty"
        return f"{ends} but {recorded}: the last {removed} entries were removed"
    if head_hash is None:
        return f"entry {head} is missing but {recorded}: {removed} entries were removed"
    if not keys.same(head_hash, checkpoint.head_hash):
        remain = f" ({entries_up_to_head} of them remain)" if removed else ""
        return (
            f"entry {head} no longer has the hash {recorded}{remain}: "
            "the chain up to it was rewritten, or cut and written again"
        )
    if removed > 0:
        return f"{recorded} but {entries_up_to_head} remain: {removed} entries were removed"
    if removed < 0:
        return f"{recorded} but {entries_up_to_head} are there: {-removed} entries were inserted"
    return None


def _checkpoint_lines(disagreeing: list[str]) -> list[str]:
    """The earliest and the latest checkpoint that disagree say where and how far; not all."""
    if len(disagreeing) <= 2:
        return disagreeing
    between = len(disagreeing) - 2
    return [disagreeing[0], f"{between} checkpoints between them disagree too", disagreeing[-1]]


def verify(checkpoint_path: Path | None = None) -> Verification:
    """Walk the whole chain and check it against every signed checkpoint."""
    found, problems = read_checkpoints(checkpoint_path)
    signed: list[Checkpoint] = []
    for checkpoint in found:
        if checkpoint.signature_valid:
            signed.append(checkpoint)
        else:
            problems.append(
                f"line {checkpoint.line} of the checkpoint file: the {checkpoint.label} has a bad "
                "signature: the checkpoint file was edited, or written without the key"
            )
    heads = sorted({checkpoint.head_id for checkpoint in signed if checkpoint.head_id})
    at_head: dict[int, tuple[str | None, int]] = {}  # head id -> (its hash if there, entries <= it)
    next_head = 0

    runs = _Runs()
    first_break: Break | None = None
    checked = walked = unkeyed = 0
    expected_previous = GENESIS_HASH
    previous_id = 0
    seen_keyed = False
    for entry in _in_order():
        while next_head < len(heads) and heads[next_head] < entry.id:
            at_head[heads[next_head]] = (None, walked)
            next_head += 1
        keyed = entry.scheme == HashScheme.HMAC_SHA256
        found_here: list[str] = []
        # Ids run on without gaps from the first keyed entry on (the old id sequence could skip).
        gap = (keyed or seen_keyed) and entry.id != previous_id + 1
        if gap:
            runs.add("missing", previous_id + 1, entry.id - 1)
            found_here.append(runs.lines()[-1])
        if not keyed and seen_keyed:
            kind = "unkeyed"
        elif not keys.same(compute_hash(entry), entry.entry_hash):
            kind = "altered"
        elif entry.previous_hash != expected_previous and not gap:
            kind = "unlinked"
        else:
            kind = ""
        if kind:
            runs.add(kind, entry.id, entry.id, after=previous_id)
            found_here.append(_MESSAGES[kind][0].format(entry.id))
        if found_here and first_break is None:
            first_break = Break(entry.id, "; ".join(found_here))
            checked = walked
        seen_keyed = seen_keyed or keyed
        unkeyed += not keyed
        walked += 1
        if next_head < len(heads) and heads[next_head] == entry.id:
            at_head[entry.id] = (entry.entry_hash, walked)
            next_head += 1
        expected_previous = entry.entry_hash
        previous_id = entry.id
    for head in heads[next_head:]:
        at_head[head] = (None, walked)

    disagreeing = [
        line
        for checkpoint in signed
        if (
            line := _against_checkpoint(
                checkpoint, *at_head.get(checkpoint.head_id, (None, walked)), previous_id
            )
        )
    ]
    problems = [*problems, *runs.lines(), *_checkpoint_lines(disagreeing)]
    notes = []
    if not found:
        notes.append(
            "no checkpoint found yet: run 'convenor audit checkpoint' (see the operator guide)"
        )
    if unkeyed:
        notes.append(f"{unkeyed} entries written before the chain was keyed carry plain SHA-256")
    return Verification(
        checked=walked if first_break is None else checked,
        first_break=first_break,
        problems=tuple(problems),
        entries=walked,
        checkpoints=len(signed),
        notes=tuple(notes),
    )


def verify_and_record() -> Verification:
    """Verify, then write the result to the chain, where the auditors' page shows the latest."""
    result = verify()
    record(
        VERIFIED_ACTION,
        detail={
            "ok": result.ok,
            "entries": result.entries,
            "checkpoints": result.checkpoints,
            "problems": list(result.problems[:MAX_RECORDED_PROBLEMS]),
            "more_problems": max(0, len(result.problems) - MAX_RECORDED_PROBLEMS),
        },
    )
    return result


@dataclass(frozen=True)
class ChainStatus:
    last_verification: AuditEntry | None
    checkpoints: list[Checkpoint]


def chain_status() -> ChainStatus:
    """What the auditors' page shows: the last verification and the newest checkpoints."""
    last = AuditEntry.objects.filter(action=VERIFIED_ACTION).order_by("-id").first()
    return ChainStatus(last, latest_checkpoints())
