"""The network a user may see: entities as nodes, relations between them as edges, plus edges
other apps contribute (the groups app adds "member of group").

Other apps register an edge provider::

    from convenor.threat.graph import Edge, Node, register_edge_provider

    @register_edge_provider
    def group_membership_edges(user, entity_ids):
        # user: the person looking; entity_ids: the entities they may see (frozenset of pks).
        # Return (nodes, edges): the provider's own nodes (e.g. "group:3") and edges between them
        # and entity nodes ("entity:12", see entity_node_id). It applies the access policy itself.
        return nodes, edges

Edges that touch an entity the user may not see are dropped here, whatever a provider returns,
so no provider can reveal an entity through the graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from convenor.core import access
from convenor.network import EDGE_KINDS

from .batches import in_batches
from .models import LABEL_FIELDS, Entity, Record, Relation, record_label


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    label: str
    url: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str


EdgeProvider = Callable[[Any, frozenset[int]], tuple[Iterable[Node], Iterable[Edge]]]
_PROVIDERS: list[EdgeProvider] = []


def register_edge_provider(provider: EdgeProvider) -> EdgeProvider:
    """Add ``provider`` to every network built from now on (idempotent; usable as a decorator)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def edge_providers() -> list[EdgeProvider]:
    return list(_PROVIDERS)


def entity_node_id(entity_id: int) -> str:
    return f"entity:{entity_id}"


@dataclass
class Network:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def node_ids(self) -> set[str]:
        return {n.id for n in self.nodes}


def entity_labels(user: Any, entities: Iterable[int] | QuerySet) -> dict[int, str]:
    """Each entity's name as the user's visible records give it (the most common one).

    ``entities``: entity ids (named in batches), or a queryset of entities (one query, however
    many: the network page of a partnership with hundreds of thousands of them)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    if isinstance(entities, QuerySet):
        batches: Iterable = [entities.values("pk")]
    else:
        batches = in_batches(entities)
    for batch in batches:
        rows = access.visible(user, Record.objects.filter(entity_id__in=batch)).values_list(
            "entity_id", *LABEL_FIELDS
        )
        for entity_id, *fields in rows.iterator(chunk_size=10_000):
            counts[entity_id][record_label(*fields)] += 1
    return {pk: c.most_common(1)[0][0] for pk, c in counts.items()}


def build_network(
    user: Any, partnership=None, *, connected_only: bool = True, chosen: Focus | None = None
) -> Network | None:
    """The entities ``user`` may see (of ``partnership`` if given) and the edges between them.

    With ``connected_only`` an entity with no edge at all is left out (the page would otherwise
    draw thousands of lone dots). With ``chosen`` only the part it keeps (see ``focus``), and
    only that part is labelled: around one entity of a partnership with hundreds of thousands,
    the labels are what cost. None when ``chosen`` names a node not in the network.
    """
    entities = access.visible(user, Entity.objects.all())
    if partnership is not None:
        entities = entities.filter(partnership=partnership)
    entity_kind = dict(entities.values_list("pk", "kind"))
    visible_ids = frozenset(entity_kind)

    edges: set[Edge] = set()
    relations = access.visible(user, Relation.objects.all()).values_list(
        "from_record__entity_id", "to_record__entity_id", "kind"
    )
    for source, target, kind in relations:
        if source in visible_ids and target in visible_ids and source != target:
            edges.add(Edge(entity_node_id(source), entity_node_id(target), kind))

    extra_nodes: dict[str, Node] = {}
    for provider in _PROVIDERS:
        provided_nodes, provided_edges = provider(user, visible_ids)
        for node in provided_nodes:
            if not node.id.startswith("entity:"):
                extra_nodes[node.id] = node
        for edge in provided_edges:
            if edge.kind in EDGE_KINDS:
                edges.add(edge)

    def known(node_id: str) -> bool:
        if node_id.startswith("entity:"):
            try:
                return int(node_id.split(":", 1)[1]) in visible_ids
            except ValueError:
                return False
        return node_id in extra_nodes

    edges = {e for e in edges if known(e.source) and known(e.target)}
    used = {e.source for e in edges} | {e.target for e in edges}
    shown = {pk for pk in visible_ids if not connected_only or entity_node_id(pk) in used}
    extra = {nid for nid in extra_nodes if not connected_only or nid in used}
    if chosen is not None and chosen.narrows:
        found = _focus_ids({entity_node_id(pk) for pk in shown} | extra, edges, chosen)
        if found is None:
            return None
        reached, kept = found
        edges = set(kept)
        shown = {pk for pk in shown if entity_node_id(pk) in reached}
        extra &= reached
        labels = entity_labels(user, sorted(shown))
    else:
        labels = entity_labels(user, entities)
    # One reverse() for every entity's page: a partnership can have hundreds of thousands.
    url = reverse("threat:entity", args=[987654321]).replace("987654321", "{}")
    nodes = [
        Node(
            id=entity_node_id(pk),
            kind=entity_kind[pk],
            label=labels.get(pk, f"E{pk}"),
            url=url.format(pk),
        )
        for pk in sorted(shown)
    ]
    nodes += [extra_nodes[nid] for nid in sorted(extra)]
    return Network(
        nodes=told_apart(nodes), edges=sorted(edges, key=lambda e: (e.source, e.target, e.kind))
    )


def told_apart(nodes: list[Node]) -> list[Node]:
    """``nodes`` with each label that several of them share followed by the node's number
    ("12 Fishergate, PR1 0BS (E7)"): two entities the linkage has not joined (two people of one
    name, an address each dataset gave its own entity) must not read as one node drawn twice."""
    shared = {label for label, count in Counter(n.label for n in nodes).items() if count > 1}
    return [
        replace(n, label=f"{n.label} ({_short_id(n.id)})") if n.label in shared else n
        for n in nodes
    ]


def _short_id(node_id: str) -> str:
    """An entity's number as its page gives it ("E12"); "group 3" for another node."""
    kind, _, number = node_id.partition(":")
    return f"E{number}" if kind == "entity" else f"{kind} {number}".strip()


# --- Analysis, drawing and export ----------------------------------------------------------

MAX_DRAWN_NODES = 500  # drawing.layout takes under a second at 500 (ADR 0019)


@dataclass
class NetworkSummary:
    """Components, degree, betweenness and communities of a network, keyed by node id."""

    components: list[list[str]] = field(default_factory=list)
    degree: dict[str, int] = field(default_factory=dict)
    betweenness: dict[str, float] = field(default_factory=dict)
    communities: list[list[str]] = field(default_factory=list)

    def component_of(self) -> dict[str, int]:
        return {node: i for i, members in enumerate(self.components) for node in members}

    def community_of(self) -> dict[str, int]:
        return {node: i for i, members in enumerate(self.communities) for node in members}

    def most_central(self, network: Network, limit: int = 10) -> list[tuple[Node, int, float]]:
        by_id = {n.id: n for n in network.nodes}
        ranked = sorted(
            by_id,
            key=lambda n: (-self.betweenness.get(n, 0.0), -self.degree.get(n, 0), n),
        )
        return [
            (by_id[n], self.degree.get(n, 0), round(self.betweenness.get(n, 0.0), 4))
            for n in ranked[:limit]
        ]


def drawable(network: Network, summary: NetworkSummary, min_size: int = 4) -> Network:
    """The part of the network worth drawing: linked groups of at least ``min_size`` nodes (a
    person with the address and vehicle of one row is not yet a network), largest first, at
    most MAX_DRAWN_NODES."""
    keep: set[str] = set()
    for members in sorted(summary.components, key=len, reverse=True):
        if len(members) < min_size or len(keep) + len(members) > MAX_DRAWN_NODES:
            continue
        keep.update(members)
    return Network(
        nodes=[n for n in network.nodes if n.id in keep],
        edges=[e for e in network.edges if e.source in keep and e.target in keep],
    )


def as_data(network: Network, summary: NetworkSummary) -> dict:
    """The network as plain data (the JSON export and the API)."""
    component = summary.component_of()
    community = summary.community_of()
    return {
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "label": n.label,
                "url": n.url,
                "degree": summary.degree.get(n.id, 0),
                "betweenness": summary.betweenness.get(n.id, 0.0),
                "component": component.get(n.id),
                "community": community.get(n.id),
            }
            for n in network.nodes
        ],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in network.edges],
        "components": len(summary.components),
        "communities": len(summary.communities),
    }


def analyse_network(network: Network, k: int = 64, seed: int = 42) -> NetworkSummary:
    """Components, degree, approximate betweenness and Louvain communities of the network, by
    :mod:`convenor.network` (networkx; seeded, so the same network gives the same answer)."""
    import pandas as pd

    from convenor.network import analyse, build_graph

    if not network.nodes:
        return NetworkSummary()
    nodes = pd.DataFrame(
        {
            "node_id": [n.id for n in network.nodes],
            "kind": [n.kind for n in network.nodes],
            "label": [n.label for n in network.nodes],
        }
    )
    edges = pd.DataFrame(
        {
            "source": [e.source for e in network.edges],
            "target": [e.target for e in network.edges],
            "kind": [e.kind for e in network.edges],
        }
    )
    result = analyse(build_graph(edges, nodes), k=k, seed=seed)
    table = result.nodes
    components: dict[int, list[str]] = defaultdict(list)
    communities: dict[int, list[str]] = defaultdict(list)
    for node_id, component, community in zip(
        table["node_id"], table["component_id"], table["community_id"], strict=True
    ):
        components[int(component)].append(str(node_id))
        if community == community and community is not None:  # NaN when not computed
            communities[int(community)].append(str(node_id))
    return NetworkSummary(
        components=[sorted(components[c]) for c in sorted(components)],
        degree={str(n): int(d) for n, d in zip(table["node_id"], table["degree"], strict=True)},
        betweenness={
            str(n): float(b) for n, b in zip(table["node_id"], table["betweenness"], strict=True)
        },
        communities=[sorted(communities[c]) for c in sorted(communities)],
    )


# --- Focus: the part of the network around one node, along chosen kinds of link -----------

MAX_STEPS = 4


@dataclass(frozen=True)
class Focus:
    around: str = ""  # a node id ("entity:12", "group:3"); "" for the whole network
    steps: int = 2
    kinds: frozenset[str] = frozenset()  # the kinds of link to follow; empty for every kind

    @property
    def narrows(self) -> bool:
        return bool(self.around or self.kinds)

    def as_detail(self) -> dict:
        """For the audit record of a view or export."""
        return {"around": self.around, "steps": self.steps, "kinds": sorted(self.kinds)}


def _focus_ids(
    node_ids: set[str], edges: Iterable[Edge], chosen: Focus
) -> tuple[set[str], list[Edge]] | None:
    """The node ids and edges ``chosen`` keeps of a network; None when its node is not one."""
    kept = [e for e in edges if not chosen.kinds or e.kind in chosen.kinds]
    if chosen.around:
        if chosen.around not in node_ids:
            return None
        neighbours: dict[str, set[str]] = defaultdict(set)
        for e in kept:
            neighbours[e.source].add(e.target)
            neighbours[e.target].add(e.source)
        reached, frontier = {chosen.around}, {chosen.around}
        for _ in range(chosen.steps):
            frontier = {n for node in frontier for n in neighbours[node]} - reached
            reached |= frontier
        kept = [e for e in kept if e.source in reached and e.target in reached]
    else:
        reached = {e.source for e in kept} | {e.target for e in kept}
    return reached, kept


def focus(network: Network, chosen: Focus) -> Network | None:
    """The nodes within ``chosen.steps`` links of ``chosen.around`` (following only links of
    ``chosen.kinds`` when given) and the links between them; None when the node is not in the
    network (the caller cannot tell a hidden node from one that does not exist)."""
    if not chosen.narrows:
        return network
    found = _focus_ids(network.node_ids, network.edges, chosen)
    if found is None:
        return None
    reached, edges = found
    return Network(nodes=[n for n in network.nodes if n.id in reached], edges=edges)


# --- Connections to organised crime groups ---------------------------------------------------

CONNECTION_STARTS = {
    "business": "Businesses",
    "licence": "Licence holders",
    "vehicle": "Vehicles",
    "address": "Addresses",
    "person": "People",
}
MAX_CONNECTIONS = 200


@dataclass(frozen=True)
class Connection:
    """A shortest chain of links from ``start`` to the nearest organised crime group."""

    start: Node
    group: Node
    steps: list[tuple[str, Node]]  # (kind of link, the node it leads to), from start to group

    @property
    def length(self) -> int:
        return len(self.steps)


def licence_holders(user: Any, network: Network) -> set[str]:
    """Entity nodes holding a licence: a visible record with a licence number (a taxi driver,
    a premises licence), or the holder's end of a "holds licence" link."""
    holders = {e.source for e in network.edges if e.kind == "holds_licence"}
    # Licence numbers are few; the network's entities may be very many, so filter here.
    licensed = access.visible(user, Record.objects.exclude(licence_number=""))
    holders |= {entity_node_id(pk) for pk in licensed.values_list("entity_id", flat=True)}
    return holders & network.node_ids


def connections_to_groups(
    user: Any, network: Network, start: str, max_length: int = MAX_STEPS
) -> list[Connection]:
    """Each node of the ``start`` kind (see CONNECTION_STARTS) within ``max_length`` links of an
    organised crime group, with one shortest chain to the nearest group: how an analyst spots a
    council contractor whose director associates with a group member, or a taxi driver in a
    group's network. Nearest first, at most MAX_CONNECTIONS."""
    import pandas as pd

    from convenor.network import build_graph, paths_of_interest

    if start not in CONNECTION_STARTS:
        raise ValueError(f"start must be one of {', '.join(CONNECTION_STARTS)}")
    groups = [n.id for n in network.nodes if n.kind == "group"]
    if start == "licence":
        starts = licence_holders(user, network)
    else:
        starts = {n.id for n in network.nodes if n.kind == start}
    starts -= set(groups)
    if not groups or not starts or not network.edges:
        return []
    edges = pd.DataFrame(
        {
            "source": [e.source for e in network.edges],
            "target": [e.target for e in network.edges],
            "kind": [e.kind for e in network.edges],
        }
    )
    # From the groups outwards: every start node reached gets its own path, from the nearest group.
    paths = paths_of_interest(build_graph(edges), groups, starts, max_length=max_length)
    by_id = {n.id: n for n in network.nodes}
    found = []
    for path in paths[:MAX_CONNECTIONS]:
        nodes = list(reversed(path.nodes))
        kinds = list(reversed(path.edge_kinds))
        found.append(
            Connection(
                start=by_id[nodes[0]],
                group=by_id[nodes[-1]],
                steps=[(kind, by_id[node]) for kind, node in zip(kinds, nodes[1:], strict=True)],
            )
        )
    return found
