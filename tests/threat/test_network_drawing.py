"""The network drawing: every label inside the picture and clear of the others, the same picture
every time, and two entities of one name drawn as two nodes that can be told apart."""

from __future__ import annotations

import random
import re

import pytest

from convenor.threat import drawing, graph, services
from convenor.threat.graph import Edge, Network, Node
from convenor.threat.models import Record
from tests.conftest import verified_login
from tests.threat.conftest import NOMINALS_MAPPING

NAMES = "Joshua Amelia Mohammed Ruby Declan Aisha Kieran Olivia Imran Shannon".split()
SURNAMES = "Walker Pilkington Hargreaves Cartwright Ainsworth Whittle Hussain".split()


def around_doyle() -> Network:
    """The 14 nodes around one taxi driver in the demo: a hub (Mark Doyle) with six associates,
    two addresses of one name, a vehicle, a contractor and an organised crime group."""
    labels = {
        1: ("person", "Mark Doyle"),
        2: ("address", "3 Deepdale Road, PR1 1DA"),
        3: ("person", "Kyle Brennan"),
        5: ("person", "Danny Whitlow"),
        6: ("vehicle", "PN19XKE"),
        7: ("address", "12 Fishergate, PR1 0BS (E7)"),
        22: ("person", "Ella Hussain"),
        26: ("person", "Joshua Walker"),
        32: ("person", "Bilal Wood"),
        42: ("person", "Ethan Ashworth"),
        46: ("person", "Connor Walker"),
        64: ("address", "12 Fishergate, PR1 0BS (E64)"),
        279: ("business", "Ribble Groundworks Ltd"),
    }
    nodes = [Node(f"entity:{pk}", kind, label) for pk, (kind, label) in labels.items()]
    nodes.append(Node("group:1", "group", "Ribble Valley Line"))
    links = [
        (1, 2, "lives_at"),
        (1, "g", "member_of_group"),
        (22, 1, "associate_of"),
        (26, 1, "associate_of"),
        (279, "g", "member_of_group"),
        (3, 1, "associate_of"),
        (3, 279, "director_of"),
        (3, "g", "member_of_group"),
        (32, 1, "associate_of"),
        (42, 1, "associate_of"),
        (46, 1, "associate_of"),
        (5, 1, "associate_of"),
        (5, 6, "drives"),
        (5, 64, "lives_at"),
        (5, 7, "lives_at"),
        (5, "g", "member_of_group"),
    ]

    def node_id(end) -> str:
        return "group:1" if end == "g" else f"entity:{end}"

    edges = [Edge(node_id(a), node_id(b), kind) for a, b, kind in links]
    return Network(nodes=nodes, edges=edges)


def synthetic(count: int, group_size: int, seed: int = 3) -> Network:
    """``count`` people in linked groups of ``group_size``, each linked to an earlier one."""
    rng = random.Random(seed)
    nodes = [
        Node(f"entity:{i}", "person", f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}")
        for i in range(count)
    ]
    edges = []
    for i in range(count):
        first = i - i % group_size
        if i > first:
            edges.append(Edge(f"entity:{i}", f"entity:{rng.randrange(first, i)}", "associate_of"))
    return Network(nodes=nodes, edges=edges)


def boxes(drawn: dict) -> list[tuple[float, float, float, float]]:
    return [n["label_box"] for n in drawn["nodes"]]


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_no_two_labels_overlap_around_one_entity():
    drawn = drawing.layout(around_doyle())
    assert drawn["crowded"] == 0
    labels = boxes(drawn)
    clashes = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :] if overlap(a, b)]
    assert clashes == []
    # Nor does a label cover another node.
    for n in drawn["nodes"]:
        for other in drawn["nodes"]:
            if other is not n:
                circle = (other["x"] - 8, other["y"] - 8, 16, 16)
                assert not overlap(n["label_box"], circle), (n["label"], other["label"])


@pytest.mark.parametrize("network", [around_doyle(), synthetic(500, 25), synthetic(300, 300)])
def test_every_node_and_label_lies_inside_the_view_box(network):
    drawn = drawing.layout(network)
    x0, y0, width, height = (float(v) for v in drawn["view_box"].split())
    assert (x0, y0) == (0, 0)
    for n in drawn["nodes"]:
        left, top, w, h = n["label_box"]
        assert 0 <= left and left + w <= width and 0 <= top and top + h <= height, n["label"]
        assert 8 <= n["x"] <= width - 8 and 8 <= n["y"] <= height - 8
        # The text starts inside its box and is no wider than the box allows for.
        assert left <= n["label_x"] and top <= n["label_y"] <= top + h
        assert drawing.text_width(n["label"]) <= w


def test_the_same_network_is_drawn_the_same_way_every_time():
    network = synthetic(120, 30)
    assert drawing.layout(network) == drawing.layout(network)
    assert drawing.layout(around_doyle()) == drawing.layout(around_doyle())


def test_a_large_group_keeps_its_labels_apart_or_shows_them_only_on_hover():
    drawn = drawing.layout(synthetic(500, 500))
    shown = [n["label_box"] for n in drawn["nodes"] if not n["crowded"]]
    assert len(shown) > 400
    index = {}  # a coarse grid: only near boxes are compared
    for box in shown:
        index.setdefault((int(box[0] // 200), int(box[1] // 200)), []).append(box)
    for (i, j), here in index.items():
        near = [
            b for di in (-1, 0, 1) for dj in (-1, 0, 1) for b in index.get((i + di, j + dj), [])
        ]
        for a in here:
            assert [b for b in near if b is not a and overlap(a, b)] == []


def test_long_labels_are_cut_but_keep_the_number_that_tells_two_apart():
    assert drawing.short_label("Ribble Groundworks Ltd") == "Ribble Groundworks Ltd"
    cut = drawing.short_label("Flat 12, 180 Watling Street Road, PR2 8DY (E1234)")
    assert cut.startswith("Flat 12, 180 Watling") and cut.endswith("… (E1234)")
    assert len(cut) <= drawing.LABEL_CHARS
    assert drawing.short_label("A very long business name indeed Limited").endswith("…")


# --- Two entities of one name are two nodes, told apart ---------------------------------------

SAME_ADDRESS_CSV = (
    "Nominal ID,Forename,Surname,DOB,Address,Postcode,Mobile,Associate of\n"
    "N9,Ann,Tenant,01/01/1970,12 Fishergate,PR1 2HE,,N10\n"
    "N10,Kyle,Brennan,1992-01-01,1 Other Street,PR1 5EP,,\n"
)


@pytest.fixture
def doubled(imported):
    """A second file in which another row gives 12 Fishergate, and another Kyle Brennan (born two
    years later), her associate: not linked, so each is an entity of its own with the same name
    as another."""
    upload = services.import_file(
        imported.own_analyst,
        imported.own_dataset,
        "more.csv",
        SAME_ADDRESS_CSV.encode(),
        NOMINALS_MAPPING,
    )
    assert upload.status == "done"
    return imported


@pytest.mark.django_db
def test_two_entities_of_one_name_get_labels_that_tell_them_apart(doubled):
    addresses = Record.objects.filter(
        address="12 Fishergate", kind="address", dataset=doubled.own_dataset
    )
    entities = sorted({r.entity_id for r in addresses})
    assert len(entities) == 2  # the cause: two entities, not one node drawn twice
    network = graph.build_network(doubled.own_analyst, doubled.core.shared)
    labels = [n.label for n in network.nodes]
    assert len(labels) == len(set(labels))
    assert {f"12 Fishergate, PR1 2HE (E{pk})" for pk in entities} <= set(labels)
    assert len([label for label in labels if label.startswith("Kyle Brennan (E")]) == 2
    assert "Daniel Whitlow" in labels or "Danny Whitlow" in labels  # a unique name stays as it is


@pytest.mark.django_db
def test_the_page_draws_each_node_once_with_a_key_for_its_kinds_of_link(client, doubled):
    verified_login(client, doubled.own_analyst)
    response = client.get("/threat/network/")
    assert response.status_code == 200
    page = response.content.decode()
    drawn = re.findall(r'data-node="([^"]+)"', page)
    assert drawn and len(drawn) == len(set(drawn))
    texts = re.findall(r'<text [^>]*class="threat-node__label[^"]*"[^>]*>([^<]+)</text>', page)
    assert len(texts) == len(drawn) and len(set(texts)) == len(texts)
    fishergate = [t for t in texts if t.startswith("12 Fishergate") and re.search(r" \(E\d+\)$", t)]
    assert len(fishergate) == 2
    key = re.findall(r'<li data-link-kind="([^"]+)">', page)
    assert sorted(key) == sorted({"associate_of", "lives_at"})
    view_box = re.search(r'<svg viewBox="([^"]+)" data-home="([^"]+)"', page)
    assert view_box and view_box.group(1) == view_box.group(2)
    assert '<div class="threat-zoom" hidden>' in page  # the script shows the buttons
