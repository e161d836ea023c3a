"""Checkpoints anchor the audit chain outside the database.

A checkpoint is one signed line: the head entry's id and hash, how many entries the chain held up
to it, and when. Lines are appended to ``checkpoints.jsonl`` in CONVENOR_AUDIT_CHECKPOINT_DIR
(keep it on other storage, append-only) and, when CONVENOR_AUDIT_CHECKPOINT_SYSLOG is set, sent to
syslog too. Someone who can write to the database but not to that storage, and who does not hold
the key, cannot cut the chain's end or rewrite it back past a checkpoint unnoticed.

``write_checkpoint()`` is the one function a scheduler (or ``convenor audit checkpoint``) calls;
``checkpoint_if_due()`` runs after each committed entry and writes one only when the last one this
process wrote is older than CONVENOR_AUDIT_CHECKPOINT_SECONDS or CONVENOR_AUDIT_CHECKPOINT_ENTRIES
entries behind; it never reads the file.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from ..models import AuditEntry
from . import keys

FILE_NAME = "checkpoints.jsonl"
SYSLOG_PREFIX = "convenor-audit-checkpoint "
logger = logging.getLogger(__name__)


class CheckpointError(Exception):
    """A checkpoint could not be written; the message says where and why."""


@dataclass(frozen=True)
class Checkpoint:
    at: str  # ISO 8601, UTC
    head_id: int
    head_hash: str
    entries: int
    signature: str = ""
    line: int = 0  # its line in the checkpoint file, when read from one

    def content(self) -> bytes:
        fields = {
            "at": self.at,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "entries": self.entries,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, key: bytes | None = None) -> Checkpoint:
        return Checkpoint(
            self.at,
            self.head_id,
            self.head_hash,
            self.entries,
            keys.checkpoint_mac(self.content(), key),
        )

    @property
    def signature_valid(self) -> bool:
        return keys.same(self.signature, keys.checkpoint_mac(self.content()))

    @property
    def taken_at(self) -> datetime:
        return datetime.fromisoformat(self.at)

    @property
    def label(self) -> str:
        return f"checkpoint of {self.taken_at:%Y-%m-%d %H:%M:%S} UTC"

    def as_line(self) -> str:
        fields = json.loads(self.content())
        fields["signature"] = self.signature
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def checkpoint_dir() -> Path:
    configured = settings.CONVENOR_AUDIT_CHECKPOINT_DIR
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit-checkpoints"


def checkpoint_file() -> Path:
    return checkpoint_dir() / FILE_NAME


def _head() -> Checkpoint:
    at = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    head = AuditEntry.objects.order_by("-id").only("id", "entry_hash").first()
    if head is None:
        return Checkpoint(at, 0, "", 0)
    # Ids up to the head are all committed (appends are serialised), so this count is stable.
    entries = AuditEntry.objects.filter(id__lte=head.id).count()
    return Checkpoint(at, head.id, head.entry_hash, entries)


def _append_to_file(checkpoint: Checkpoint) -> None:
    path = checkpoint_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, (checkpoint.as_line() + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as problem:
        raise CheckpointError(f"cannot append to {path}: {problem.strerror or problem}") from None


_syslog_handlers: dict[str, logging.Handler] = {}
_syslog_lock = threading.Lock()


def _syslog_handler(address: str) -> logging.Handler:
    with _syslog_lock:
        if address not in _syslog_handlers:
            host, _, port = address.rpartition(":")
            target: str | tuple[str, int] = (
                (host, int(port))
                if host and port.isdigit() and not address.startswith("/")
                else address
            )
            try:
                handler = logging.handlers.SysLogHandler(
                    address=target, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV
                )
            except OSError as problem:
                raise CheckpointError(
                    f"cannot reach syslog at {address}: {problem.strerror or problem}"
                ) from None
            _syslog_handlers[address] = handler
        return _syslog_handlers[address]


def _send_to_syslog(checkpoint: Checkpoint, address: str) -> None:
    handler = _syslog_handler(address)
    record = logging.LogRecord(
        __name__, logging.INFO, __file__, 0, SYSLOG_PREFIX + checkpoint.as_line(), None, None
    )
    handler.handle(record)


@dataclass
class _LastWritten:
    monotonic: float
    head_id: int


_last_written: _LastWritten | None = None


def write_checkpoint() -> Checkpoint:
    """Sign the chain's current head and append it to every configured place; return it."""
    global _last_written
    checkpoint = _head().signed()
    _append_to_file(checkpoint)
    if settings.CONVENOR_AUDIT_CHECKPOINT_SYSLOG:
        _send_to_syslog(checkpoint, settings.CONVENOR_AUDIT_CHECKPOINT_SYSLOG)
    _last_written = _LastWritten(time.monotonic(), checkpoint.head_id)
    return checkpoint


def checkpoint_if_due(entry_id: int) -> Checkpoint | None:
    """After an entry is committed: write a checkpoint if this process's last one is stale."""
    last = _last_written
    due = (
        last is None
        or entry_id - last.head_id >= settings.CONVENOR_AUDIT_CHECKPOINT_ENTRIES
        or time.monotonic() - last.monotonic >= settings.CONVENOR_AUDIT_CHECKPOINT_SECONDS
    )
    if not due:
        return None
    try:
        return write_checkpoint()
    except (CheckpointError, DatabaseError) as problem:
        # The entry is already committed; the person's request must not fail for this.
        logger.error("Audit checkpoint not written: %s", problem)
        return None


def _parse(number: int, text: str) -> Checkpoint:
    fields = json.loads(text)
    if not isinstance(fields, dict):
        raise ValueError("not an object")
    checkpoint = Checkpoint(
        at=str(fields["at"]),
        head_id=int(fields["head_id"]),
        head_hash=str(fields["head_hash"]),
        entries=int(fields["entries"]),
        signature=str(fields["signature"]),
        line=number,
    )
    checkpoint.taken_at  # noqa: B018 - a bad date is an unreadable line
    return checkpoint


def read_checkpoints(path: Path | None = None) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in the file, oldest first, and a line for each one that is unreadable."""
    path = path or checkpoint_file()
    found: list[Checkpoint] = []
    unreadable: list[str] = []
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], []
    except OSError as problem:
        return [], [f"cannot read the checkpoint file {path}: {problem.strerror or problem}"]
    with handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                found.append(_parse(number, text))
            except (ValueError, KeyError, TypeError):
                unreadable.append(f"line {number} of {path} is not a checkpoint: it was edited")
    return found, unreadable


def latest_checkpoints(count: int = 5, tail_bytes: int = 64 * 1024) -> list[Checkpoint]:
    """The newest checkpoints, newest first, reading only the end of the file (for pages)."""
    path = checkpoint_file()
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - tail_bytes))
            lines = handle.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    if size > tail_bytes:
        lines = lines[1:]  # the first may be cut
    newest: list[Checkpoint] = []
    for text in reversed(lines):
        try:
            newest.append(_parse(0, text))
        except (ValueError, KeyError, TypeError):
            continue
        if len(newest) == count:
            break
    return newest
