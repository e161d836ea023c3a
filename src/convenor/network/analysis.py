"""Build a graph from links and analyse it: components, degree, approximate betweenness, Louvain
communities, and shortest paths between nodes of interest."""

from __future__ import annotations

import time
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
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
    engine: str = "networkx"


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


def _node_id(value: Any, row: int, column: str, where: str = "edge") -> str:
    if value is None or (isinstance(value, float) and value != value):
        raise NetworkInputError(f"{column}: {where} {row} has no node id")
    text = str(value).strip()
    if not text:
        raise NetworkInputError(f"{column}: {where} {row} has no node id")
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
            node_id = _node_id(node, row, "node_id", where="node")
            graph.add_node(node_id, kind=str(kind or "unknown"), label=label or node_id)
    adjacency = graph._adj  # direct access: building a million edges through add_edge is slow
    node_attributes = graph._node
    # Integer edge lists kept beside the graph so the igraph engine need not walk it again.
    position = {node: index for index, node in enumerate(node_attributes)}
    lefts, rights, datas = array("q"), array("q"), []
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
                position[node] = len(position)
        data = adjacency[a].get(b)
        if data is None:
            data = {"kinds": {kind}, "weight": weight}
            adjacency[a][b] = data
            adjacency[b][a] = data
            lefts.append(position[a])
            rights.append(position[b])
            datas.append(data)
        else:
            data["kinds"].add(kind)
            data["weight"] += weight
    graph.graph[_EDGE_INDEX] = (lefts, rights, datas)
    return graph


_EDGE_INDEX = "convenor_edge_index"


def _edge_index(graph: nx.Graph, node_list: list[str]):
    """Integer edges (by position in node_list) and their data: from build_graph's record when
    the graph is unchanged since (same nodes and edge count), else by walking the graph."""
    recorded = graph.graph.get(_EDGE_INDEX)
    if recorded is not None:
        lefts, rights, datas = recorded
        if len(datas) == graph.number_of_edges() and len(node_list) == len(graph._node):
            return list(zip(lefts, rights, strict=True)), [data["weight"] for data in datas]
    index = {node: position for position, node in enumerate(node_list)}
    edges, weights = [], []
    for a, b, data in graph.edges(data=True):
        edges.append((index[a], index[b]))
        weights.append(data.get("weight", 1.0))
    return edges, weights


IGRAPH_ABOVE_EDGES = 100_000  # "auto": graphs with more links than this use igraph's C code


def _igraph_available() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def analyse(
    graph: nx.Graph,
    k: int = 64,
    seed: int = 42,
    resolution: float = 1.0,
    communities: bool = True,
    engine: str = "auto",
) -> NetworkSummary:
    """Components, degree, approximate betweenness (k sampled sources) and communities.

    engine "networkx" runs everything in networkx (Louvain communities); "igraph" hands the graph
    to igraph's C implementations (Leiden communities, optimising modularity), which large graphs
    need to finish in seconds; "auto" picks igraph above IGRAPH_ABOVE_EDGES links when installed.
    Both are seeded: the same graph and seed give the same answer."""
    if engine not in ("auto", "networkx", "igraph"):
        raise NetworkInputError(f"engine: {engine!r} is not one of auto, networkx, igraph")
    if engine == "auto":
        large = graph.number_of_edges() > IGRAPH_ABOVE_EDGES
        engine = "igraph" if large and _igraph_available() else "networkx"
    node_list = list(graph.nodes)
    seconds: dict[str, float] = {}
    if engine == "igraph":
        found = _analyse_igraph(graph, node_list, k, seed, resolution, communities, seconds)
    else:
        found = _analyse_networkx(graph, node_list, k, seed, resolution, communities, seconds)
    component_sets, degree, betweenness, community_sets, modularity = found

    component_of: dict[str, int] = {}
    sizes: list[int] = []
    kinds_of_component: list[str] = []
    for index, members in enumerate(sorted(component_sets, key=lambda c: (-len(c), min(c)))):
        for node in members:
            component_of[node] = index
        sizes.append(len(members))
        kinds = sorted({graph.nodes[node].get("kind", "unknown") for node in members})
        kinds_of_component.append(", ".join(kinds))
    community_of: dict[str, int] = {}
    community_rows: list[dict[str, int]] = []
    for index, members in enumerate(sorted(community_sets, key=lambda c: (-len(c), min(c)))):
        for node in members:
            community_of[node] = index
        community_rows.append(
            {
                "community_id": index,
                "size": len(members),
                "component_id": component_of[next(iter(members))],
            }
        )

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
        engine=engine,
    )


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    """Time the block into ``seconds[step]`` (the summary's seconds per step)."""
    started = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - started


def _analyse_networkx(graph, node_list, k, seed, resolution, communities, seconds):
    with _timed(seconds, "components"):
        component_sets = list(nx.connected_components(graph))

    with _timed(seconds, "degree"):
        degree = dict(graph.degree())

    with _timed(seconds, "betweenness"):
        count = graph.number_of_nodes()
        if count > 2 and k > 0:
            sample = None if k >= count else k
            betweenness = nx.betweenness_centrality(graph, k=sample, seed=seed)
        else:
            betweenness = dict.fromkeys(node_list, 0.0)

    with _timed(seconds, "communities"):
        modularity = None
        if communities and graph.number_of_edges():
            community_sets = nx.community.louvain_communities(
                graph, weight="weight", resolution=resolution, seed=seed
            )
            modularity = nx.community.modularity(
                graph, community_sets, weight="weight", resolution=resolution
            )
        else:
            community_sets = [{node} for node in node_list]
    return component_sets, degree, betweenness, community_sets, modularity


def _sets_of(node_list: list[str], membership: list[int]) -> list[set[str]]:
    """igraph's membership vector (a group number per node) as sets of node ids."""
    groups: dict[int, set[str]] = {}
    for node, group in zip(node_list, membership, strict=True):
        groups.setdefault(group, set()).add(node)
    return list(groups.values())


def _analyse_igraph(graph, node_list, k, seed, resolution, communities, seconds):
    import random

    import igraph

    with _timed(seconds, "convert"):
        edges, weights = _edge_index(graph, node_list)
        twin = igraph.Graph(n=len(node_list), edges=edges, directed=False)
        twin.es["weight"] = weights

    with _timed(seconds, "components"):
        component_sets = _sets_of(node_list, twin.connected_components().membership)

    with _timed(seconds, "degree"):
        degree = dict(zip(node_list, twin.degree(), strict=True))

    with _timed(seconds, "betweenness"):
        count = len(node_list)
        if count > 2 and k > 0:
            sources = None if k >= count else random.Random(seed).sample(range(count), k)
            raw = twin.betweenness(directed=False, sources=sources)
            # As networkx normalises: pairs (n-1)(n-2)/2, and n/k for a sample of k sources.
            scale = (
                2 / ((count - 1) * (count - 2)) * (count / (k if sources is not None else count))
            )
            betweenness = {node: value * scale for node, value in zip(node_list, raw, strict=True)}
        else:
            betweenness = dict.fromkeys(node_list, 0.0)

    with _timed(seconds, "communities"):
        modularity = None
        if communities and graph.number_of_edges():
            igraph.set_random_number_generator(random.Random(seed))
            try:
                partition = twin.community_leiden(
                    objective_function="modularity",
                    weights="weight",
                    resolution=resolution,
                    n_iterations=2,
                )
            finally:
                igraph.set_random_number_generator(random)
            community_sets = _sets_of(node_list, partition.membership)
            modularity = twin.modularity(
                partition.membership, weights="weight", resolution=resolution, directed=False
            )
        else:
            community_sets = [{node} for node in node_list]
    return component_sets, degree, betweenness, community_sets, modularity


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
