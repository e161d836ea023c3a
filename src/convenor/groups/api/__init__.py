"""The REST API of the groups app: groups, members, assessments, rankings and taxonomies
(:mod:`.groups`); disruptions, ancillary orders and breaches (:mod:`.response`)."""

from .groups import (
    AssessmentViewSet,
    GroupMemberViewSet,
    GroupRankingViewSet,
    GroupViewSet,
    HarmCharacteristicViewSet,
    ThreatAreaViewSet,
)
from .response import BreachViewSet, DisruptionViewSet, OrderViewSet

__all__ = [
    "AssessmentViewSet",
    "BreachViewSet",
    "DisruptionViewSet",
    "GroupMemberViewSet",
    "GroupRankingViewSet",
    "GroupViewSet",
    "HarmCharacteristicViewSet",
    "OrderViewSet",
    "ThreatAreaViewSet",
]
