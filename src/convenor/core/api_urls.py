from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import api
from .api_index import ApiIndex

router = DefaultRouter()
router.include_root_view = False  # ApiIndex lists every app's resources, not only core's
router.register("areas", api.AreaViewSet, basename="area")
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("people", api.PersonViewSet, basename="person")
router.register("partnerships", api.PartnershipViewSet, basename="partnership")
router.register("agreements", api.AgreementViewSet, basename="agreement")
router.register("audit-entries", api.AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", ApiIndex.as_view(), name="api-root"),
    path("", include(router.urls)),
]
