"""Re-authentication: issuing an API token, exporting personal data, publishing anything public
and granting roles need the password and a TOTP code given within ``CONVENOR_REAUTH_MINUTES``.

Signing in (both factors) and the confirm page (``/account/confirm/``) record the moment in the
session. A page that needs it sends the person to confirm, then back (``next=``). An API request
authenticated by a token passes: a token is only issued after re-authentication and lapses by
itself; any other API request gets a 403 that says what to do.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework import exceptions

from . import audit
from .models import ApiToken

SESSION_KEY = "convenor_authenticated_at"
API_REFUSAL = (
    "This needs a recent sign-in (password and security code within the last {minutes} "
    "minutes). Confirm it at /account/confirm/ or use an API token."
)


def mark_authenticated(request: HttpRequest) -> None:
    """Both factors were just given: remember when, in the session."""
    request.session[SESSION_KEY] = time.time()


def recently_authenticated(request: HttpRequest) -> bool:
    if isinstance(getattr(request, "auth", None), ApiToken):
        return True
    at = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    window = settings.CONVENOR_REAUTH_MINUTES * 60
    return isinstance(at, int | float) and 0 <= time.time() - at <= window


def _return_to(request: HttpRequest) -> str:
    """Where to come back after confirming: this page, or for a form's POST the page it was on."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return reverse("core:home")


def require_recent_authentication(request: HttpRequest, purpose: str) -> HttpResponse | None:
    """``None`` when the person confirmed recently; otherwise the answer to give instead
    (a redirect to the confirm page). API views get a 403 raised instead."""
    if recently_authenticated(request):
        return None
    audit.record("reauthentication_required", actor=request.user, detail={"purpose": purpose})
    if request.path.startswith("/api/"):
        raise exceptions.PermissionDenied(
            API_REFUSAL.format(minutes=settings.CONVENOR_REAUTH_MINUTES)
        )
    query = urlencode({"next": _return_to(request), "purpose": purpose})
    return redirect(f"{reverse('core:confirm')}?{query}")


def recent_authentication_required(purpose: str):
    """Decorate a page (or API function view) that needs a recent sign-in."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            answer = require_recent_authentication(request, purpose)
            return answer or view(request, *args, **kwargs)

        return wrapped

    return decorate


class RecentAuthenticationAdminMixin:
    """Back-office forms that grant roles: confirm before the form is even shown."""

    reauthentication_purpose = "grant roles"

    def changeform_view(self, request, *args, **kwargs):
        answer = require_recent_authentication(request, self.reauthentication_purpose)
        return answer or super().changeform_view(request, *args, **kwargs)
