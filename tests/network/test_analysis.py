"""Network analysis on a small known graph: two separate networks and a path of interest."""

from __future__ import annotations

import pandas as pd
import pytest

from convenor.network import NetworkInputError, analyse, build_graph, paths_of_interest

# Network 1: a group with three members, two of them associates; one member drives a vehicle also
# driven by a council contractor's director. Network 2: a couple at one address. Node "p9" alone.
EDGES = pd.DataFrame(
    [
        ("p1", "g1", "member_of_group"),
        ("p2", "g1", "member_of_group"),
        ("p3", "g1", "member_of_group"),
        ("p1", "p2", "associate_of"),
        ("p3", "v1", "drives"),
        ("p4", "v1", "drives"),
        ("p4", "b1", "director_of"),
        ("p4", "b1", "associate_of"),  # a second kind of link between the same pair
        ("p5", "a1", "lives_at"),
        ("p6", "a1", "lives_at"),
        ("p1", "p1", "same_as"),  # a self-link adds nothing
    ],
    columns=["source", "target", "kind"],
)
NODES = pd.DataFrame(
    [
        ("p1", "person", "Person 1"),
        ("p2", "person", "Person 2"),
        ("p3", "person", "Person 3"),
        ("p4", "person", "Person 4"),
        ("p5", "person", "Person 5"),
        ("p6", "person", "Person 6"),
        ("p9", "person", "Person 9"),
        ("g1", "group", "Group 1"),
        ("v1", "vehicle", "AB12CDE"),
        ("b1", "business", "Council contractor"),
        ("a1", "address", "12 Fishergate Rd"),
    ],
    columns=["node_id", "kind", "label"],
)


@pytest.fixture
def graph():
    return build_graph(EDGES, NODES)


def test_graph_merges_links_between_the_same_pair(graph):
    assert graph.number_of_nodes() == 11
    assert graph.number_of_edges() == 9
    assert graph.edges["p4", "b1"]["kinds"] == {"director_of", "associate_of"}
    assert graph.edges["p4", "b1"]["weight"] == 2.0
    assert graph.nodes["b1"]["kind"] == "business"


def test_analysis_finds_components_degree_betweenness_communities(graph):
    summary = analyse(graph, k=100, seed=1)
    nodes = summary.nodes.set_index("node_id")
    assert summary.node_count == 11 and summary.edge_count == 9
    assert summary.components["size"].tolist() == [7, 3, 1]
    assert nodes.loc["p4", "component_id"] == nodes.loc["g1", "component_id"] == 0
    assert nodes.loc["p9", "component_size"] == 1
    assert nodes.loc["g1", "degree"] == 3 and nodes.loc["p9", "degree"] == 0
    # The vehicle is the bridge between the group and the contractor: highest betweenness in its
    # component after the group node's own hub role.
    top = nodes[nodes["component_id"] == 0].sort_values("betweenness", ascending=False).index[:3]
    assert {"v1", "p3"} <= set(top)
    assert nodes.loc["p9", "betweenness"] == 0.0
    # Communities never cross components and are reproducible.
    assert (summary.communities["size"].sum()) == 11
    for _, community in nodes.groupby("community_id"):
        assert community["component_id"].nunique() == 1
    again = analyse(graph, k=100, seed=1)
    assert again.nodes["community_id"].tolist() == summary.nodes["community_id"].tolist()
    assert set(summary.seconds) == {"components", "degree", "betweenness", "communities"}
    assert summary.modularity is not None and summary.modularity > 0


def test_paths_of_interest_from_contractor_to_group_members(graph):
    paths = paths_of_interest(graph, sources={"b1"}, targets={"p1", "p2", "p3", "p5"})
    assert [(p.target, p.length) for p in paths] == [("p3", 3), ("p1", 5), ("p2", 5)]
    first = paths[0]
    assert first.nodes == ["b1", "p4", "v1", "p3"]
    assert first.edge_kinds == ["associate_of/director_of", "drives", "drives"]
    # Limits: path length and the kinds of link followed.
    assert [p.target for p in paths_of_interest(graph, {"b1"}, {"p1", "p3"}, max_length=3)] == [
        "p3"
    ]
    assert paths_of_interest(graph, {"b1"}, {"p3"}, edge_kinds={"director_of", "lives_at"}) == []
    with pytest.raises(NetworkInputError, match="edge_kinds: knows"):
        paths_of_interest(graph, {"b1"}, {"p3"}, edge_kinds={"knows"})


def test_edges_as_tuples_or_dicts():
    graph = build_graph(
        [("a", "b", "associate_of"), {"source": "b", "target": "c", "kind": "same_as"}]
    )
    assert sorted(graph.nodes) == ["a", "b", "c"]
    assert graph.nodes["a"]["kind"] == "unknown"
    summary = analyse(graph)
    assert summary.components["size"].tolist() == [3]


def test_empty_graph():
    summary = analyse(build_graph(pd.DataFrame(columns=["source", "target", "kind"])))
    assert summary.node_count == 0 and summary.nodes.empty


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        (pd.DataFrame({"source": ["a"], "kind": ["drives"]}), "target: the column is missing"),
        ([("a", None, "drives")], "target: edge 1 has no node id"),
        ([("a", "b", "drives"), ("a", "c", "knows")], "kind: edge 2 has 'knows'"),
        ([("a", "b", "drives", "heavy")], "weight: edge 1 has 'heavy'"),
        ([("a", "b", "drives", -1)], "weight: edge 1 must be a positive number"),
    ],
)
def test_bad_edges_name_the_row_and_field(edges, message):
    with pytest.raises(NetworkInputError, match=message):
        build_graph(edges)


def test_igraph_engine_agrees_with_networkx(graph):
    pytest.importorskip("igraph")
    exact = analyse(graph, k=100, engine="networkx").nodes.set_index("node_id")
    fast = analyse(graph, k=100, engine="igraph")
    assert fast.engine == "igraph"
    nodes = fast.nodes.set_index("node_id")
    assert (nodes["component_id"] == exact["component_id"]).all()
    assert (nodes["degree"] == exact["degree"]).all()
    assert (nodes["betweenness"] - exact["betweenness"]).abs().max() < 1e-9
    for _, community in nodes.groupby("community_id"):
        assert community["component_id"].nunique() == 1
    again = analyse(graph, k=100, engine="igraph").nodes
    assert again["community_id"].tolist() == fast.nodes["community_id"].tolist()
    assert fast.modularity > 0
    # A sample of sources estimates the same quantity on the same scale.
    sampled = analyse(graph, k=5, seed=3, engine="igraph").nodes
    assert sampled["betweenness"].max() < 1.5 and sampled["betweenness"].min() >= 0
    # A graph changed after build_graph is read afresh, not from build_graph's edge record.
    graph.add_edge("p9", "x9", kinds={"associate_of"}, weight=1.0)
    changed = analyse(graph, k=100, engine="igraph").nodes.set_index("node_id")
    assert changed.loc["p9", "degree"] == 1 and changed.loc["x9", "component_size"] == 2
    assert (
        changed["degree"] == analyse(graph, engine="networkx").nodes.set_index("node_id")["degree"]
    ).all()
    with pytest.raises(NetworkInputError, match="engine: 'gephi'"):
        analyse(graph, engine="gephi")
