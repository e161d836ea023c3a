"""The monitoring report of a board (page, PDF, onto a meeting's agenda) and the landscape of
boards across areas and partnerships."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from convenor.core import access
from convenor.core.access import Action as Do

from .. import forms, landscape, monitoring, reference, selectors, services
from ..models import Part
from ._pages import governance_form, staff_page


def _report(request: HttpRequest, slug: str):
    """The board (entitled only, else 404), its report for the asked period, or why not."""
    board = selectors.board_or_404(request.user, slug)
    if not selectors.is_entitled(request.user, board):
        raise Http404("Not found")
    try:
        start, end = monitoring.parse_period(
            request.GET.get("start", "")[:10] or None,
            request.GET.get("end", "")[:10] or None,
            timezone.localdate(),
        )
    except monitoring.PeriodError as problem:
        return board, None, str(problem)
    return board, monitoring.build_report(request.user, board, start, end), None


def _period_refused(error: str) -> HttpResponse:
    return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")


@staff_page
def monitoring_report(request: HttpRequest, slug: str) -> HttpResponse:
    board, report, error = _report(request, slug)
    meetings = []
    if report is not None:
        monitoring.view_report(request.user, report)
        if access.can(request.user, Do.CHANGE, board):
            meetings = selectors.upcoming_meetings(request.user, board)
    return render(
        request,
        "governance/monitoring_report.html",
        {
            "board": board,
            "report": report,
            "period_error": error,
            "start": request.GET.get("start", "")[:10] if error else report.start.isoformat(),
            "end": request.GET.get("end", "")[:10] if error else report.end.isoformat(),
            "upcoming_meetings": meetings,
        },
        status=400 if error else 200,
    )


@staff_page
def monitoring_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    board, report, error = _report(request, slug)
    if error:
        return _period_refused(error)
    response = HttpResponse(
        monitoring.report_pdf(request.user, report), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{board.slug}-monitoring-{report.start}-{report.end}.pdf"'
    )
    return response


@staff_page
def monitoring_report_to_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    """Put the report (as a PDF paper) on a coming meeting's agenda: the user chooses the meeting,
    the item's title and its part (Part B with its Schedule 12A paragraph, or Part A)."""
    board, report, error = _report(request, slug)
    if error:
        return _period_refused(error)
    services.require_change(request.user, board)
    period = f"{report.start:%-d %B %Y} to {report.end:%-d %B %Y}"
    return governance_form(
        request,
        forms.ReportToAgendaForm,
        heading="Put the monitoring report on an agenda",
        caption=f"{board.name}: monitoring report, {period}",
        hint="The report is attached to the new item as a PDF paper. It names the owners of "
        "open actions: put it in Part B unless it is ready for the public.",
        form_kwargs={
            "meetings": selectors.upcoming_meetings(request.user, board),
            "initial": {
                "title": f"Monitoring report: {period}",
                "description": services.REPORT_ITEM_DESCRIPTION,
                "part": Part.CONFIDENTIAL,
            },
        },
        save=lambda form: services.add_report_to_agenda(
            request.user, report=report, **form.cleaned_data
        ),
        success_url=lambda item: item.meeting.get_absolute_url() + f"#item-{item.number}",
        success_message=lambda item: f"The report is item {item.number} of {item.meeting}",
    )


@staff_page
def board_landscape(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("area", "").strip().upper()[:16]
    area = selectors.area_by_code(request.user, code) if code else None
    area_error = f"Not an area code we know: {code}" if code and area is None else None
    partnerships = selectors.visible_partnerships(request.user)
    chosen = request.GET.get("partnership", "").strip()[:80]
    partnership = partnerships.filter(slug=chosen).first() if chosen else None
    partnership_error = (
        "Choose one of your partnerships" if chosen and partnership is None else None
    )
    return render(
        request,
        "governance/landscape.html",
        {
            "landscape": landscape.build_landscape(request.user, area, partnership),
            "area": area,
            "area_code": code,
            "area_error": area_error,
            "partnerships": partnerships,
            "partnership": partnership,
            "partnership_error": partnership_error,
            "national_priorities": reference.national_priorities(),
        },
        status=400 if area_error or partnership_error else 200,
    )
