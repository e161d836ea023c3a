"""Small-number suppression: the one function that decides how a count is shown where a small
number could identify a person (maps, public summaries).

A count from 1 to N (the threshold) is shown as "fewer than N+1"; 0 and counts above N are shown
as they are. N comes from the profile configuration (``suppression.threshold`` in
``profiles/reference/profile.yaml``, or ``CONVENOR_PROFILE_SUPPRESSION_THRESHOLD``). What a public
summary may publish beyond single counts (totals that would give suppressed cells away) is
:mod:`convenor.profiles.disclosure`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown: ``text`` for people, ``value`` (None when suppressed)."""

    text: str
    value: int | None
    suppressed: bool

    def as_dict(self) -> dict:
        return {"text": self.text, "value": self.value, "suppressed": self.suppressed}


def suppress(count: int, threshold: int) -> Shown:
    """Show ``count``, hiding it when it is from 1 to ``threshold``."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("suppress() takes a whole-number count")
    if count < 0:
        raise ValueError("a count cannot be negative")
    if threshold < 1:
        return Shown(f"{count:,}", count, False)
    if 1 <= count <= threshold:
        return Shown(f"fewer than {threshold + 1}", None, True)
    return Shown(f"{count:,}", count, False)
