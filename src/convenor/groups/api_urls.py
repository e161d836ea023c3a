from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_root_view = False
router.register("groups", api.GroupViewSet, basename="group")
router.register("group-members", api.GroupMemberViewSet, basename="group-member")
router.register("group-assessments", api.AssessmentViewSet, basename="group-assessment")
router.register("group-disruptions", api.DisruptionViewSet, basename="group-disruption")
router.register("group-orders", api.OrderViewSet, basename="group-order")
router.register("group-order-breaches", api.BreachViewSet, basename="group-order-breach")
router.register("group-rankings", api.GroupRankingViewSet, basename="group-ranking")
router.register("threat-areas", api.ThreatAreaViewSet, basename="threat-area")
router.register(
    "harm-characteristics", api.HarmCharacteristicViewSet, basename="harm-characteristic"
)

urlpatterns = [path("", include(router.urls))]
