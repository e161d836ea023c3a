"""Pages of intelligence. Staff pages go through the access policy (hidden = 404) and call the
services; the anonymous channel's public pages keep no session, cookie or identifier."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from convenor.core import access
from convenor.core.access import Action, get_visible_or_404, visible
from convenor.core.models import Organisation, Partnership
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import PAGE_SIZE, staff_page

from . import services
from .access_rules import is_originator
from .forms import (
    SUBJECT_ROWS,
    AnonymousReportForm,
    AnswerForm,
    AttachmentForm,
    CloseForm,
    DisseminateForm,
    GradeForm,
    LinkSubjectForm,
    QuestionForm,
    ReceiptForm,
    ReplyForm,
    ReporterMessageForm,
    ReportForm,
    SanitiseForm,
    SearchForm,
    form_token,
    token_valid,
)
from .grading import four_p_labels, threat_area_labels
from .models import (
    AnonymousSubmission,
    Attachment,
    Dissemination,
    InformationRequest,
    IntelligenceReport,
    Reading,
    ReportingChannel,
    Subject,
)
from .search import ReportQuery, search_reports


def _posted(request: HttpRequest):
    """The posted form data, or None for a GET: an empty post is still a post (and is told
    what is missing), unlike ``request.POST or None``."""
    return request.POST if request.method == "POST" else None


def _uploads(form) -> list[tuple[str, bytes]]:
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return []
    return [(upload.name, upload.read(services.files.MAX_BYTES + 1))]


def _report(request: HttpRequest, pk: int) -> IntelligenceReport:
    return get_visible_or_404(
        request.user,
        IntelligenceReport.objects.select_related("owner_organisation", "author", "area"),
        pk=pk,
    )


def _must_read(request: HttpRequest, report: IntelligenceReport) -> None:
    if not services.content_readable(request.user, report):
        raise PermissionDenied("Read and acknowledge the handling conditions first")


# --- Reports ----------------------------------------------------------------------------------


@staff_page
def report_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    reports = IntelligenceReport.objects.none()
    if not form.is_bound:
        reports = search_reports(request.user, ReportQuery())
    elif form.is_valid():
        data = form.cleaned_data
        reports = search_reports(
            request.user,
            ReportQuery(
                text=data["q"].strip(),
                area=data["area"].strip().upper(),
                threat_area=data["threat_area"],
                source_evaluation=data["source_evaluation"],
                intelligence_assessment=data["intelligence_assessment"],
                handling_code=data["handling_code"],
                subject=data["subject"].strip(),
                subject_kind=data["subject_kind"],
                created_from=data["created_from"],
                created_to=data["created_to"],
            ),
        )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/report_list.html",
        {
            "form": form,
            "page": page,
            "can_submit": access.can(request.user, Action.CREATE, model=IntelligenceReport),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.CREATE, model=IntelligenceReport):
        raise PermissionDenied("Only members of staff of an organisation can submit intelligence")
    organisations = Organisation.objects.filter(pk__in=access.standing(request.user).organisations)
    form = ReportForm(_posted(request), request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.submit_report(
                request.user,
                form.cleaned_data,
                subjects=form.subjects(),
                uploads=_uploads(form),
                organisation=form.cleaned_data.get("organisation"),
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, f"Report {report.reference} recorded")
            return redirect(report)
    return render(
        request,
        "intelligence/report_form.html",
        {"form": form, "subject_rows": range(1, SUBJECT_ROWS + 1)},
    )


def _subjects_with_entities(user, report: IntelligenceReport) -> list[Subject]:
    """The subjects, each with ``entity`` set to its threat-picture entity when the reader may
    see that entity (a link never reveals an entity the reader cannot see)."""
    subjects = list(report.subjects.all())
    entity_model = services.threat_entities()
    linked = [s.entity_id for s in subjects if s.entity_id]
    seen = {}
    if entity_model is not None and linked:
        seen = {e.pk: e for e in visible(user, entity_model.objects.filter(pk__in=linked))}
    for subject in subjects:
        subject.entity = seen.get(subject.entity_id)
    return subjects


@staff_page
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    user = request.user
    if not services.content_readable(user, report):
        return render(request, "intelligence/report_conditions.html", {"report": report})
    services.record_reading(user, report, Reading.Kind.VIEWED)
    s = access.standing(user)
    originator = is_originator(s, report)
    original = None
    if report.sanitised_from_id:
        original = visible(user, IntelligenceReport.objects.filter(pk=report.sanitised_from_id))
        original = original.first()
    return render(
        request,
        "intelligence/report_detail.html",
        {
            "report": report,
            "threat_areas": threat_area_labels(report.threat_areas),
            "four_p": four_p_labels(report.four_p),
            "subjects": _subjects_with_entities(user, report),
            "link_form": LinkSubjectForm() if originator and services.threat_entities() else None,
            "attachments": visible(user, report.attachments.all()),
            "versions": visible(user, report.sanitised_versions.all()),
            "original": original,
            "disseminations": visible(
                user, Dissemination.objects.filter(report=report)
            ).select_related("organisation", "via_partnership"),
            "readings": visible(user, Reading.objects.filter(report=report)).select_related(
                "user", "organisation"
            )[:100],
            "requests": visible(
                user, InformationRequest.objects.filter(report=report)
            ).select_related("requested_by", "requesting_organisation", "answered_by"),
            "originator": originator,
            "question_form": None if originator else QuestionForm(),
            "answer_form": AnswerForm() if originator else None,
            "attachment_form": AttachmentForm() if originator else None,
        },
    )


@staff_page
@require_POST
def report_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
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
    report = _report(request, pk)
    _must_read(request, report)
    services.record_reading(request.user, report, Reading.Kind.PRINTED)
    return render(
        request,
        "intelligence/report_print.html",
        {
            "report": report,
            "threat_areas": threat_area_labels(report.threat_areas),
            "four_p": four_p_labels(report.four_p),
            "subjects": report.subjects.all(),
        },
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
    report = _report(request, pk)
    _must_read(request, report)
    services.record_reading(request.user, report, Reading.Kind.EXPORTED, {"format": "json"})
    response = HttpResponse(
        json.dumps(export_dict(report), indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{report.reference}.json"'
    return response


ATTACHMENT_CSP = "sandbox; default-src 'none'"


def _file_response(attachment: Attachment) -> HttpResponse:
    data = services.files.read(attachment)
    content_type = attachment.content_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, so the site-wide policy (django-csp adds one only where none is set) does not
    # apply: a file opened in the browser anyway runs in a sandbox that may load nothing.
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    return response


@staff_page
def report_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = _report(request, pk)
    attachment = get_visible_or_404(
        request.user, Attachment.objects.filter(report=report), pk=attachment_pk
    )
    _must_read(request, report)
    services.record_reading(
        request.user, report, Reading.Kind.DOWNLOADED, {"attachment": attachment.pk}
    )
    return _file_response(attachment)


@staff_page
@require_POST
def report_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not access.can(request.user, Action.CHANGE, report):
        raise PermissionDenied("Only the originator can add attachments")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = _uploads(form)[0]
            services.add_attachment(request.user, report, *upload)
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, "Attachment added")
            return redirect(report)
    return render(
        request,
        "intelligence/simple_form.html",
        {"form": form, "report": report, "title": "Add an attachment", "multipart": True},
        status=400,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def report_disseminate(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not access.can(request.user, Action.CHANGE, report):
        raise PermissionDenied("Only the originator or an intelligence manager can share this")
    organisations = visible(
        request.user, Organisation.objects.exclude(pk=report.owner_organisation_id)
    )
    partnerships = visible(request.user, Partnership.objects.all()).filter(
        organisations=report.owner_organisation
    )
    form = DisseminateForm(_posted(request), organisations=organisations, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.disseminate(
                request.user,
                report,
                organisations=list(form.cleaned_data["organisations"]),
                partnerships=list(form.cleaned_data["partnerships"]),
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            text = "Shared with " + (
                ", ".join(o.name for o in result.shared_with) or "no new organisations"
            )
            if result.not_shared:
                text += ". Not shared (no agreement in force): " + ", ".join(
                    o.name for o, _ in result.not_shared
                )
            messages.success(request, text)
            return redirect(report)
    return render(request, "intelligence/disseminate.html", {"form": form, "report": report})


@staff_page
@require_http_methods(["GET", "POST"])
def report_sanitise(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not access.can(request.user, Action.CHANGE, report):
        raise PermissionDenied("Only the originator or an intelligence manager can sanitise this")
    initial = {
        "title": f"{report.title} (sanitised)",
        "content": report.content,
        "location": report.location,
        "handling_code": report.handling_code,
        "handling_conditions": report.handling_conditions,
    }
    form = SanitiseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        keep = data.pop("keep_subjects")
        try:
            version = services.create_sanitised_version(
                request.user, report, data, keep_subjects=keep
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, f"Sanitised version {version.reference} recorded")
            return redirect(version)
    return render(request, "intelligence/sanitise.html", {"form": form, "report": report})


@staff_page
@require_POST
def report_subject_link(request: HttpRequest, pk: int, subject_pk: int) -> HttpResponse:
    report = _report(request, pk)
    subject = get_visible_or_404(request.user, Subject.objects.filter(report=report), pk=subject_pk)
    if not access.can(request.user, Action.CHANGE, report):
        raise PermissionDenied("Only the originator or an intelligence manager can link subjects")
    form = LinkSubjectForm(request.POST)
    if form.is_valid():
        try:
            services.link_subject(request.user, subject, form.cleaned_data["entity"])
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, f"{subject} linked" if subject.entity_id else "Link removed")
            return redirect(report)
    return render(
        request,
        "intelligence/simple_form.html",
        {"form": form, "report": report, "title": f"Link {subject} to the threat picture"},
        status=400,
    )


@staff_page
@require_POST
def report_question(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _must_read(request, report)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.request_information(request.user, report, form.cleaned_data["question"])
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, "Your request for information has been sent")
            return redirect(report)
    return render(
        request,
        "intelligence/simple_form.html",
        {"form": form, "report": report, "title": "Request for information"},
        status=400,
    )


@staff_page
@require_POST
def report_answer(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    report = _report(request, pk)
    information_request = get_visible_or_404(
        request.user, InformationRequest.objects.filter(report=report), pk=request_pk
    )
    if not access.can(request.user, Action.CHANGE, report):
        raise PermissionDenied("Only the originator or an intelligence manager can answer")
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.answer_information_request(
            request.user, information_request, form.cleaned_data["answer"]
        )
        messages.success(request, "Your answer has been sent")
        return redirect(report)
    return render(
        request,
        "intelligence/simple_form.html",
        {"form": form, "report": report, "title": "Answer the request for information"},
        status=400,
    )


# --- Triage of anonymous reports --------------------------------------------------------------


@staff_page
def triage_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VIEW, model=AnonymousSubmission):
        raise PermissionDenied("Only analysts of an organisation that receives anonymous reports")
    status = request.GET.get("status", AnonymousSubmission.Status.NEW)
    submissions = visible(request.user, AnonymousSubmission.objects.select_related("channel"))
    if status in AnonymousSubmission.Status.values:
        submissions = submissions.filter(status=status)
    channels = visible(request.user, ReportingChannel.objects.all()).filter(
        receiving_organisation__in=access.standing(request.user).organisations
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "intelligence/triage_list.html",
        {
            "page": page,
            "status": status,
            "statuses": AnonymousSubmission.Status.choices,
            "channels": channels,
        },
    )


def _submission(request: HttpRequest, pk: int) -> AnonymousSubmission:
    return get_visible_or_404(
        request.user,
        AnonymousSubmission.objects.select_related("channel__receiving_organisation"),
        pk=pk,
    )


def _conversion_form(submission: AnonymousSubmission, content: dict, data=None) -> ReportForm:
    text = "\n\n".join(
        f"{label}: {content[key]}"
        for key, label in [
            ("what", "What"),
            ("where", "Where"),
            ("when", "When"),
            ("who", "Who"),
            ("how_known", "How the reporter knows"),
        ]
        if content.get(key)
    )
    initial = {
        "title": f"From anonymous report {submission.reference}",
        "content": text,
        "source_evaluation": submission.source_evaluation or "2",
        "intelligence_assessment": submission.intelligence_assessment,
        "legal_basis": "dpa_part3",
    }
    form = ReportForm(data, initial=initial, prefix="convert")
    del form.fields["attachment"]
    return form


@staff_page
@require_http_methods(["GET", "POST"])
def triage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    if not access.can(request.user, Action.CHANGE, submission):
        raise PermissionDenied("Only the receiving organisation's analysts")
    forms = {
        "reply": ReplyForm(prefix="reply"),
        "grade": GradeForm(
            prefix="grade",
            initial={
                "source_evaluation": submission.source_evaluation,
                "intelligence_assessment": submission.intelligence_assessment,
            },
        ),
        "close": CloseForm(prefix="close"),
    }
    decrypted = services.read_submission(request.user, submission)
    convert = _conversion_form(submission, decrypted["content"])
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _triage_action(request, submission, action, forms, decrypted)
        except ValidationError as problem:
            target = convert if action == "convert" else forms.get(action)
            if target is None:
                raise
            target.add_error(None, problem)
            done = None
        if isinstance(done, HttpResponse):
            return done
        if action == "convert" and isinstance(done, ReportForm):
            convert = done
        status = 400
    return render(
        request,
        "intelligence/triage_detail.html",
        {
            "submission": submission,
            "content": decrypted["content"],
            "conversation": decrypted["messages"],
            "attachments": visible(request.user, submission.attachments.all()),
            "forms": forms,
            "convert": convert,
            "subject_rows": range(1, SUBJECT_ROWS + 1),
            "report": getattr(submission, "intelligence_report", None),
        },
        status=status,
    )


def _triage_action(request, submission, action, forms, decrypted):
    user = request.user
    here = reverse("intelligence:submission", args=[submission.pk])
    if action == "reply":
        form = forms["reply"] = ReplyForm(request.POST, prefix="reply")
        if form.is_valid():
            services.analyst_replies(user, submission, form.cleaned_data["reply"])
            messages.success(request, "Your reply is waiting for the reporter")
            return redirect(here)
    elif action == "grade":
        form = forms["grade"] = GradeForm(request.POST, prefix="grade")
        if form.is_valid():
            services.grade_submission(
                user,
                submission,
                form.cleaned_data["source_evaluation"],
                form.cleaned_data["intelligence_assessment"],
            )
            messages.success(request, "Grading recorded")
            return redirect(here)
    elif action == "close":
        form = forms["close"] = CloseForm(request.POST, prefix="close")
        if form.is_valid():
            services.close_submission(user, submission, form.cleaned_data["reason"])
            messages.success(request, f"{submission.reference} closed")
            return redirect("intelligence:triage")
    elif action == "convert":
        form = _conversion_form(submission, decrypted["content"], request.POST)
        if form.is_valid():
            try:
                report = services.convert_submission(
                    user, submission, form.cleaned_data, subjects=form.subjects()
                )
            except ValidationError as problem:
                form.add_error(None, problem)
                return form
            messages.success(request, f"Intelligence report {report.reference} recorded")
            return redirect(report)
        return form
    return None


@staff_page
def triage_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    attachment = get_visible_or_404(
        request.user, Attachment.objects.filter(submission=submission), pk=attachment_pk
    )
    services.audit.record(
        "anonymous_attachment_downloaded",
        actor=request.user,
        obj=submission,
        detail={"attachment": attachment.pk},
    )
    return _file_response(attachment)


# --- The anonymous channel: public pages ------------------------------------------------------
#
# No session, no cookie, no identifier: these views never touch request.session, render no
# Django CSRF token (which would set a cookie) and are exempt from the cookie-based CSRF check.
# Instead each form carries a signed, non-identifying token (forms.form_token) and a post
# whose Origin or Sec-Fetch-Site says it came from another site is refused. Nothing about the
# request (address, user agent, time finer than the day) is stored or logged by these views.


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


def _refuse(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intelligence/anonymous_refused.html",
        {"channels_url": reverse("intelligence:anonymous_channels")},
        status=403,
    )


@public_page
def anonymous_channels(request: HttpRequest) -> HttpResponse:
    channels = visible(request.user, ReportingChannel.objects.all()).filter(active=True)
    return render(request, "intelligence/anonymous_channels.html", {"channels": channels})


@public_page
@require_http_methods(["GET", "POST"])
def anonymous_form(request: HttpRequest, slug: str) -> HttpResponse:
    channel = get_visible_or_404(
        request.user, ReportingChannel.objects.filter(active=True), slug=slug
    )
    purpose = f"report:{channel.slug}"
    form = AnonymousReportForm(_posted(request), request.FILES or None)
    status = 200
    if request.method == "POST":
        if _cross_site(request) or not token_valid(request.POST.get("form_token", ""), purpose):
            return _refuse(request)
        if form.is_valid():
            try:
                _, code = services.submit_anonymous(channel, form.cleaned_data, _uploads(form))
            except ValidationError as problem:
                form.add_error(None, problem)
            except services.LimitReached as full:
                form.add_error(None, str(full))
            else:
                return render(
                    request,
                    "intelligence/anonymous_receipt.html",
                    {"channel": channel, "code": code, "token": form_token("follow-up")},
                )
        status = 400
    return render(
        request,
        "intelligence/anonymous_form.html",
        {"channel": channel, "form": form, "token": form_token(purpose)},
        status=status,
    )


@public_page
@require_http_methods(["GET", "POST"])
def anonymous_follow_up(request: HttpRequest) -> HttpResponse:
    """Return with a receipt code: read the analyst's replies and add information. The code
    travels only in the body of posts, never in an address."""
    form = ReceiptForm(_posted(request))
    context = {"form": form, "token": form_token("follow-up")}
    if request.method == "GET":
        return render(request, "intelligence/anonymous_follow_up.html", context)
    if _cross_site(request) or not token_valid(request.POST.get("form_token", ""), "follow-up"):
        return _refuse(request)
    if not form.is_valid():
        return render(request, "intelligence/anonymous_follow_up.html", context, status=400)
    try:
        submission = services.find_by_receipt(form.cleaned_data["code"])
    except services.LimitReached as full:
        form.add_error("code", str(full))
        return render(request, "intelligence/anonymous_follow_up.html", context, status=429)
    if submission is None:
        form.add_error(
            "code", "We cannot find a report with that receipt code. Check it and try again"
        )
        return render(request, "intelligence/anonymous_follow_up.html", context, status=400)
    message_form = ReporterMessageForm(_posted(request), request.FILES or None, prefix="add")
    status = 200
    if request.POST.get("action") == "add":
        if message_form.is_valid():
            try:
                services.reporter_adds(
                    submission, message_form.cleaned_data["message"], _uploads(message_form)
                )
            except ValidationError as problem:
                message_form.add_error(None, problem)
                status = 400
            else:
                message_form = ReporterMessageForm(prefix="add")
                context["added"] = True
        else:
            status = 400
    else:
        message_form = ReporterMessageForm(prefix="add")
    context.update(
        {
            "code": form.cleaned_data["code"],
            "submission": submission,
            "original": services.decrypted_content(submission),
            "conversation": services.conversation(submission),
            "message_form": message_form,
        }
    )
    return render(request, "intelligence/anonymous_conversation.html", context, status=status)
