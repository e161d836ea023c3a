"""The search itself, a pure read through ``access.visible`` (every source's queryset is the
user's visible rows); ``services.run_search`` audits it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .matching import Query, match, parse
from .sources import KINDS, SOURCE_OF_KIND, Hit, installed_sources

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass
class SearchResults:
    """What one query found, per kind in ``KINDS`` order, best first."""

    query: Query
    by_kind: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(hits) for hits in self.by_kind.values())

    def sections(self) -> list[tuple[str, str, list[Hit]]]:
        """(kind, heading, hits) for each kind with results, in page order."""
        return [(kind, KINDS[kind], hits) for kind, hits in self.by_kind.items() if hits]

    def counts(self) -> dict[str, int]:
        return {kind: len(hits) for kind, hits in self.by_kind.items()}


def search(
    user: Any, text: str, kinds: list[str] | None = None, limit: int = DEFAULT_LIMIT
) -> SearchResults:
    """What ``user`` may see that matches ``text``: exact matches first, then normalised ones
    (nicknames, names that sound alike, identifiers written differently), then close ones
    (typing slips), at most ``limit`` of each kind. One query per kind searched."""
    query = parse(text)
    wanted = list(kinds or KINDS)
    results = SearchResults(query, {kind: [] for kind in KINDS if kind in wanted})
    if query.empty:
        return results
    sources = {SOURCE_OF_KIND[kind] for kind in wanted}
    for source in installed_sources():
        if source.kind not in sources:
            continue
        for row in source.candidates(user, query):
            found = match(query, _values(row, source.names), _values(row, source.identifiers))
            if found is not None:
                hit = source.hit(row, found)
                if hit.kind in results.by_kind:
                    results.by_kind[hit.kind].append(hit)
    for kind, hits in results.by_kind.items():
        results.by_kind[kind] = _best(hits)[: max(1, min(limit, MAX_LIMIT))]
    return results


def _values(row: Any, names: tuple[str, ...]) -> list[str]:
    return [getattr(row, name) or "" for name in names]


def _best(hits: list[Hit]) -> list[Hit]:
    """Best first, one hit per thing found (an entity found by several records once)."""
    seen, best = set(), []
    for hit in sorted(hits, key=lambda h: h.order):
        if (hit.kind, hit.obj.pk) not in seen:
            seen.add((hit.kind, hit.obj.pk))
            best.append(hit)
    return best
