from django.apps import apps
from django.conf import settings
from django.urls import reverse

from . import access


def _menu(request, user) -> list[dict]:
    """The menu: every Convenor app's `navigation` entries the user may use, in app order."""
    items = []
    for name in settings.CONVENOR_APPS:
        config = next(c for c in apps.get_app_configs() if c.name == name)
        for label, url_name, audience in getattr(config, "navigation", []):
            if audience != "all":
                action, model_label = audience.split(":", 1)
                if not access.can(user, action, model=apps.get_model(model_label)):
                    continue
            url = reverse(url_name)
            active = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated and user.is_verified())
    return {
        "signed_in": signed_in,
        "classification_notice": settings.CONVENOR_CLASSIFICATION_NOTICE,
        "menu": _menu(request, user) if signed_in else [],
        "can_administer": signed_in and access.can(user, "administer"),
        # The header's search box, where the search app is installed.
        "search_url": reverse("search:search")
        if signed_in and apps.is_installed("convenor.search")
        else "",
    }
