from functools import cache

from django.apps import apps
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse

# Pages a signed-in user may reach before the second factor: the sign-in steps themselves, and
# the health check (no detail, no sign-in).
_OPEN_PREFIXES = ("/static/", "/sign-in/", "/sign-out/", "/api/", "/healthz")


@cache
def _open_prefixes() -> tuple[str, ...]:
    """The sign-in steps, plus each app's public pages (AppConfig ``public_paths``, under its
    ``url_prefix``), which anybody may use, so a half-signed-in person may too."""
    prefixes = list(_OPEN_PREFIXES)
    for name in settings.CONVENOR_APPS:
        config = apps.get_app_config(name.rsplit(".", 1)[-1])
        for path in getattr(config, "public_paths", ()):
            prefixes.append(f"/{config.url_prefix}/{path}")
    return tuple(prefixes)


class RequireSecondFactorMiddleware:
    """Every staff account needs a verified TOTP second factor before it can see anything.

    The API is exempt here because it authenticates with per-user tokens, which can only be
    created from a session that has passed the second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if not request.path.startswith(_open_prefixes()):
                return redirect(reverse("core:verify"))
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """Refuse, with a clear 400, a request whose path, query or form fields hold a NUL character.

    No Convenor field can hold one, and PostgreSQL refuses them in text with an error that
    would otherwise surface as a server error from whichever lookup met it first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_null(request.GET)
            or (
                request.method == "POST"
                and request.content_type != "application/json"
                and _has_null(request.POST)
            )
        ):
            return HttpResponseBadRequest(
                "The request contains a NUL character, which no field accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_null(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())
