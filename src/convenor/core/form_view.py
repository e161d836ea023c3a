"""The one way to write a form page: :func:`form_view`.

A GET shows the form; a POST binds it (an empty post too), and when it is valid calls ``save``
(one service call) and redirects. A ``ValidationError`` from the service lands on the form, field
by field where the form has the field and as a non-field error where it has not; the page is then
answered 400 with the GOV.UK error summary (templates include ``includes/form_errors.html``).
``Http404`` and ``PermissionDenied`` pass through to Django's 404 and 403 pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

Saved = TypeVar("Saved")


def posted(request: HttpRequest):
    """The posted data, or None for a GET. An empty post is still a post (and is told what is
    missing), unlike ``request.POST or None``."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def add_service_errors(form: forms.BaseForm, problem: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form. Errors keyed by one of the form's fields go
    on that field; other keys (the form does not show that field) and plain messages become
    non-field errors, where ``form.add_error`` would raise ``ValueError`` (a server error)."""
    if not hasattr(problem, "error_dict"):
        form.add_error(None, problem)
        return
    for key, errors in problem.error_dict.items():
        field = key if key in form.fields and key != NON_FIELD_ERRORS else None
        form.add_error(field, ValidationError(errors))


def form_view(
    request: HttpRequest,
    form_class: type[forms.BaseForm],
    *,
    template: str,
    save: Callable[[Any], Saved],
    form_kwargs: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]] | None = None,
    success_url: str | Callable[[Saved], Any] | None = None,
    success_message: str | Callable[[Saved], str] | None = None,
) -> HttpResponse:
    """Show ``form_class`` on GET; on POST validate it and call ``save(form)`` (the service).

    - ``form_kwargs``: passed to the form besides ``data``/``files`` (``user=``, ``instance=``,
      ``initial=``...).
    - ``save(form)``: call one service with ``form.cleaned_data``; its return value is the saved
      record. A ``ValidationError`` it raises is shown on the form (answered 400).
    - ``success_url``: where to go after saving: a URL or anything ``redirect`` takes, or a
      function of the saved record; by default the saved record itself (its
      ``get_absolute_url``).
    - ``success_message``: a message, or a function of the saved record, shown after the redirect
      (none when the function returns an empty one).
    - ``context``: more template context; ``form`` is always in it. A function of the form is
      called only when the page is shown (not after saving): for context that costs queries or
      audits a read, e.g. a detail page that carries the form.
    Other methods than GET and POST are answered 405."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = form_class(data=posted(request), files=posted_files(request), **(form_kwargs or {}))
    if form.is_bound and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as problem:
            add_service_errors(form, problem)
        else:
            if success_message is not None:
                text = success_message(saved) if callable(success_message) else success_message
                if text:
                    messages.success(request, text)
            target = success_url(saved) if callable(success_url) else success_url
            return redirect(saved if target is None else target)
    extra = context(form) if callable(context) else context
    return render(
        request,
        template,
        {**(extra or {}), "form": form},
        status=400 if form.is_bound else 200,
    )
