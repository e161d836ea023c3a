"""The API's front page at /api/v1/: every resource any Convenor app mounts there, found in the
URLconf, so an app's new viewset appears without being listed twice."""

from __future__ import annotations

from django.urls import URLResolver, get_resolver, reverse
from rest_framework.routers import APIRootView

API_PREFIX = "/api/v1/"


def _list_route_names(resolver: URLResolver) -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _list_route_names(pattern)
        elif pattern.name and pattern.name.endswith("-list"):
            names.add(pattern.name)
    return names


def api_resources() -> dict[str, str]:
    """Each collection under /api/v1/ by its path (“threat/entities”) to its URL name."""
    names: set[str] = set()
    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver) and str(top.pattern) == API_PREFIX.lstrip("/"):
            names |= _list_route_names(top)
    resources = {}
    for name in names:
        url = reverse(name)
        if url.startswith(API_PREFIX):
            resources[url.removeprefix(API_PREFIX).rstrip("/")] = name
    return dict(sorted(resources.items()))


class ApiIndex(APIRootView):
    """DRF's browsable root view, fed with every app's collections rather than one router's."""

    def get(self, request, *args, **kwargs):
        self.api_root_dict = api_resources()
        return super().get(request, *args, **kwargs)
