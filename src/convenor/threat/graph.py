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
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from convenor.core import access

from .models import Entity, Record, Relation


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


def entity_labels(user: Any, entity_ids: Iterable[int]) -> dict[int, str]:
    """Each entity's name as the user's visible records give it (the most common one)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    records = access.visible(user, Record.objects.filter(entity_id__in=list(entity_ids)))
    for record in records.only(
        "entity_id",
        "kind",
        "first_name",
        "surname",
        "company_name",
        "company_number",
        "vehicle_registration",
        "address",
        "postcode",
    ):
        counts[record.entity_id][record.label] += 1
    return {pk: c.most_common(1)[0][0] for pk, c in counts.items()}


def build_network(user: Any, partnership=None, *, connected_only: bool = True) -> Network:
    """The entities ``user`` may see (of ``partnership`` if given) and the edges between them.

    With ``connected_only`` an entity with no edge at all is left out (the page would otherwise
    draw thousands of lone dots).
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
    shown = [pk for pk in visible_ids if not connected_only or entity_node_id(pk) in used]
    labels = entity_labels(user, shown)
    nodes = [
        Node(
            id=entity_node_id(pk),
            kind=entity_kind[pk],
            label=labels.get(pk, f"E{pk}"),
            url=reverse("threat:entity", args=[pk]),
        )
        for pk in sorted(shown)
    ]
    nodes += [n for nid, n in sorted(extra_nodes.items()) if not connected_only or nid in used]
    return Network(nodes=nodes, edges=sorted(edges, key=lambda e: (e.source, e.target, e.kind)))
