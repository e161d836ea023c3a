"""build_graph against its plain meaning: one edge per unordered pair, every kind of link between
them, summed weights, nodes in the order first named, and the first bad row reported."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor.network import EDGE_KINDS, NetworkInputError, analyse, build_graph

node_ids = st.sampled_from(["p1", "p2", " p2 ", "p3", "a1", "v1", "b1", 7, 7.5])
edges_strategy = st.lists(
    st.tuples(
        node_ids,
        node_ids,
        st.sampled_from(EDGE_KINDS),
        st.one_of(st.integers(1, 5), st.floats(0.25, 4), st.sampled_from(["2", "0.5"])),
    ),
    max_size=40,
)


def expected_graph(rows):
    """The meaning of build_graph, one edge at a time."""
    order: list[str] = []
    edges: dict[frozenset, dict] = {}
    for source, target, kind, weight in rows:
        a, b = str(source).strip(), str(target).strip()
        if a == b:
            continue
        for node in (a, b):
            if node not in order:
                order.append(node)
        data = edges.setdefault(frozenset((a, b)), {"kinds": set(), "weight": 0.0})
        data["kinds"].add(kind)
        data["weight"] += float(weight)
    return order, edges


@settings(max_examples=200, deadline=None)
@given(edges_strategy, st.booleans())
def test_the_graph_holds_each_pair_once_with_all_its_kinds(rows, as_frame):
    given_edges = (
        pd.DataFrame(rows, columns=["source", "target", "kind", "weight"], dtype=object)
        if as_frame
        else rows
    )
    graph = build_graph(given_edges)
    order, edges = expected_graph(rows)
    assert list(graph.nodes) == order
    assert graph.number_of_edges() == len(edges)
    for pair, data in edges.items():
        a, b = sorted(pair)
        assert graph.edges[a, b]["kinds"] == data["kinds"]
        assert graph.edges[a, b]["weight"] == pytest.approx(data["weight"])
    # Both engines read the same graph the same way.
    if edges:
        fast = analyse(graph, k=10, engine="igraph").nodes.set_index("node_id")
        exact = analyse(graph, k=10, engine="networkx").nodes.set_index("node_id")
        assert (fast["degree"] == exact["degree"]).all()
        assert (fast["component_id"] == exact["component_id"]).all()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("a", "b", "drives", 1), (None, "c", "knows", -1)], "source: edge 2 has no node id"),
        ([("a", "  ", "drives", 1)], "target: edge 1 has no node id"),
        ([("a", "b", "drives", 1), ("a", "c", "knows", "x")], "kind: edge 2 has 'knows'"),
        ([("a", "b", "drives", "x"), ("a", None, "drives", 1)], "weight: edge 1 has 'x'"),
        ([("a", "b", "drives", None)], "weight: edge 1 has None, not a number"),
        ([("a", "b", "drives", float("nan"))], "weight: edge 1 must be a positive number"),
        ([("a", "b", "drives", float("inf"))], "weight: edge 1 must be a positive number"),
        ([("a", "b", "drives", 0)], "weight: edge 1 must be a positive number"),
    ],
)
def test_the_first_bad_row_and_its_first_bad_field_are_named(rows, message):
    for given_edges in (rows, pd.DataFrame(rows, columns=["source", "target", "kind", "weight"])):
        with pytest.raises(NetworkInputError, match=message):
            build_graph(given_edges)


def test_nodes_given_first_keep_their_kind_and_label_and_order():
    nodes = pd.DataFrame(
        {"node_id": ["g1", "p1"], "kind": ["group", "person"], "label": ["G", None]}
    )
    graph = build_graph([("p2", "p1", "associate_of"), ("p1", "g1", "member_of_group")], nodes)
    assert list(graph.nodes) == ["g1", "p1", "p2"]
    assert graph.nodes["g1"] == {"kind": "group", "label": "G"}
    assert graph.nodes["p1"]["label"] == "p1"
    assert graph.nodes["p2"] == {"kind": "unknown", "label": "p2"}
    with pytest.raises(NetworkInputError, match="node_id: node 2 has no node id"):
        build_graph([], pd.DataFrame({"node_id": ["g1", " "]}))
