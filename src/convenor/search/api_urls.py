from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.include_root_view = False
router.register("search", api.SearchViewSet, basename="search")

urlpatterns = [path("", include(router.urls))]
