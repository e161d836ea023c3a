"""The map: grid squares from the ONS Postcode Directory, counts per square with small numbers
suppressed (no raw count kept for them), OS grid references and the SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convenor.profiles.mapping import (
    compute_outlines,
    grid_counts,
    grid_reference,
    map_figure,
    render_map_svg,
)
from convenor.profiles.models import AreaOutline
from tests.profiles.conftest import PRESTON


def test_grid_counts_floor_to_the_square():
    counts = grid_counts([(353999, 429001), (353000, 429999), (354000, 429000)], 1000)
    assert counts == {(353000, 429000): 2, (354000, 429000): 1}


@pytest.mark.parametrize(
    "e,n,ref",
    [
        (353000, 429000, "SD 53 29"),  # Preston
        (407000, 286000, "SP 07 86"),  # Birmingham
        (530000, 180000, "TQ 30 80"),  # London
        (326000, 673000, "NT 26 73"),  # Edinburgh
    ],
)
def test_os_grid_references(e, n, ref):
    assert grid_reference(e, n) == ref


def test_map_keeps_no_raw_count_for_small_squares(preston):
    outlines = {PRESTON: AreaOutline.objects.get(area=preston)}
    points = (
        [(353100, 429100)] * 3  # 3 in SD 53 29: suppressed
        + [(352500, 430500)] * 7  # 7 in SD 52 30
        + [(354200, 429800)] * 25  # 25 in SD 54 29
        + [(400000, 400000)] * 2  # outside the area
    )
    figure = map_figure(outlines, points, 1000, 4, "records")
    cells = {c["grid_reference"]: c for c in figure["cells"]}
    assert cells["SD 53 29"]["shown"] == "fewer than 5"
    assert cells["SD 53 29"]["value"] is None
    assert cells["SD 53 29"]["class"] == "suppressed"
    assert (cells["SD 52 30"]["value"], cells["SD 52 30"]["class"]) == (7, "low")
    assert (cells["SD 54 29"]["value"], cells["SD 54 29"]["class"]) == (25, "high")
    assert figure["total"]["value"] == 35
    assert figure["outside_area"] == {"text": "fewer than 5", "value": None, "suppressed": True}
    assert figure["extent"] == [352000, 429000, 355000, 431000]
    assert len(figure["outline"]) == 6
    # The count 3 is nowhere in the frozen figure.
    assert 3 not in [c["value"] for c in figure["cells"]]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(352000, 354999), st.integers(429000, 430999)), max_size=60))
def test_no_square_ever_shows_a_count_from_one_to_the_threshold(points):
    outline = AreaOutline(
        grid_metres=1000,
        squares=[[e, n] for e in (352000, 353000, 354000) for n in (429000, 430000)],
        postcode_count=6,
    )
    figure = map_figure({PRESTON: outline}, points, 1000, 4, "records")
    for cell in figure["cells"]:
        assert cell["value"] is None or cell["value"] >= 5
        assert cell["shown"] == "fewer than 5" or int(cell["shown"].replace(",", "")) >= 5
    assert sum(c["value"] or 0 for c in figure["cells"]) <= len(points)


def test_map_svg_is_well_formed_and_accessible(preston):
    outlines = {PRESTON: AreaOutline.objects.get(area=preston)}
    figure = map_figure(outlines, [(353100, 429100)] * 6, 1000, 4, "records <linked>")
    svg = render_map_svg(figure, "Preston & around", id_prefix="m")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Preston & around"
    assert "records <linked>" in root.find(f"{ns}desc").text
    assert len(root.findall(f".//{ns}rect")) == 7  # 6 extent squares and 1 counted square
    assert "style=" not in svg


@pytest.mark.slow
def test_real_outline_of_preston_from_the_ons_postcode_directory(preston):
    AreaOutline.objects.all().delete()
    outlines = compute_outlines([PRESTON], 1000, letters=["P"])
    outline = outlines[PRESTON]
    assert outline.postcode_count > 3000
    # Preston city centre (SD 53 29) is inside; Blackpool (SD 31 36) is not.
    assert [353000, 429000] in outline.squares
    assert [331000, 436000] not in outline.squares
    assert 340000 < outline.min_easting < outline.max_easting < 370000
