"""Long lists of primary keys in SQL: SQLite refuses more than 32,766 parameters in one query and
PostgreSQL 65,535, so a partnership's hundreds of thousands of records go in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

BATCH = 5000


def in_batches(values: Iterable, size: int = BATCH) -> Iterator[list]:
    """The values in lists of at most ``size`` (in order)."""
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
