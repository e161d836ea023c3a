from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_root_view = False
router.register("local-profiles", api.ProfileViewSet, basename="local-profile")
router.register(
    "local-profile-versions", api.ProfileVersionViewSet, basename="local-profile-version"
)
router.register(
    "profile-public-summaries", api.PublicSummaryViewSet, basename="profile-public-summary"
)

urlpatterns = [path("", include(router.urls))]
