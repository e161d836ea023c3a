"""What a published table may show so that no suppressed count can be worked out (ADR 0051).

Primary suppression (:func:`convenor.profiles.suppression.suppress`) hides a count from 1 to
the threshold N as "fewer than N+1". That alone is not enough where a table also publishes its
total: the total less the cells shown exactly is the sum of the hidden cells, and with one
hidden cell (or hidden cells at the edge of their range) a reader gets them back by subtraction.

The rule here (secondary protection of the total, in the manner of rounded official totals):

* a cell is shown exactly when it is 0 or above N, else as "fewer than N+1" (so the reader
  knows it lies from 1 to N);
* a table with no suppressed cell shows its total exactly (nothing is hidden);
* a table with a suppressed cell shows its total only as a range "A to B" from a fixed grid of
  ranges N+1 wide. The grid's alignment is chosen from what the cells already publish (never
  from the hidden counts or the total), so that the range can never start at the largest total
  the cells allow nor end at the smallest. Those two alignments are the only ones that pin a
  hidden cell (to N, or to 1); N+1 >= 3 alignments leave at least one.

So, for every suppressed cell, the values consistent with everything published form a run of at
least two whole numbers (proved in ADR 0051; checked by a property test with an independent
solver). The range shown is the grid range clipped to what the cells allow, which tells the
reader nothing they could not work out.

Pure Python, no Django: it takes counts and returns what may be shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .suppression import suppress


@dataclass(frozen=True)
class Published:
    """A figure as published: ``text`` for people; ``low``..``high`` the values a reader can
    tell it lies in (equal when it is shown exactly); ``value`` is the exact count or None."""

    text: str
    low: int
    high: int
    suppressed: bool = False

    @property
    def value(self) -> int | None:
        return self.low if self.low == self.high else None

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "suppressed": self.suppressed,
        }


def check_threshold(threshold: int) -> None:
    """0 turns suppression off; 1 cannot be used ("fewer than 2" would say the count is 1)."""
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise TypeError("the suppression threshold is a whole number")
    if threshold == 1 or threshold < 0:
        raise ValueError(
            "the suppression threshold must be 0 (no suppression) or at least 2: with 1, "
            '"fewer than 2" would say the count is 1'
        )


def count(n: int, threshold: int) -> Published:
    """One count on its own: exact, or "fewer than N+1" when from 1 to N."""
    check_threshold(threshold)
    shown = suppress(n, threshold)
    if shown.suppressed:
        return Published(shown.text, 1, threshold, suppressed=True)
    return Published(shown.text, n, n)


def hidden(threshold: int) -> Published:
    """A count already suppressed (its raw value not kept) as published at ``threshold``."""
    check_threshold(threshold)
    if threshold < 2:
        raise ValueError("a hidden count needs a suppression threshold")
    return Published(f"fewer than {threshold + 1}", 1, threshold, suppressed=True)


def total_within(cells: Sequence[Published]) -> Published:
    """A total whose exact value is not known: only the range its cells already imply."""
    low, high = sum(c.low for c in cells), sum(c.high for c in cells)
    return Published(f"{low:,}" if low == high else f"{low:,} to {high:,}", low, high)


def range_width(threshold: int) -> int:
    """How many values a protected total's range holds: N+1 (5 with the default N = 4)."""
    return threshold + 1


def _alignment(sum_low: int, sum_high: int, width: int) -> int:
    """The grid's offset: ranges are [k*width + offset, k*width + offset + width - 1]. A range
    starting at ``sum_high`` would pin every hidden cell to N; one ending at ``sum_low`` would
    pin them to 1. Prefer ranges centred on multiples of the width (28 to 32 around 30)."""
    forbidden = {sum_high % width, (sum_low - width + 1) % width}
    preferred = (-(width // 2)) % width
    for step in range(width):
        offset = (preferred + step) % width
        if offset not in forbidden:
            return offset
    raise AssertionError("a width of at least 3 always leaves an alignment")  # pragma: no cover


def protected_total(cells: Sequence[Published], total: int, threshold: int) -> Published:
    """The total of a table whose cells are published as ``cells``."""
    check_threshold(threshold)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValueError("a total is a whole number, not negative")
    sum_low = sum(c.low for c in cells)
    sum_high = sum(c.high for c in cells)
    if not sum_low <= total <= sum_high:
        raise ValueError(f"the total {total} cannot be the sum of these cells")
    if sum_low == sum_high:  # nothing is hidden: the total tells nothing new
        return Published(f"{total:,}", total, total)
    width = range_width(threshold)
    offset = _alignment(sum_low, sum_high, width)
    start = (total - offset) // width * width + offset
    low, high = max(start, sum_low), min(start + width - 1, sum_high)
    return Published(f"{low:,} to {high:,}", low, high)


def publish_table(counts: Sequence[int], threshold: int) -> tuple[list[Published], Published]:
    """Cells and total of an additive table (the total is the sum of the counts)."""
    cells = [count(n, threshold) for n in counts]
    return cells, protected_total(cells, sum(counts), threshold)
