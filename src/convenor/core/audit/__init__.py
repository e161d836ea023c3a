"""The audit chain (ADR 0002): written by ``record``, anchored outside the database by signed
checkpoints, and proved by ``verify``. Callers use ``from convenor.core import audit``."""

from .chain import GENESIS_HASH, compute_hash, owner_of, record
from .checkpoints import (
    Checkpoint,
    CheckpointError,
    checkpoint_file,
    checkpoint_if_due,
    read_checkpoints,
    write_checkpoint,
)
from .labels import ACTION_LABELS, action_label
from .verification import (
    VERIFIED_ACTION,
    Break,
    ChainStatus,
    Verification,
    chain_status,
    verify,
    verify_and_record,
)

__all__ = [
    "ACTION_LABELS",
    "action_label",
    "GENESIS_HASH",
    "VERIFIED_ACTION",
    "Break",
    "ChainStatus",
    "Checkpoint",
    "CheckpointError",
    "Verification",
    "chain_status",
    "checkpoint_file",
    "checkpoint_if_due",
    "compute_hash",
    "owner_of",
    "read_checkpoints",
    "record",
    "verify",
    "verify_and_record",
    "write_checkpoint",
]
