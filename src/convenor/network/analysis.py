"""Build a graph from links and analyse it: components, degree, approximate betweenness, Louvain
communities, and shortest paths between nodes of interest."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

EDGE_KINDS: tuple[str, ...] = (
    "associate_of",
    "director_of",
    "lives_at",
    "drives",
    "holds_licence",
    "member_of_group",
    "same_as",
)
NODE_KINDS: tuple[str, ...] = ("person", "business", "vehicle", "address", "licence", "group")


class NetworkInputError(ValueError):
    """Edges or nodes that cannot make a graph; the message names the row and the field."""


@dataclass(frozen=True)
class PathOfInterest:
    source: str
    target: str
    nodes: list[str]
    edge_kinds: list[str]  # one per step: the kinds of link between consecutive nodes, joined "/"

    @property
    def length(self) -> int:
        return len(self.nodes) - 1


@dataclass
class NetworkSummary:
    nodes: pd.DataFrame
    components: pd.DataFrame
    communities: pd.DataFrame
    node_count: int
    edge_count: int
    seconds: dict[str, float] = field(default_factory=dict)
    modularity: float | None = None


def _edge_rows(edges: Any) -> Iterable[tuple[Any, Any, Any, Any]]:
    if isinstance(edges, pd.DataFrame):
        for column in ("source", "target", "kind"):
            if column not in edges.columns:
                raise NetworkInputError(f"{column}: the column is missing from the edges")
        weights = edges["weight"] if "weight" in edges.columns else [1.0] * len(edges)
        yield from zip(edges["source"], edges["target"], edges["kind"], weights, strict=True)
        return
    for row in edges:
        if isinstance(row, Mapping):
            yield row.get("source"), row.get("target"), row.get("kind"), row.get("weight", 1.0)
        else:
            source, target, kind, *rest = row
            yield source, target, kind, rest[0] if rest else 1.0


def _node_id(value: Any, row: int, column: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        raise NetworkInputError(f"{column}: edge {row} has no node id")
    text = str(value).strip()
    if not text:
        raise NetworkInputError(f"{column}: edge {row} has no node id")
    return text


def build_graph(edges: Any, nodes: pd.DataFrame | None = None) -> nx.Graph:
    """An undirected graph: one edge per linked pair, holding every kind of link between them
    ("kinds") and the summed weight. Raises NetworkInputError naming the edge row and field."""
    graph = nx.Graph()
    if nodes is not None and len(nodes):
        if "node_id" not in nodes.columns:
            raise NetworkInputError("node_id: the column is missing from the nodes")
        kinds = nodes["kind"] if "kind" in nodes.columns else ["unknown"] * len(nodes)
        labels = nodes["label"] if "label" in nodes.columns else [None] * len(nodes)
        for row, (node, kind, label) in enumerate(
            zip(nodes["node_id"], kinds, labels, strict=True), 1
        ):
            node_id = _node_id(node, row, "node_id")
            graph.add_node(node_id, kind=str(kind or "unknown"), label=label or node_id)
    adjacency = graph._adj  # direct access: building a million edges through add_edge is slow
    node_attributes = graph._node
    for row, (source, target, kind, weight) in enumerate(_edge_rows(edges), 1):
        a, b = _node_id(source, row, "source"), _node_id(target, row, "target")
        if kind not in EDGE_KINDS:
            raise NetworkInputError(
                f"kind: edge {row} has {kind!r}; use one of {', '.join(EDGE_KINDS)}"
            )
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            raise NetworkInputError(f"weight: edge {row} has {weight!r}, not a number") from None
        if not weight > 0 or weight == float("inf"):
            raise NetworkInputError(f"weight: edge {row} must be a positive number")
        if a == b:
            continue  # a record linked to itself adds nothing
        for node in (a, b):
            if node not in node_attributes:
                node_attributes[node] = {"kind": "unknown", "label": node}
                adjacency[node] = {}
        data = adjacency[a].get(b)
        if data is None:
            data = {"kinds": {kind}, "weight": weight}
            adjacency[a][b] = data
            adjacency[b][a] = data
        else:
            data["kinds"].add(kind)
            data["weight"] += weight
    return graph


def analyse(
    graph: nx.Graph,
    k: int = 64,
    seed: int = 42,
    resolution: float = 1.0,
    communities: bool = True,
) -> NetworkSummary:
    """Components, degree, approximate betweenness (k sampled sources) and Louvain communities."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    node_list = list(graph.nodes)
    component_of: dict[str, int] = {}
    sizes: list[int] = []
    kinds_of_component: list[str] = []
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    for index, members in enumerate(components):
        for node in members:
            component_of[node] = index
        sizes.append(len(members))
        kinds = sorted({graph.nodes[node].get("kind", "unknown") for node in members})
        kinds_of_component.append(", ".join(kinds))
    seconds["components"] = time.perf_counter() - started

    started = time.perf_counter()
    degree = dict(graph.degree())
    seconds["degree"] = time.perf_counter() - started

    started = time.perf_counter()
    if graph.number_of_nodes() > 2 and k > 0:
        sample = min(k, graph.number_of_nodes())
        betweenness = nx.betweenness_centrality(
            graph, k=None if sample == graph.number_of_nodes() else sample, seed=seed
        )
    else:
        betweenness = dict.fromkeys(node_list, 0.0)
    seconds["betweenness"] = time.perf_counter() - started

    started = time.perf_counter()
    community_of: dict[str, int] = {}
    modularity = None
    community_rows: list[dict[str, int]] = []
    if communities and graph.number_of_edges():
        found = nx.community.louvain_communities(
            graph, weight="weight", resolution=resolution, seed=seed
        )
        found = sorted(found, key=lambda c: (-len(c), min(c)))
        for index, members in enumerate(found):
            for node in members:
                community_of[node] = index
            community_rows.append(
                {
                    "community_id": index,
                    "size": len(members),
                    "component_id": component_of[next(iter(members))],
                }
            )
        modularity = nx.community.modularity(graph, found, weight="weight", resolution=resolution)
    else:
        for index, node in enumerate(sorted(node_list)):
            community_of[node] = index
            community_rows.append(
                {"community_id": index, "size": 1, "component_id": component_of[node]}
            )
    seconds["communities"] = time.perf_counter() - started

    attributes = graph.nodes
    nodes = pd.DataFrame(
        {
            "node_id": node_list,
            "kind": [attributes[node].get("kind", "unknown") for node in node_list],
            "label": [attributes[node].get("label", node) for node in node_list],
            "degree": [degree[node] for node in node_list],
            "betweenness": [betweenness.get(node, 0.0) for node in node_list],
            "component_id": [component_of[node] for node in node_list],
            "component_size": [sizes[component_of[node]] for node in node_list],
            "community_id": [community_of[node] for node in node_list],
        }
    )
    return NetworkSummary(
        nodes=nodes,
        components=pd.DataFrame(
            {"component_id": range(len(sizes)), "size": sizes, "kinds": kinds_of_component}
        ),
        communities=pd.DataFrame(community_rows, columns=["community_id", "size", "component_id"]),
        node_count=graph.number_of_nodes(),
        edge_count=graph.number_of_edges(),
        seconds=seconds,
        modularity=modularity,
    )


def paths_of_interest(
    graph: nx.Graph,
    sources: Iterable[str],
    targets: Iterable[str],
    max_length: int = 6,
    edge_kinds: Iterable[str] | None = None,
) -> list[PathOfInterest]:
    """For each target within max_length steps of any source, one shortest path from the nearest
    source (e.g. from council contractors to members of an organised crime group). Only links of
    edge_kinds are followed when given. Sorted by length, then target."""
    allowed = set(edge_kinds) if edge_kinds is not None else None
    if allowed is not None and not allowed <= set(EDGE_KINDS):
        unknown = sorted(allowed - set(EDGE_KINDS))
        raise NetworkInputError(
            f"edge_kinds: {', '.join(unknown)} not one of {', '.join(EDGE_KINDS)}"
        )
    starts = sorted({str(node) for node in sources if str(node) in graph})
    wanted = {str(node) for node in targets if str(node) in graph}
    previous: dict[str, str | None] = dict.fromkeys(starts)
    queue = deque((node, 0) for node in starts)
    adjacency = graph._adj
    while queue:
        node, depth = queue.popleft()
        if depth >= max_length:
            continue
        for neighbour in sorted(adjacency[node]):
            if neighbour in previous:
                continue
            if allowed is not None and not (adjacency[node][neighbour]["kinds"] & allowed):
                continue
            previous[neighbour] = node
            queue.append((neighbour, depth + 1))
    found: list[PathOfInterest] = []
    for target in sorted(wanted):
        if target not in previous:
            continue
        path = [target]
        while previous[path[-1]] is not None:
            path.append(previous[path[-1]])
        path.reverse()
        kinds = [
            "/".join(sorted(adjacency[a][b]["kinds"])) for a, b in zip(path, path[1:], strict=False)
        ]
        found.append(PathOfInterest(source=path[0], target=target, nodes=path, edge_kinds=kinds))
    return sorted(found, key=lambda p: (p.length, p.target))
