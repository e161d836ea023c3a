"""The groups' contribution to the threat network: an edge "member_of_group" from each member's
entity (person or business) to a node for the group, for the groups the user may see.

Registered with :func:`convenor.threat.graph.register_edge_provider` when the app is ready. The
graph itself drops any edge to an entity the user may not see; this provider only offers the
members whose entity is among ``entity_ids`` (the entities the user may see) in the first place.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from convenor.core.access import visible
from convenor.threat.graph import Edge, Node, entity_node_id, register_edge_provider

from .models import GroupMember, OrganisedCrimeGroup

MEMBER_OF_GROUP = "member_of_group"


def group_node_id(group_id: int) -> str:
    return f"group:{group_id}"


@register_edge_provider
def group_membership_edges(user: Any, entity_ids: frozenset[int]):
    if not entity_ids:
        return [], []
    groups = visible(user, OrganisedCrimeGroup.objects.all())
    members = (
        visible(user, GroupMember.objects.all())
        .filter(group__in=groups, entity__isnull=False)
        .select_related("group")
        .order_by("group_id", "pk")
    )
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    # Group members are few; the visible entities may be very many, so filter here, not in SQL.
    for member in members:
        if member.entity_id not in entity_ids:
            continue
        group = member.group
        node_id = group_node_id(group.pk)
        if node_id not in nodes:
            nodes[node_id] = Node(
                id=node_id,
                kind="group",
                label=group.name,
                url=reverse("groups:detail", args=[group.pk]),
            )
        edges.append(Edge(entity_node_id(member.entity_id), node_id, MEMBER_OF_GROUP))
    return list(nodes.values()), edges
