"""Triage of anonymous reports by the receiving organisation's analysts. Opening one is an
audited read; each of its forms (reply, grade, convert, close) is one service call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from convenor.core import access
from convenor.core.access import Action
from convenor.core.form_view import form_view
from convenor.core.views import PAGE_SIZE, staff_page

from .. import selectors, services
from ..forms import SUBJECT_ROWS, CloseForm, ConversionForm, GradeForm, ReplyForm
from ..models import AnonymousSubmission
from .common import file_response


@staff_page
def triage_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VIEW, model=AnonymousSubmission):
        raise PermissionDenied("Only analysts of an organisation that receives anonymous reports")
    status = request.GET.get("status", AnonymousSubmission.Status.NEW)
    page = Paginator(selectors.triage_queue(request.user, status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "intelligence/triage_list.html",
        {
            "page": page,
            "status": status,
            "statuses": AnonymousSubmission.Status.choices,
            "channels": selectors.receiving_channels(request.user),
        },
    )


@dataclass(frozen=True)
class TriageAction:
    """One form of the triage page: posted with ``action=<name>``, its fields prefixed so."""

    form_class: Callable[..., Any]
    save: Callable[[Any, AnonymousSubmission, Any], Any]  # (user, submission, form) -> saved
    message: Callable[[AnonymousSubmission, Any], str]
    success_url: Callable[[AnonymousSubmission, Any], Any]


def _here(submission, _saved):
    return reverse("intelligence:submission", args=[submission.pk])


TRIAGE_ACTIONS = {
    "reply": TriageAction(
        ReplyForm,
        lambda user, sub, form: services.analyst_replies(user, sub, form.cleaned_data["reply"]),
        lambda sub, _: "Your reply is waiting for the reporter",
        _here,
    ),
    "grade": TriageAction(
        GradeForm,
        lambda user, sub, form: services.grade_submission(
            user,
            sub,
            form.cleaned_data["source_evaluation"],
            form.cleaned_data["intelligence_assessment"],
        ),
        lambda sub, _: "Grading recorded",
        _here,
    ),
    "convert": TriageAction(
        ConversionForm,
        lambda user, sub, form: services.convert_submission(
            user, sub, form.cleaned_data, subjects=form.subjects()
        ),
        lambda sub, report: f"Intelligence report {report.reference} recorded",
        lambda sub, report: report,
    ),
    "close": TriageAction(
        CloseForm,
        lambda user, sub, form: services.close_submission(user, sub, form.cleaned_data["reason"]),
        lambda sub, _: f"{sub.reference} closed",
        lambda sub, _: "intelligence:triage",
    ),
}


def _triage_form(name: str, submission: AnonymousSubmission, content: dict, **kwargs):
    """The page's form ``name`` (bound when ``data`` is given)."""
    if name == "convert":
        return ConversionForm(submission=submission, content=content, **kwargs)
    if name == "grade":
        kwargs["initial"] = {
            "source_evaluation": submission.source_evaluation,
            "intelligence_assessment": submission.intelligence_assessment,
        }
    return TRIAGE_ACTIONS[name].form_class(prefix=name, **kwargs)


@staff_page
def triage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    submission = selectors.submission_or_404(user, pk)
    services.require_triage(user, submission)
    decrypted = services.read_submission(user, submission)
    content = decrypted["content"]
    forms = {name: _triage_form(name, submission, content) for name in TRIAGE_ACTIONS}
    context = {
        "submission": submission,
        "content": content,
        "conversation": decrypted["messages"],
        "attachments": selectors.attachments_of(user, submission=submission),
        "forms": forms,
        "subject_rows": range(1, SUBJECT_ROWS + 1),
        "report": getattr(submission, "intelligence_report", None),
    }
    name = request.POST.get("action", "") if request.method == "POST" else "reply"
    action = TRIAGE_ACTIONS.get(name)
    if action is None:  # a post naming no form of the page
        return render(request, "intelligence/triage_detail.html", context, status=400)

    def bound_in_place(**kwargs):
        """The posted form, put where the page shows it."""
        forms[name] = _triage_form(name, submission, content, **kwargs)
        return forms[name]

    return form_view(
        request,
        bound_in_place,
        save=lambda form: action.save(user, submission, form),
        template="intelligence/triage_detail.html",
        context=context,
        success_url=lambda saved: action.success_url(submission, saved),
        success_message=lambda saved: action.message(submission, saved),
    )


@staff_page
def triage_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    submission = selectors.submission_or_404(request.user, pk)
    attachment = selectors.attachment_or_404(request.user, attachment_pk, submission=submission)
    services.download_attachment(request.user, submission, attachment)
    return file_response(attachment)
