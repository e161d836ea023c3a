from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("boards", api.BoardViewSet, basename="board")
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("recommendations", api.RecommendationViewSet, basename="recommendation")
router.register("actions", api.ActionViewSet, basename="action")

urlpatterns = [path("governance/", include(router.urls))]
