"""The anonymous channel's public pages.

No session, no cookie, no identifier: these views never touch request.session, render no
Django CSRF token (which would set a cookie) and are exempt from the cookie-based CSRF check.
Instead each form carries a signed, non-identifying token (forms.form_token) and a post whose
Origin or Sec-Fetch-Site says it came from another site is refused. Nothing about the request
(address, user agent, time finer than the day) is stored or logged by these views.

They are the one place that does not use ``form_view``: a success cannot redirect (there is no
session to carry a message, and a receipt code never goes into an address), so the result is
shown in the answer to the post itself. They bind with ``posted`` and put a service's refusal on
the form with ``add_service_errors``, as ``form_view`` does."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from convenor.core.form_view import add_service_errors, posted, posted_files

from .. import selectors, services
from ..forms import AnonymousReportForm, ReceiptForm, ReporterMessageForm, form_token, token_valid
from .common import uploads

FOLLOW_UP = "follow-up"
NO_SUCH_RECEIPT = "We cannot find a report with that receipt code. Check it and try again"


class _NoSession:
    """Stands in for the session on public pages. It has no ``accessed`` attribute, which tells
    Django's session middleware to leave the response alone: a signed-in member of staff using
    the integrity line from their work browser has their session neither read nor refreshed, so
    nothing on the server ties the visit to them."""


def public_page(view):
    @wraps(view)
    def as_nobody(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.user = AnonymousUser()
        request.session = _NoSession()
        if hasattr(request, "_messages"):
            del request._messages  # message storage would read the session
        return view(request, *args, **kwargs)

    return never_cache(csrf_exempt(as_nobody))


def _cross_site(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin and origin != f"{request.scheme}://{request.get_host()}":
        return True
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


def _forged(request: HttpRequest, purpose: str) -> bool:
    """A post from another site, or without this page's token."""
    return _cross_site(request) or not token_valid(request.POST.get("form_token", ""), purpose)


def _refuse(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intelligence/anonymous_refused.html",
        {"channels_url": reverse("intelligence:anonymous_channels")},
        status=403,
    )


def _saved(form, save) -> object | None:
    """``save(form)`` when the form is valid; None (the form told why) when it is not or the
    service refused it."""
    if not form.is_valid():
        return None
    try:
        return save(form)
    except ValidationError as problem:
        add_service_errors(form, problem)
        return None


@public_page
def anonymous_channels(request: HttpRequest) -> HttpResponse:
    channels = selectors.active_channels(request.user)
    return render(request, "intelligence/anonymous_channels.html", {"channels": channels})


@public_page
@require_http_methods(["GET", "POST"])
def anonymous_form(request: HttpRequest, slug: str) -> HttpResponse:
    channel = selectors.active_channel_or_404(request.user, slug)
    purpose = f"report:{channel.slug}"
    form = AnonymousReportForm(posted(request), posted_files(request))
    if form.is_bound:
        if _forged(request, purpose):
            return _refuse(request)
        saved = _saved(
            form, lambda f: services.submit_anonymous(channel, f.cleaned_data, uploads(f))
        )
        if saved is not None:
            return render(
                request,
                "intelligence/anonymous_receipt.html",
                {"channel": channel, "code": saved[1], "token": form_token(FOLLOW_UP)},
            )
    return render(
        request,
        "intelligence/anonymous_form.html",
        {"channel": channel, "form": form, "token": form_token(purpose)},
        status=400 if form.is_bound else 200,
    )


@public_page
@require_http_methods(["GET", "POST"])
def anonymous_follow_up(request: HttpRequest) -> HttpResponse:
    """Return with a receipt code: read the analyst's replies and add information. The code
    travels only in the body of posts, never in an address."""
    form = ReceiptForm(posted(request))
    context = {"form": form, "token": form_token(FOLLOW_UP)}
    if not form.is_bound:
        return render(request, "intelligence/anonymous_follow_up.html", context)
    if _forged(request, FOLLOW_UP):
        return _refuse(request)
    if not form.is_valid():
        return render(request, "intelligence/anonymous_follow_up.html", context, status=400)
    try:
        submission = services.find_by_receipt(form.cleaned_data["code"])
    except services.LimitReached as full:
        form.add_error("code", full)
        return render(request, "intelligence/anonymous_follow_up.html", context, status=429)
    if submission is None:
        form.add_error("code", NO_SUCH_RECEIPT)
        return render(request, "intelligence/anonymous_follow_up.html", context, status=400)
    adding = request.POST.get("action") == "add"
    message_form = ReporterMessageForm(
        posted(request) if adding else None, posted_files(request) if adding else None, prefix="add"
    )
    added = adding and _saved(
        message_form,
        lambda f: services.reporter_adds(submission, f.cleaned_data["message"], uploads(f)),
    )
    if added:
        message_form = ReporterMessageForm(prefix="add")
    context.update(
        {
            "added": bool(added),
            "code": form.cleaned_data["code"],
            "submission": submission,
            "original": services.decrypted_content(submission),
            "conversation": services.conversation(submission),
            "message_form": message_form,
        }
    )
    status = 400 if adding and not added else 200
    return render(request, "intelligence/anonymous_conversation.html", context, status=status)
