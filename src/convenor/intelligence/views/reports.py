"""Pages of intelligence reports: list and search, submit, read (audited), print, export, files,
share, sanitise, link subjects, requests for information. Hidden is 404; seen but not
changeable is 403 before any form is shown."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from convenor.core import access
from convenor.core.access import Action
from convenor.core.form_view import form_view
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import PAGE_SIZE, staff_page

from .. import selectors, services
from ..access_rules import is_originator
from ..forms import (
    SUBJECT_ROWS,
    AnswerForm,
    AttachmentForm,
    DisseminateForm,
    EntitySearchForm,
    LinkSubjectForm,
    QuestionForm,
    ReportForm,
    SanitiseForm,
)
from ..grading import four_p_labels, threat_area_labels
from ..models import IntelligenceReport, Reading
from .common import file_response, uploads


def _must_read(request: HttpRequest, report: IntelligenceReport) -> None:
    if not selectors.content_readable(request.user, report):
        raise PermissionDenied("Read and acknowledge the handling conditions first")


def _labels(report: IntelligenceReport) -> dict:
    return {
        "threat_areas": threat_area_labels(report.threat_areas),
        "four_p": four_p_labels(report.four_p),
    }


@staff_page
def report_list(request: HttpRequest) -> HttpResponse:
    search = selectors.report_search(request.user, request.GET)
    page = Paginator(search.reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/report_list.html",
        {
            "form": search.form,
            "page": page,
            "can_submit": access.can(request.user, Action.CREATE, model=IntelligenceReport),
        },
    )


@staff_page
def report_create(request: HttpRequest) -> HttpResponse:
    services.require_submit(request.user)
    return form_view(
        request,
        ReportForm,
        form_kwargs={"organisations": selectors.staff_organisations(request.user)},
        save=lambda form: services.submit_report(
            request.user,
            form.cleaned_data,
            subjects=form.subjects(),
            uploads=uploads(form),
            organisation=form.cleaned_data.get("organisation"),
        ),
        template="intelligence/report_form.html",
        context={"subject_rows": range(1, SUBJECT_ROWS + 1)},
        success_message=lambda report: f"Report {report.reference} recorded",
    )


@staff_page
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = selectors.report_or_404(user, pk)
    if not selectors.content_readable(user, report):
        return render(request, "intelligence/report_conditions.html", {"report": report})
    services.record_reading(user, report, Reading.Kind.VIEWED)
    originator = is_originator(access.standing(user), report)
    return render(
        request,
        "intelligence/report_detail.html",
        {
            "report": report,
            **_labels(report),
            **selectors.report_related(user, report),
            "may_link": originator and selectors.threat_entities() is not None,
            "originator": originator,
            "question_form": None if originator else QuestionForm(),
            "answer_form": AnswerForm() if originator else None,
            "attachment_form": AttachmentForm() if originator else None,
        },
    )


@staff_page
@require_POST
def report_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    if request.POST.get("acknowledge") != "yes":
        return render(
            request,
            "intelligence/report_conditions.html",
            {"report": report, "error": "Confirm that you will keep to the conditions"},
            status=400,
        )
    services.acknowledge_conditions(request.user, report)
    return redirect(report)


@staff_page
def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    _must_read(request, report)
    services.record_reading(request.user, report, Reading.Kind.PRINTED)
    return render(
        request,
        "intelligence/report_print.html",
        {"report": report, **_labels(report), "subjects": report.subjects.all()},
    )


def export_dict(report: IntelligenceReport) -> dict:
    return {
        "reference": report.reference,
        "title": report.title,
        "content": report.content,
        "occurred_on": report.occurred_on.isoformat() if report.occurred_on else None,
        "location": report.location,
        "postcode": report.postcode,
        "area": report.area.code if report.area else None,
        "threat_areas": report.threat_areas,
        "four_p": report.four_p,
        "grading": report.grading,
        "handling_code": report.handling_code,
        "handling_conditions": report.handling_conditions,
        "classification": report.get_classification_display(),
        "legal_basis": report.legal_basis,
        "review_date": report.review_date.isoformat(),
        "owner_organisation": report.owner_organisation.slug,
        "created_at": report.created_at.isoformat(),
        "sanitised": report.is_sanitised,
        "subjects": [
            {
                "kind": s.kind,
                "name": s.name,
                "identifier": s.identifier,
                "description": s.description,
                "entity_id": s.entity_id,
            }
            for s in report.subjects.all()
        ],
    }


@staff_page
@recent_authentication_required("export an intelligence report")
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    _must_read(request, report)
    services.record_reading(request.user, report, Reading.Kind.EXPORTED, {"format": "json"})
    response = HttpResponse(
        json.dumps(export_dict(report), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{report.reference}.json"'
    return response


@staff_page
def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    attachment = selectors.attachment_or_404(request.user, attachment_pk, report=report)
    _must_read(request, report)
    services.record_reading(
        request.user, report, Reading.Kind.DOWNLOADED, {"attachment": attachment.pk}
    )
    return file_response(attachment)


def _report_form(request, form_class, report, *, title, save, message, **options):
    """A small form about one report (a file, a subject's link, a question, an answer),
    posted from the report's page; shown on its own page only to explain what was wrong."""
    return form_view(
        request,
        form_class,
        save=save,
        template="intelligence/simple_form.html",
        context={"report": report, "title": title, **options},
        success_url=report,
        success_message=message,
    )


@staff_page
@require_POST
def report_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    services.require_change(request.user, report, "add attachments")
    return _report_form(
        request,
        AttachmentForm,
        report,
        title="Add an attachment",
        multipart=True,
        save=lambda form: services.add_attachment(request.user, report, *uploads(form)[0]),
        message="Attachment added",
    )


@staff_page
def report_disseminate(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    services.require_change(request.user, report, "share this")
    organisations, partnerships = selectors.dissemination_targets(request.user, report)
    return form_view(
        request,
        DisseminateForm,
        form_kwargs={"organisations": organisations, "partnerships": partnerships},
        save=lambda form: services.disseminate(
            request.user,
            report,
            organisations=list(form.cleaned_data["organisations"]),
            partnerships=list(form.cleaned_data["partnerships"]),
        ),
        template="intelligence/disseminate.html",
        context={"report": report},
        success_url=report,
        success_message=_shared_message,
    )


def _shared_message(result: services.DisseminationResult) -> str:
    text = "Shared with " + (
        ", ".join(o.name for o in result.shared_with) or "no new organisations"
    )
    if result.not_shared:
        text += ". Not shared (no agreement in force): " + ", ".join(
            o.name for o, _ in result.not_shared
        )
    return text


@staff_page
def report_sanitise(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    services.require_change(request.user, report, "sanitise this")

    def save(form):
        data = dict(form.cleaned_data)
        keep = data.pop("keep_subjects")
        return services.create_sanitised_version(request.user, report, data, keep_subjects=keep)

    return form_view(
        request,
        SanitiseForm,
        form_kwargs={
            "initial": {
                "title": f"{report.title} (sanitised)",
                "content": report.content,
                "location": report.location,
                "handling_code": report.handling_code,
                "handling_conditions": report.handling_conditions,
            }
        },
        save=save,
        template="intelligence/sanitise.html",
        context={"report": report},
        success_message=lambda version: f"Sanitised version {version.reference} recorded",
    )


@staff_page
@require_http_methods(["GET", "POST"])
def report_subject_link(request: HttpRequest, pk: int, subject_pk: int) -> HttpResponse:
    """Link a subject to the threat picture by finding the entity: a search (GET, no script
    needed) lists the matching entities of its kind the user may see as choices, and the
    choice is posted."""
    report = selectors.report_or_404(request.user, pk)
    subject = selectors.subject_or_404(request.user, report, subject_pk)
    services.require_change(request.user, report, "link subjects")
    if selectors.threat_entities() is None:
        raise Http404("The threat picture is not installed")
    searched = EntitySearchForm(request.GET if "q" in request.GET else {"q": subject.name})
    if request.method == "POST":
        searched = EntitySearchForm({"q": request.POST.get("q", "")})
    text = searched.cleaned_data["q"] if searched.is_valid() else ""

    def context(form) -> dict:
        return {
            "report": report,
            "subject": subject,
            "search_form": searched,
            "candidates": services.entity_candidates(request.user, subject, text),
            "unlink": LinkSubjectForm.UNLINK,
        }

    return form_view(
        request,
        LinkSubjectForm,
        save=lambda form: services.link_subject(request.user, subject, form.cleaned_data["entity"]),
        template="intelligence/subject_link.html",
        context=context,
        success_url=report,
        success_message=lambda linked: f"{linked} linked" if linked.entity_id else "Link removed",
        form_kwargs={"initial": {"q": text}},
    )


@staff_page
@require_POST
def report_question(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    _must_read(request, report)
    return _report_form(
        request,
        QuestionForm,
        report,
        title="Request for information",
        save=lambda form: services.request_information(
            request.user, report, form.cleaned_data["question"]
        ),
        message="Your request for information has been sent",
    )


@staff_page
@require_POST
def report_answer(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    report = selectors.report_or_404(request.user, pk)
    information_request = selectors.information_request_or_404(request.user, report, request_pk)
    services.require_change(request.user, report, "answer")
    return _report_form(
        request,
        AnswerForm,
        report,
        title="Answer the request for information",
        save=lambda form: services.answer_information_request(
            request.user, information_request, form.cleaned_data["answer"]
        ),
        message="Your answer has been sent",
    )
