"""URL helpers: an app's pages listed once, each under its view's own name."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, path

Route = tuple[str, Callable] | tuple[str, Callable, str]


def pages(prefix: str, *routes: Route) -> list[URLPattern]:
    """Paths under one ``prefix``, each named after its view unless a third item names it.

    ``pages("<int:pk>/", ("", views.report_detail, "report"), ("print/", views.report_print))``
    gives ``<int:pk>/`` named ``report`` and ``<int:pk>/print/`` named ``report_print``.
    """
    return [
        path(prefix + route, view, name=rest[0] if rest else view.__name__)
        for route, view, *rest in routes
    ]
