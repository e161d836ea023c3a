from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.urls import include, path

from convenor.core.admin import admin_site
from convenor.ops.health import healthz


def _domain_urls() -> list:
    """Each Convenor app's pages at its url_prefix and its API under /api/v1/."""
    patterns = []
    for name in settings.CONVENOR_APPS:
        if name == "convenor.core":
            continue
        config = next(c for c in apps.get_app_configs() if c.name == name)
        if find_spec(f"{name}.api_urls"):
            patterns.append(path("api/v1/", include(f"{name}.api_urls")))
        if find_spec(f"{name}.urls"):
            patterns.append(path(f"{config.url_prefix}/", include(f"{name}.urls")))
    return patterns


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin_site.urls),
    path("api/v1/", include("convenor.core.api_urls")),
    *_domain_urls(),
    path("", include("convenor.core.urls")),
]

handler400 = "convenor.core.views.error_400"
handler403 = "convenor.core.views.error_403"
handler404 = "convenor.core.views.error_404"
handler500 = "convenor.core.views.error_500"
