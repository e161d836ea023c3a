"""Clustering scored pairs into entities while honouring analysts' decisions.

Confirmed pairs are joined first. Then the scored pairs at or above the threshold are joined from
the strongest to the weakest, and a join is refused when it would put two records an analyst
rejected into one cluster, so a rejected pair never ends up together, not even through a third
record. Because decisions are applied here, after prediction, they hold on every re-run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


class ConflictingDecisions(ValueError):
    """Analysts' decisions contradict each other: confirmed pairs join two records that a rejected
    pair keeps apart. The message names them."""


@dataclass(frozen=True)
class Decisions:
    """Analysts' decisions on pairs of record ids. A confirmed pair always ends in one cluster; a
    rejected pair never does."""

    confirmed: set[frozenset[str]] = field(default_factory=set)
    rejected: set[frozenset[str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for name in ("confirmed", "rejected"):
            for pair in getattr(self, name):
                if len(pair) != 2:
                    raise ValueError(f"{name} decisions need two different record ids: {set(pair)}")
        both = self.confirmed & self.rejected
        if both:
            pair = sorted(next(iter(both)))
            raise ConflictingDecisions(f"{pair[0]} and {pair[1]} are both confirmed and rejected")


class _Clusters:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent: dict[str, str] = {record_id: record_id for record_id in ids}
        self.cannot: dict[str, set[str]] = {}  # root -> record ids that must stay apart

    def find(self, record_id: str) -> str:
        parent = self.parent
        root = record_id
        while parent[root] != root:
            root = parent[root]
        while parent[record_id] != root:
            parent[record_id], record_id = root, parent[record_id]
        return root

    def forbidden(self, a: str, b: str) -> bool:
        for other in self.cannot.get(a, ()):
            if self.find(other) == b:
                return True
        for other in self.cannot.get(b, ()):
            if self.find(other) == a:
                return True
        return False

    def union(self, a: str, b: str) -> None:
        if a < b:
            a, b = b, a
        self.parent[a] = b  # the smaller id stays the root, so cluster ids are stable
        if a in self.cannot:
            self.cannot.setdefault(b, set()).update(self.cannot.pop(a))


def cluster(
    record_ids: Iterable[str],
    pairs: pd.DataFrame,
    threshold: float,
    decisions: Decisions | None = None,
    disagreeing: Iterable[frozenset[str]] = (),
) -> pd.DataFrame:
    """One row per record: record_id and cluster_id (the smallest record id in its cluster).

    `pairs` has record_id_l, record_id_r and match_probability. `disagreeing`: pairs the model
    scored as different people; like rejected pairs they never end up in one cluster through a
    chain of strong pairs, but a confirmed decision outranks them."""
    decisions = decisions or Decisions()
    clusters = _Clusters(record_ids)
    known = clusters.parent
    for pair in decisions.rejected:
        a, b = sorted(pair)
        if a in known and b in known:
            clusters.cannot.setdefault(a, set()).add(b)
            clusters.cannot.setdefault(b, set()).add(a)
    for pair in sorted(tuple(sorted(pair)) for pair in decisions.confirmed):
        a, b = pair
        if a not in known or b not in known:
            continue
        ra, rb = clusters.find(a), clusters.find(b)
        if ra == rb:
            continue
        if clusters.forbidden(ra, rb):
            raise ConflictingDecisions(
                f"confirming {a} and {b} would join records an analyst rejected as different"
            )
        clusters.union(ra, rb)
    for pair in disagreeing:
        a, b = sorted(pair)
        if a not in known or b not in known:
            continue
        ra, rb = clusters.find(a), clusters.find(b)
        if ra != rb:  # already joined by analysts' confirmations: the decision wins
            clusters.cannot.setdefault(ra, set()).add(b)
            clusters.cannot.setdefault(rb, set()).add(a)

    strong = pairs[pairs["match_probability"] >= threshold]
    if len(strong):
        order = np.lexsort(
            (
                strong["record_id_r"].to_numpy(),
                strong["record_id_l"].to_numpy(),
                -strong["match_probability"].to_numpy(),
            )
        )
        lefts = strong["record_id_l"].to_numpy()[order]
        rights = strong["record_id_r"].to_numpy()[order]
        has_constraints = bool(clusters.cannot)
        for a, b in zip(lefts, rights, strict=True):
            ra, rb = clusters.find(a), clusters.find(b)
            if ra == rb:
                continue
            if has_constraints and clusters.forbidden(ra, rb):
                continue
            clusters.union(ra, rb)
    ids = list(known)
    return pd.DataFrame(
        {"record_id": ids, "cluster_id": [clusters.find(record_id) for record_id in ids]}
    )
