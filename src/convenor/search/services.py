"""Running a search is a read of sensitive data: it is audited with the query as typed."""

from __future__ import annotations

from typing import Any

from convenor.core import audit

from . import selectors
from .selectors import SearchResults


def run_search(
    user: Any, text: str, kinds: list[str] | None = None, limit: int = selectors.DEFAULT_LIMIT
) -> SearchResults:
    """Search what ``user`` may see (``selectors.search``) and record that they searched, for
    what and how much they were shown."""
    results = selectors.search(user, text, kinds, limit)
    audit.record(
        "search_run",
        actor=user,
        detail={"query": text, "kinds": list(kinds or []), "found": results.counts()},
    )
    return results
