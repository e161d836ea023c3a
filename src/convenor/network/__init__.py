"""Network analysis of the links between people, businesses, vehicles, addresses and groups, on
networkx. Pure Python: nothing here imports Django.

    from convenor.network import build_graph, analyse, paths_of_interest

    graph = build_graph(edges, nodes=None)
    summary = analyse(graph, k=64, seed=42)
    paths = paths_of_interest(graph, sources={"business:contractor-1"}, targets=members)

edges: a pandas DataFrame (or an iterable of dicts or (source, target, kind) tuples) with source,
  target, kind (one of EDGE_KINDS: associate_of, director_of, lives_at, drives, holds_licence,
  member_of_group, same_as) and optional weight (default 1).
nodes: optional DataFrame with node_id, kind (person, business, vehicle, address, licence, group)
  and label; nodes only named by edges get kind "unknown".
analyse -> NetworkSummary: nodes (DataFrame[node_id, kind, label, degree, betweenness,
  component_id, component_size, community_id]), components (DataFrame[component_id, size,
  kinds]), communities (DataFrame[community_id, size, component_id]), counts and the seconds
  each step took. Betweenness is approximate (k sampled source nodes, seeded); communities are
  Louvain (seeded), so the same graph and seed give the same answer.
paths_of_interest -> list[PathOfInterest(source, target, nodes, edge_kinds, length)]: for each
  target reachable within max_length, a shortest path from the nearest source.
"""

from .analysis import (
    EDGE_KINDS,
    NODE_KINDS,
    NetworkInputError,
    NetworkSummary,
    PathOfInterest,
    analyse,
    build_graph,
    paths_of_interest,
)

__all__ = [
    "EDGE_KINDS",
    "NODE_KINDS",
    "NetworkInputError",
    "NetworkSummary",
    "PathOfInterest",
    "analyse",
    "build_graph",
    "paths_of_interest",
]
