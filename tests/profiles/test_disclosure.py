"""No suppressed count can be worked out from what a public summary publishes (issue 11.7,
ADR 0051). The check reads only the published text and solves it independently of the
mechanism: for each square shown as "fewer than N+1", it enumerates every value the square
could take given every other published square and the published total, and demands at least
two."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convenor.profiles import disclosure
from convenor.profiles.config import DEFAULT_CONFIG, ConfigError, parse_config
from convenor.profiles.mapping import map_figure
from convenor.profiles.models import AreaOutline
from convenor.profiles.public import sanitise
from tests.profiles.conftest import PRESTON

GRID = 1000
SQUARES = [(352000 + GRID * i, 429000 + GRID * j) for i in range(4) for j in range(3)]


# --- An independent reader of the published figures -----------------------------------------


def read_interval(text: str) -> tuple[int, int]:
    """What a reader knows of a figure from its text alone."""
    text = text.replace(",", "")
    if m := re.fullmatch(r"fewer than (\d+)", text):
        return 1, int(m.group(1)) - 1
    if m := re.fullmatch(r"(\d+) to (\d+)", text):
        return int(m.group(1)), int(m.group(2))
    if re.fullmatch(r"\d+", text):
        return int(text), int(text)
    raise AssertionError(f"a published figure a reader cannot read: {text!r}")


def values_consistent(cells: list[str], total: str) -> list[set[int]]:
    """For each cell, every value it can take such that some assignment of all cells agrees with
    every published cell and with the published total (exhaustive, by reachable sums)."""
    intervals = [read_interval(c) for c in cells]
    total_low, total_high = read_interval(total)
    found: list[set[int]] = []
    for j, (low, high) in enumerate(intervals):
        others = {0}
        for i, (lo, hi) in enumerate(intervals):
            if i != j:
                others = {s + v for s in others for v in range(lo, hi + 1)}
        found.append(
            {
                v
                for v in range(low, high + 1)
                if any(total_low <= v + s <= total_high for s in others)
            }
        )
    return found


def assert_nothing_recoverable(cells: list[str], total: str, true_counts: list[int]) -> None:
    consistent = values_consistent(cells, total)
    for text, values, true in zip(cells, consistent, true_counts, strict=True):
        assert true in values  # the published figures never contradict the truth
        if text.startswith("fewer than"):
            assert len(values) >= 2, f"{cells} with total {total!r} pins a square to {values}"


# --- The map of a public summary -------------------------------------------------------------


def _outline() -> AreaOutline:
    return AreaOutline(grid_metres=GRID, squares=[list(s) for s in SQUARES], postcode_count=12)


def public_map(counts: list[int], threshold: int = 4) -> dict:
    points = [
        (e + 100, n + 100) for (e, n), c in zip(SQUARES, counts, strict=False) for _ in range(c)
    ]
    internal = map_figure({PRESTON: _outline()}, points, GRID, threshold, "records")
    figures = {"sections": {"map": {"title": "Map", "figures": internal, "sources": []}}}
    return sanitise(figures, threshold)["sections"]["map"]["figures"]


def _published(figure: dict, counts: list[int]) -> tuple[list[str], list[int]]:
    by_square = {(c["easting"], c["northing"]): c["shown"] for c in figure["cells"]}
    shown, true = [], []
    for square, n in zip(SQUARES, counts, strict=False):
        if n:
            shown.append(by_square[square])
            true.append(n)
    return shown, true


def test_the_issues_map_no_longer_gives_away_the_small_squares():
    """Total 29: squares of 5, 14 and 5 and three of "fewer than 5" (1, 2 and 2). Published
    exactly, the total told the reader the three add up to 5."""
    counts = [5, 14, 5, 1, 2, 2]
    figure = public_map(counts)
    shown, true = _published(figure, counts)
    assert shown == ["5", "14", "5", "fewer than 5", "fewer than 5", "fewer than 5"]
    assert figure["total"]["text"] != "29" and figure["total"]["value"] is None
    low, high = read_interval(figure["total"]["text"])
    assert low <= 29 <= high and high - low >= 2
    assert_nothing_recoverable(shown, figure["total"]["text"], true)
    assert "outside_area" not in figure and "in_area" not in figure


def test_one_small_square_beside_an_exact_total_is_protected():
    """A square of 5 and one of 2, total 7: an exact total says the small one is 2."""
    counts = [5, 2]
    figure = public_map(counts)
    shown, true = _published(figure, counts)
    assert shown == ["5", "fewer than 5"]
    consistent = values_consistent(shown, figure["total"]["text"])
    assert len(consistent[1]) >= 2
    assert values_consistent(shown, "7")[1] == {2}  # what the exact total would have given away


def test_a_map_with_nothing_suppressed_keeps_its_exact_total():
    figure = public_map([5, 14, 0, 30])
    assert figure["total"]["text"] == "49" and figure["total"]["value"] == 49


def test_public_squares_are_shaded_by_what_is_published():
    figure = public_map([9, 2])
    classes = {c["shown"]: c["class"] for c in figure["cells"]}
    assert classes == {"9": "low", "fewer than 5": "suppressed"}


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=len(SQUARES)),
    st.sampled_from([2, 3, 4, 5, 6]),
)
def test_no_suppressed_square_is_recoverable_from_a_public_map(counts, threshold):
    figure = public_map(counts, threshold)
    shown, true = _published(figure, counts)
    for text, n in zip(shown, true, strict=True):
        assert (text == f"fewer than {threshold + 1}") == (n <= threshold)
    total = figure["total"]["text"]
    low, high = read_interval(total)
    assert low <= sum(counts) <= high
    assert_nothing_recoverable(shown, total, true)


# --- The mechanism on its own ----------------------------------------------------------------


@settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.integers(0, 12), st.integers(0, 200)), min_size=1, max_size=7),
    st.integers(2, 9),
)
def test_no_suppressed_cell_of_any_table_is_recoverable(counts, threshold):
    cells, total = disclosure.publish_table(counts, threshold)
    assert total.low <= sum(counts) <= total.high
    assert total.exact == (not any(c.suppressed for c in cells))
    if not total.exact:
        assert total.high - total.low + 1 <= threshold + 1  # no wider than one grid range
    assert_nothing_recoverable([c.text for c in cells], total.text, counts)


def test_the_alignment_depends_only_on_what_the_cells_publish():
    """Two tables whose cells read the same and whose totals fall in the same range publish the
    same total, whatever the hidden counts are."""
    a_cells, a_total = disclosure.publish_table([14, 1, 1], 4)
    b_cells, b_total = disclosure.publish_table([14, 2, 1], 4)
    assert [c.text for c in a_cells] == [c.text for c in b_cells]
    assert a_total.text == b_total.text


def test_threshold_zero_publishes_everything_exactly_and_one_is_refused():
    cells, total = disclosure.publish_table([1, 2, 3], 0)
    assert [c.text for c in cells] == ["1", "2", "3"] and total.text == "6"
    with pytest.raises(ValueError, match="at least 2"):
        disclosure.publish_table([1, 2], 1)
    with pytest.raises(ValueError, match="cannot be the sum"):
        disclosure.protected_total([disclosure.count(7, 4)], 8, 4)


def _config(**changes) -> dict:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text())
    if "public_reason" in changes:
        data["response_levels"]["rules"][0]["public_reason"] = changes.pop("public_reason")
    data.update(changes)
    return data


def test_configuration_refuses_a_threshold_of_one_and_numbers_in_public_wording():
    parse_config(_config())
    with pytest.raises(ConfigError, match="0 \\(no suppression\\) or from 2"):
        parse_config(_config(suppression={"threshold": 1}))
    with pytest.raises(ConfigError, match="public_reason is published"):
        parse_config(_config(public_reason="{value} active groups operate here"))
