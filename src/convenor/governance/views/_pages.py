"""What every governance page shares: sign-in for staff pages, and the one form page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from convenor.core.form_view import form_view


def staff_page(view):
    return login_required(never_cache(view))


def governance_form(
    request: HttpRequest,
    form_class,
    *,
    heading: str,
    save: Callable[[Any], Any],
    success_url: str | Callable[[Any], Any] | None = None,
    caption: str = "",
    hint: str = "",
    form_kwargs: Mapping[str, Any] | None = None,
    multipart: bool = False,
    success_message: str | Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A governance form page (``governance/form.html``: heading, caption, hint, the fields and
    a Save button) through :func:`convenor.core.form_view.form_view`."""
    return form_view(
        request,
        form_class,
        template="governance/form.html",
        save=save,
        form_kwargs=form_kwargs,
        context={"heading": heading, "caption": caption, "hint": hint, "multipart": multipart},
        success_url=success_url,
        success_message=success_message,
    )


def button_post(request: HttpRequest, run, done: str, to) -> HttpResponse:
    """A button's POST: run the service, then back to ``to(result)`` (or ``to(None)``) with
    ``done`` or the service's reason as a message."""
    try:
        result = run()
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect(to(None))
    messages.success(request, done(result) if callable(done) else done)
    return redirect(to(result))
