from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("datasets", api.DatasetViewSet, basename="threat-dataset")
router.register("imports", api.DatasetImportViewSet, basename="threat-import")
router.register("records", api.RecordViewSet, basename="threat-record")
router.register("entities", api.EntityViewSet, basename="threat-entity")
router.register("links", api.MatchPairViewSet, basename="threat-link")
router.register("decisions", api.LinkDecisionViewSet, basename="threat-decision")
router.register("network", api.NetworkViewSet, basename="threat-network")

urlpatterns = [path("threat/", include(router.urls))]
