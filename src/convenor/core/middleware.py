import logging
import re
import time
import uuid
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .logging import RequestContext, current_request, is_anonymous_channel

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


class AccountStandingMiddleware:
    """Sign out at once a session whose account was deactivated, locked out or whose last role
    ended (``standing.account_problem``); the person lands on the sign-in page told why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .standing import account_problem

        user = request.user
        if not user.is_authenticated and SESSION_KEY in request.session:
            # Django already ignores a deactivated account's session; end it too, so that
            # reactivating the account does not bring old sessions back.
            logout(request)
        elif user.is_authenticated:
            problem = account_problem(user)
            if problem:
                logout(request)
                messages.error(request, problem)
                return redirect(reverse("core:login"))
        return self.get_response(request)


# Reachable while a new password is owed: the change page itself, signing in and out, static files.
_PASSWORD_CHANGE_OPEN = ("/account/password/", "/sign-in/", "/sign-out/", "/static/")


class RequirePasswordChangeMiddleware:
    """A person signed in with a one-time password changes it before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.must_change_password
            and user.is_verified()
            and not request.path.startswith(_PASSWORD_CHANGE_OPEN)
        ):
            if request.path.startswith("/api/"):
                return _api_refusal("Change your one-time password on the pages first.", 403)
            return redirect(reverse("core:password_change"))
        return self.get_response(request)


def _api_refusal(detail: str, status: int):
    return JsonResponse({"detail": detail}, status=status)


class ApiNoStoreMiddleware:
    """Every API answer: never cached (``no-store``) and varying on the token it was made for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True)
            patch_vary_headers(response, ["Authorization"])
        return response


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


# An incoming X-Request-ID (set by the proxy) is kept when it is a plain token; anything else
# is replaced, so a client cannot write arbitrary text into the logs.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
request_log = logging.getLogger("convenor.request")


class RequestLogMiddleware:
    """Give each request an id (echoed as ``X-Request-ID``), keep it with the user id, method
    and route name for every log line written while it is served, and write one line when it ends.

    The anonymous channel gets no id and no line, and every record written while it is served is
    dropped (``core.logging.RequestContextFilter``): no trace that someone used it (ADR 0032).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_anonymous_channel(request.path):
            token = current_request.set(RequestContext(anonymous_channel=True))
            try:
                return self.get_response(request)
            finally:
                current_request.reset(token)
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        context = RequestContext(request_id=request_id, method=request.method)
        token = current_request.set(context)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            # The API signs in by token inside the view: read the user once it is known.
            _note_view(context, request)
            request_log.info(
                "%s %s %s",
                request.method,
                context.route or "-",
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        context = current_request.get()
        if context is not None and not context.anonymous_channel:
            _note_view(context, request)


def _note_view(context: RequestContext, request) -> None:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        context.route = match.view_name
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.user_id = user.pk
