"""The network drawing in a real browser (issue 13 item 4): around one taxi driver of the demo
(14 nodes) no two labels overlap as the browser lays the text out, every label is inside the
picture and each node is drawn once; pan and zoom move the viewBox; at 500 nodes the page still
draws them all. Screenshots of both go to the test's tmp dir (and CONVENOR_SCREENSHOT_DIR)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from convenor.core.demo import load_demo as load_core_demo
from convenor.groups.demo import load_demo as load_groups_demo
from convenor.threat import graph
from convenor.threat.demo import load_demo as load_threat_demo
from convenor.threat.models import Record
from tests.browser.test_journeys import _accessible, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("CONVENOR_SCREENSHOT_DIR")

# Each label's box as the browser drew it (getBBox, in the SVG's units), and the SVG's viewBox.
LABEL_BOXES = """svg => [...svg.querySelectorAll('text.threat-node__label')]
    .filter(t => getComputedStyle(t).display !== 'none')
    .map(t => { const b = t.getBBox(); return [t.textContent, b.x, b.y, b.width, b.height]; })"""
VIEW_BOX = "svg => svg.getAttribute('viewBox').split(' ').map(Number)"


def _screenshot(page, tmp_path: Path, name: str) -> None:
    page.locator("#network-figure").screenshot(path=str(tmp_path / f"{name}.png"))
    if SCREENSHOTS:
        page.locator("#network-figure").screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def _overlapping(boxes) -> list:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[1] + b[3] and b[1] < a[1] + a[3] and a[2] < b[2] + b[4] and b[2] < a[2] + a[4]
    ]


@pytest.fixture
def lee():
    accounts = {account.username: account for account in load_core_demo()}
    load_threat_demo()
    load_groups_demo()
    return accounts["lee.barnes"]


def test_around_one_entity_labels_are_apart_inside_the_picture_and_it_pans_and_zooms(
    page, lee, tmp_path
):
    whitlow = Record.objects.get(surname="Whitlow", dataset__kind="police_nominals", kind="person")
    _sign_in(page, "lee.barnes", lee.password)
    page.goto(f"/threat/network/?around=entity:{whitlow.entity_id}")
    svg = page.locator("svg.threat-network__svg")
    expect(svg).to_be_visible()
    nodes = page.locator("a.threat-node")
    assert nodes.count() == 14
    ids = nodes.evaluate_all("ns => ns.map(n => n.dataset.node)")
    assert len(set(ids)) == 14
    _screenshot(page, tmp_path, "network-14-nodes")

    boxes = svg.evaluate(LABEL_BOXES)
    assert len(boxes) == 14  # none hidden for want of room
    texts = [b[0] for b in boxes]
    assert len(set(texts)) == 14, texts  # the two 12 Fishergate entities read as two
    assert sum("12 Fishergate" in t for t in texts) == 2
    assert _overlapping(boxes) == []
    x0, y0, width, height = svg.evaluate(VIEW_BOX)
    for text, x, y, w, h in boxes:
        assert x0 <= x and x + w <= x0 + width and y0 <= y and y + h <= y0 + height, text
    # The key names the kinds of link drawn, each with its own dash pattern.
    key = page.locator("[data-link-kind]")
    kinds = key.evaluate_all("items => items.map(i => i.dataset.linkKind)")
    assert {"associate_of", "lives_at", "drives", "member_of_group"} <= set(kinds)
    dashes = key.locator("line").evaluate_all(
        "lines => lines.map(l => getComputedStyle(l).strokeDasharray)"
    )
    assert len(set(dashes)) == len(dashes)
    _accessible(page, "network around one entity")

    home = svg.evaluate(VIEW_BOX)
    page.get_by_role("button", name="Zoom in").click()
    zoomed = svg.evaluate(VIEW_BOX)
    assert zoomed[2] < home[2] and zoomed[3] < home[3]
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    assert svg.evaluate(VIEW_BOX)[2] > home[2]
    page.get_by_role("button", name="Reset view").click()
    assert svg.evaluate(VIEW_BOX) == home
    svg.focus()  # the keyboard: arrows move, + zooms, 0 resets
    page.keyboard.press("ArrowRight")
    assert svg.evaluate(VIEW_BOX)[0] > home[0]
    page.keyboard.press("+")
    assert svg.evaluate(VIEW_BOX)[2] < home[2]
    page.keyboard.press("0")
    assert svg.evaluate(VIEW_BOX) == home
    box = svg.bounding_box()  # drag to pan, not to follow a link
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 80, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    assert svg.evaluate(VIEW_BOX)[0] > home[0]
    assert "/threat/network/" in page.url
    page.mouse.wheel(0, -300)
    assert svg.evaluate(VIEW_BOX)[2] < home[2]
    assert page.console_errors == []


def test_five_hundred_nodes_are_drawn_with_their_labels_inside_the_picture(
    page, lee, tmp_path, monkeypatch
):
    rng = random.Random(5)
    names = "Amelia Declan Imran Olivia Kieran Aisha Ruby Connor Zara Callum".split()
    surnames = "Walker Pilkington Hargreaves Cartwright Ainsworth Hussain Heywood".split()

    def crowd(user, entity_ids):
        """470 more people in groups of 47, each linked to an earlier one of its group."""
        nodes = [
            graph.Node(f"crowd:{i}", "person", f"{rng.choice(names)} {rng.choice(surnames)}")
            for i in range(470)
        ]
        edges = [
            graph.Edge(f"crowd:{i}", f"crowd:{rng.randrange(i - i % 47, i)}", "associate_of")
            for i in range(470)
            if i % 47
        ]
        return nodes, edges

    monkeypatch.setattr(graph, "_PROVIDERS", [*graph.edge_providers(), crowd])
    _sign_in(page, "lee.barnes", lee.password)
    page.goto("/threat/network/")
    svg = page.locator("svg.threat-network__svg")
    expect(svg).to_be_visible()
    drawn = page.locator("a.threat-node").count()
    assert 450 <= drawn <= graph.MAX_DRAWN_NODES
    _screenshot(page, tmp_path, "network-500-nodes")
    boxes = svg.evaluate(LABEL_BOXES)
    assert len(boxes) > drawn * 0.8  # most labels find a free place
    x0, y0, width, height = svg.evaluate(VIEW_BOX)
    for text, x, y, w, h in boxes:
        assert x0 <= x and x + w <= x0 + width and y0 <= y and y + h <= y0 + height, text
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    assert svg.evaluate(VIEW_BOX)[2] < width / 2
    _screenshot(page, tmp_path, "network-500-nodes-zoomed")
