"""Governance pages. Lookups go through the access policy (hidden = 404); changes go through
:mod:`convenor.governance.services`. Board, meeting and paper pages also answer the public, who
see only the published public part."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from convenor.core import access, audit
from convenor.core.access import Action as Do
from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Area, Partnership
from convenor.core.reauth import recent_authentication_required

from . import forms, landscape, monitoring, reference, services
from .access_rules import entitled_boards
from .models import (
    Action,
    AgendaItem,
    Board,
    Decision,
    Meeting,
    Paper,
    Part,
    Recommendation,
)


def staff_page(view):
    return login_required(never_cache(view))


def _apply(form, run: Callable[[], object]) -> object | None:
    """Run a service; its field-named ValidationError lands on the form's fields."""
    try:
        return run()
    except ValidationError as problem:
        if hasattr(problem, "error_dict"):
            for name, errors in problem.message_dict.items():
                target = name if name in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            for error in problem.messages:
                form.add_error(None, error)
    return None


def _form_page(request, form, template: str, context: dict, run: Callable[[], object], done):
    if request.method == "POST" and form.is_valid():
        result = _apply(form, run)
        if result is not None:
            return redirect(done(result))
    return render(request, template, {"form": form, **context})


def _managed_board(request, slug: str) -> Board:
    board = get_visible_or_404(request.user, Board.objects.all(), slug=slug)
    if not access.can(request.user, Do.CHANGE, board):
        raise PermissionDenied(services.MANAGERS_ONLY)
    return board


# --- Boards ----------------------------------------------------------------------------------


@never_cache
def board_list(request: HttpRequest) -> HttpResponse:
    boards = visible(request.user, Board.objects.select_related("partnership", "chair"))
    return render(
        request,
        "governance/board_list.html",
        {
            "boards": boards,
            "can_create": access.can(request.user, Do.CREATE, model=Board),
            "signed_in": request.user.is_authenticated,
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def board_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Do.CREATE, model=Board):
        raise PermissionDenied("Only partnership administrators set up boards")
    form = forms.BoardForm(request.POST or None, user=request.user)

    def run():
        data = dict(form.cleaned_data)
        return services.create_board(
            request.user,
            partnership=data.pop("partnership"),
            organisation=data.pop("organisation"),
            areas=data.pop("areas"),
            **data,
        )

    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Set up a board"},
        run,
        lambda board: board.get_absolute_url(),
    )


@never_cache
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_visible_or_404(
        request.user,
        Board.objects.select_related("partnership", "organisation", "chair"),
        slug=slug,
    )
    user = request.user
    return render(
        request,
        "governance/board_detail.html",
        {
            "board": board,
            "entitled": user.is_authenticated
            and (user.is_superuser or board.pk in entitled_boards(access.standing(user))),
            "can_change": access.can(user, Do.CHANGE, board),
            "members": visible(
                user, board.current_members().select_related("person", "organisation")
            ),
            "standing_items": visible(user, board.standing_items.all()),
            "meetings": visible(user, board.meetings.all()),
            "recommendations": visible(user, board.recommendations.select_related("addressee")),
            "actions": visible(user, board.actions.select_related("owner", "owner_organisation")),
            "areas": board.areas.all(),
            "today": timezone.localdate(),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def board_change(request: HttpRequest, slug: str) -> HttpResponse:
    board = _managed_board(request, slug)
    initial = {
        "terms_of_reference": board.terms_of_reference,
        "chair": board.chair,
        "meeting_frequency": board.meeting_frequency,
        "quorum": board.quorum,
        "areas": ", ".join(board.areas.values_list("code", flat=True)),
        "priorities": board.priorities,
        "threat_areas": board.threat_areas,
    }
    form = forms.BoardChangeForm(request.POST or None, initial=initial, board=board)

    def run():
        data = dict(form.cleaned_data)
        return services.update_board(request.user, board, areas=data.pop("areas"), **data)

    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Change the board", "caption": board.name},
        run,
        lambda b: b.get_absolute_url(),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    board = _managed_board(request, slug)
    form = forms.MemberForm(request.POST or None, board=board)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Add a member", "caption": board.name},
        lambda: services.add_member(request.user, board, **form.cleaned_data),
        lambda m: board.get_absolute_url() + "#members",
    )


@staff_page
@require_http_methods(["POST"])
def member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = _managed_board(request, slug)
    member = get_visible_or_404(request.user, board.members.all(), pk=pk)
    services.end_membership(request.user, member)
    messages.success(request, f"{member.person} is no longer a member of {board}")
    return redirect(board.get_absolute_url() + "#members")


@staff_page
@require_http_methods(["GET", "POST"])
def standing_item_add(request: HttpRequest, slug: str) -> HttpResponse:
    board = _managed_board(request, slug)
    form = forms.StandingItemForm(request.POST or None)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Add a standing item", "caption": board.name},
        lambda: services.add_standing_item(request.user, board, **form.cleaned_data),
        lambda item: board.get_absolute_url() + "#standing-items",
    )


# --- Meetings --------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    board = _managed_board(request, slug)
    form = forms.MeetingForm(request.POST or None)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {
            "heading": "Schedule a meeting",
            "caption": board.name,
            "hint": "The agenda starts with the board's standing items.",
        },
        lambda: services.schedule_meeting(request.user, board, **form.cleaned_data),
        lambda meeting: meeting.get_absolute_url(),
    )


def _meeting(request, pk: int) -> Meeting:
    return get_visible_or_404(
        request.user, Meeting.objects.select_related("board", "board__partnership"), pk=pk
    )


@never_cache
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda: items (each with papers, minutes and decisions) in the parts the reader may
    see; attendance and quorum for those entitled."""
    meeting = _meeting(request, pk)
    user = request.user
    items = list(visible(user, meeting.agenda_items.all()).prefetch_related("papers", "decisions"))
    for item in items:
        item.visible_papers = list(visible(user, item.papers.all()))
        item.visible_decisions = list(visible(user, item.decisions.all()))
    can_change = access.can(user, Do.CHANGE, meeting)
    attendance = list(
        visible(user, meeting.attendance.select_related("member__person", "member__organisation"))
    )
    confidential = [i for i in items if i.part == Part.CONFIDENTIAL]
    if confidential:  # Part B is sensitive: who read it is recorded
        audit.record(
            "meeting_part_b_viewed",
            actor=user,
            obj=meeting,
            detail={"items": [i.number for i in confidential]},
        )
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "public_items": [i for i in items if i.part == Part.PUBLIC],
            "confidential_items": confidential,
            "attendance": attendance,
            "quorum": services.quorum(meeting) if attendance or can_change else None,
            "can_change": can_change,
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = forms.AgendaItemForm(request.POST or None)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Add an agenda item", "caption": str(meeting)},
        lambda: services.add_agenda_item(request.user, meeting, **form.cleaned_data),
        lambda item: meeting.get_absolute_url() + f"#item-{item.number}",
    )


def _agenda_item(request, pk: int, number: int) -> AgendaItem:
    meeting = _meeting(request, pk)
    return get_visible_or_404(request.user, meeting.agenda_items.all(), number=number)


@staff_page
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _agenda_item(request, pk, number)
    try:
        item = services.move_agenda_item(request.user, item, request.POST.get("direction", ""))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect(item.meeting.get_absolute_url() + f"#item-{number}")
    messages.success(request, f"Moved “{item.title}” to item {item.number}")
    return redirect(item.meeting.get_absolute_url() + f"#item-{item.number}")


@staff_page
@require_http_methods(["GET", "POST"])
def paper_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _agenda_item(request, pk, number)
    if not access.can(request.user, Do.CHANGE, item):
        raise PermissionDenied(services.MANAGERS_ONLY)
    form = forms.PaperForm(request.POST or None, request.FILES or None)

    def run():
        upload = form.cleaned_data.get("file")
        return services.attach_paper(
            request.user,
            item,
            title=form.cleaned_data["title"],
            file_name=upload.name if upload else "",
            content_type=upload.content_type if upload else "",
            content=upload.read() if upload else None,
            link=form.cleaned_data.get("link") or "",
        )

    return _form_page(
        request,
        form,
        "governance/form.html",
        {
            "heading": f"Attach a paper to item {item.number}",
            "caption": item.title,
            "multipart": True,
        },
        run,
        lambda paper: item.meeting.get_absolute_url() + f"#item-{item.number}",
    )


@never_cache
def paper_download(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_visible_or_404(
        request.user, Paper.objects.select_related("agenda_item__meeting"), pk=pk
    )
    services.read_paper(request.user, paper)
    if paper.link and paper.content is None:
        return redirect(paper.link)
    response = HttpResponse(bytes(paper.content), content_type=paper.content_type)
    safe_name = "".join(c for c in paper.file_name if c.isalnum() or c in "._- ") or "paper"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_page
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not access.can(request.user, Do.CHANGE, meeting):
        raise PermissionDenied(services.MANAGERS_ONLY)
    current = {a.member_id: a for a in meeting.attendance.all()}
    form = forms.AttendanceForm(
        request.POST or None,
        members=meeting.board.current_members().select_related("person", "organisation"),
        current=current,
    )
    return _form_page(
        request,
        form,
        "governance/form.html",
        {
            "heading": "Record attendance",
            "caption": str(meeting),
            "hint": f"The quorum is {meeting.board.quorum} voting members; observers do not count.",
        },
        lambda: services.record_attendance(request.user, meeting, form.register()),
        lambda result: meeting.get_absolute_url() + "#attendance",
    )


@staff_page
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _agenda_item(request, pk, number)
    if not access.can(request.user, Do.CHANGE, item):
        raise PermissionDenied(services.MANAGERS_ONLY)
    form = forms.MinutesForm(request.POST or None, initial={"minutes": item.minutes})
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": f"Minutes of item {item.number}", "caption": item.title},
        lambda: services.record_minutes(request.user, item, form.cleaned_data["minutes"]),
        lambda i: i.meeting.get_absolute_url() + f"#item-{i.number}",
    )


@staff_page
@require_http_methods(["GET", "POST"])
def decision_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _agenda_item(request, pk, number)
    if not access.can(request.user, Do.CHANGE, item):
        raise PermissionDenied(services.MANAGERS_ONLY)
    form = forms.DecisionForm(request.POST or None)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": f"Record a decision on item {item.number}", "caption": item.title},
        lambda: services.record_decision(request.user, item, **form.cleaned_data),
        lambda d: item.meeting.get_absolute_url() + f"#item-{item.number}",
    )


@staff_page
@require_http_methods(["POST"])
@recent_authentication_required("publish a meeting")
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.publish_meeting(request.user, meeting)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, "The public part of the meeting is published")
    return redirect(meeting.get_absolute_url())


@staff_page
@require_http_methods(["POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.cancel_meeting(request.user, meeting)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, "The meeting is cancelled")
    return redirect(meeting.get_absolute_url())


# --- Recommendations -------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, slug: str) -> HttpResponse:
    board = _managed_board(request, slug)
    form = forms.RecommendationForm(request.POST or None, board=board)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Record a recommendation", "caption": board.name},
        lambda: services.record_recommendation(request.user, board, **form.cleaned_data),
        lambda r: r.get_absolute_url(),
    )


@staff_page
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_visible_or_404(
        request.user, Recommendation.objects.select_related("board", "addressee"), pk=pk
    )
    return render(
        request,
        "governance/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "board": recommendation.board,
            "responses": visible(request.user, recommendation.responses.all()),
            "actions": visible(request.user, recommendation.actions.select_related("owner")),
            "can_change": access.can(request.user, Do.CHANGE, recommendation),
            "can_respond": services.can_respond(request.user, recommendation),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def response_create(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_visible_or_404(request.user, Recommendation.objects.all(), pk=pk)
    if not services.can_respond(request.user, recommendation):
        raise PermissionDenied(
            "Only the board's managers and the addressee's partnership administrators can do this"
        )
    form = forms.ResponseForm(request.POST or None)
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Record a response", "caption": str(recommendation)},
        lambda: services.record_response(request.user, recommendation, **form.cleaned_data),
        lambda r: recommendation.get_absolute_url(),
    )


# --- Actions ---------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new action on the board's plan, optionally from an accepted recommendation
    (``?recommendation=<id>``) or a decision (``?decision=<id>``)."""
    board = _managed_board(request, slug)
    source = None
    initial: dict = {}
    rec_id, decision_id = request.GET.get("recommendation", ""), request.GET.get("decision", "")
    if rec_id.isdigit():
        source = get_visible_or_404(request.user, board.recommendations.all(), pk=int(rec_id))
        initial = {"title": f"{source}", "description": source.text, "ps": source.ps}
    elif decision_id.isdigit():
        source = get_visible_or_404(
            request.user,
            Decision.objects.filter(agenda_item__meeting__board=board),
            pk=int(decision_id),
        )
        initial = {"title": source.text[:200], "description": source.text}
    form = forms.ActionForm(request.POST or None, initial=initial, board=board)

    def run():
        data = dict(form.cleaned_data)
        if source is not None:
            return services.create_action_from(request.user, source, board=board, **data)
        return services.create_action(request.user, board, **data)

    return _form_page(
        request,
        form,
        "governance/form.html",
        {
            "heading": "Add an action",
            "caption": f"{board.name}" + (f": from {source}" if source else ""),
        },
        run,
        lambda a: a.get_absolute_url(),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def action_change(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(request.user, Action.objects.select_related("board"), pk=pk)
    if not access.can(request.user, Do.CHANGE, action.board):
        raise PermissionDenied(services.MANAGERS_ONLY)
    initial = {
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "owner_organisation": action.owner_organisation,
        "due_on": action.due_on,
        "ps": action.ps,
        "threat_areas": action.threat_areas,
        "areas": ", ".join(action.areas.values_list("code", flat=True)),
    }
    form = forms.ActionForm(request.POST or None, initial=initial, board=action.board)

    def run():
        data = dict(form.cleaned_data)
        return services.change_action(request.user, action, areas=data.pop("areas"), **data)

    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Change the action", "caption": action.title},
        run,
        lambda a: a.get_absolute_url(),
    )


@staff_page
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(
        request.user,
        Action.objects.select_related(
            "board", "owner", "owner_organisation", "recommendation", "decision", "evidence_paper"
        ),
        pk=pk,
    )
    return render(
        request,
        "governance/action_detail.html",
        {
            "action": action,
            "updates": visible(request.user, action.updates.select_related("author")),
            "areas": action.areas.all(),
            "can_update": access.can(request.user, Do.CHANGE, action) and action.is_open,
            "can_change": access.can(request.user, Do.CHANGE, action.board) and action.is_open,
            "overdue": action.is_overdue(),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(request.user, Action.objects.select_related("board"), pk=pk)
    if not access.can(request.user, Do.CHANGE, action):
        raise PermissionDenied("Only the action's owner and the board's managers update it")
    papers = visible(request.user, Paper.objects.filter(agenda_item__meeting__board=action.board))
    form = forms.ActionUpdateForm(
        request.POST or None, initial={"status": action.status}, papers=papers
    )
    return _form_page(
        request,
        form,
        "governance/form.html",
        {"heading": "Update the action", "caption": action.title},
        lambda: services.update_action(request.user, action, **form.cleaned_data),
        lambda u: action.get_absolute_url(),
    )


@staff_page
def my_actions(request: HttpRequest) -> HttpResponse:
    actions = list(services.my_actions(request.user))
    today = timezone.localdate()
    return render(
        request,
        "governance/my_actions.html",
        {
            "open_actions": [a for a in actions if a.is_open],
            "closed_actions": [a for a in actions if not a.is_open],
            "overdue_count": sum(1 for a in actions if a.is_overdue(today)),
            "today": today,
        },
    )


# --- Monitoring report and landscape --------------------------------------------------------


def _report(request, slug: str):
    board = get_visible_or_404(request.user, Board.objects.all(), slug=slug)
    if board.pk not in entitled_boards(access.standing(request.user)) and not (
        request.user.is_superuser
    ):
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


@staff_page
def monitoring_report(request: HttpRequest, slug: str) -> HttpResponse:
    board, report, error = _report(request, slug)
    meetings = []
    if report is not None:
        audit.record(
            "monitoring_report_viewed",
            actor=request.user,
            obj=board,
            detail={"start": report.start, "end": report.end},
        )
    if report is not None and access.can(request.user, Do.CHANGE, board):
        meetings = board.meetings.filter(starts_at__gte=timezone.now(), cancelled=False).order_by(
            "starts_at"
        )
    return render(
        request,
        "governance/monitoring_report.html",
        {
            "board": board,
            "report": report,
            "period_error": error,
            "start": request.GET.get("start", "")[:10] if error else (report.start.isoformat()),
            "end": request.GET.get("end", "")[:10] if error else (report.end.isoformat()),
            "upcoming_meetings": meetings,
        },
        status=400 if error else 200,
    )


@staff_page
def monitoring_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    board, report, error = _report(request, slug)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    pdf = monitoring.report_pdf(request.user, report)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{board.slug}-monitoring-{report.start}-{report.end}.pdf"'
    )
    return response


@staff_page
@require_http_methods(["POST"])
def monitoring_report_to_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    """Put the report (as a PDF paper) on a coming meeting's agenda, in the confidential part."""
    board, report, error = _report(request, slug)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    meeting_id = request.POST.get("meeting", "")
    if not meeting_id.isdigit():
        messages.error(request, "Choose the meeting to put the report on")
        return redirect(reverse("governance:report", args=[board.slug]))
    meeting = get_visible_or_404(request.user, board.meetings.all(), pk=int(meeting_id))
    item = services.add_report_to_agenda(request.user, meeting, report)
    messages.success(request, f"The report is item {item.number} of {meeting}")
    return redirect(meeting.get_absolute_url() + f"#item-{item.number}")


@staff_page
def board_landscape(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("area", "").strip().upper()[:16]
    area = None
    error = None
    if code:
        area = visible(request.user, Area.objects.all()).filter(code=code).first()
        if area is None:
            error = f"Not an area code we know: {code}"
    partnerships = visible(request.user, Partnership.objects.all())
    chosen = request.GET.get("partnership", "").strip()[:80]
    partnership = partnerships.filter(slug=chosen).first() if chosen else None
    partnership_error = (
        "Choose one of your partnerships" if chosen and partnership is None else None
    )
    result = landscape.build_landscape(request.user, area, partnership)
    return render(
        request,
        "governance/landscape.html",
        {
            "landscape": result,
            "area": area,
            "area_code": code,
            "area_error": error,
            "partnerships": partnerships,
            "partnership": partnership,
            "partnership_error": partnership_error,
            "national_priorities": reference.national_priorities(),
        },
        status=400 if error or partnership_error else 200,
    )
