"""Meeting pages: scheduling, the agenda (Part A for all who may see it, Part B for those
entitled), papers, attendance, minutes, decisions, publishing and cancelling."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from convenor.core import access
from convenor.core.access import Action as Do
from convenor.core.reauth import recent_authentication_required

from .. import forms, selectors, services
from ..models import Part
from ._pages import button_post, governance_form, staff_page
from .boards import board_form_page


def _managed_meeting(request: HttpRequest, pk: int):
    meeting = selectors.meeting_or_404(request.user, pk)
    services.require_change(request.user, meeting)
    return meeting


def _managed_item(request: HttpRequest, pk: int, number: int):
    item = selectors.agenda_item_or_404(
        request.user, selectors.meeting_or_404(request.user, pk), number
    )
    services.require_change(request.user, item)
    return item


def _item_url(item) -> str:
    return item.meeting.get_absolute_url() + f"#item-{item.number}"


meeting_create = board_form_page(
    forms.MeetingForm,
    services.schedule_meeting,
    "Schedule a meeting",
    hint="The agenda starts with the board's standing items.",
    form_takes_board=False,
)


@never_cache
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda: items (each with papers, minutes and decisions) in the parts the reader may
    see; attendance and quorum for those entitled, once attendance is recorded (a meeting yet to
    happen is not "not quorate")."""
    meeting = selectors.meeting_or_404(request.user, pk)
    items = services.view_meeting(request.user, meeting)
    can_change = access.can(request.user, Do.CHANGE, meeting)
    attendance = selectors.attendance_of(request.user, meeting)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "public_items": [i for i in items if i.part == Part.PUBLIC],
            "confidential_items": [i for i in items if i.part == Part.CONFIDENTIAL],
            "attendance": attendance,
            "quorum": selectors.quorum(meeting) if attendance or can_change else None,
            "can_change": can_change,
        },
    )


@staff_page
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(request.user, pk)
    return governance_form(
        request,
        forms.AgendaItemForm,
        heading="Add an agenda item",
        caption=str(meeting),
        save=lambda form: services.add_agenda_item(request.user, meeting, **form.cleaned_data),
        success_url=_item_url,
    )


@staff_page
def agenda_item_change(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _managed_item(request, pk, number)
    fields = ("title", "description", "part", "exemption")
    return governance_form(
        request,
        forms.AgendaItemForm,
        heading=f"Change item {item.number}",
        caption=str(item.meeting),
        hint="An item moved to the other part goes to the end of that part; the agenda is "
        "numbered again (Part A from 1, Part B after it).",
        form_kwargs={"initial": {name: getattr(item, name) for name in fields}},
        save=lambda form: services.change_agenda_item(request.user, item, **form.cleaned_data),
        success_url=_item_url,
    )


@staff_page
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = selectors.agenda_item_or_404(
        request.user, selectors.meeting_or_404(request.user, pk), number
    )
    return button_post(
        request,
        lambda: services.move_agenda_item(request.user, item, request.POST.get("direction", "")),
        lambda moved: f"Moved “{moved.title}” to item {moved.number}",
        lambda moved: _item_url(moved or item),
    )


@staff_page
def paper_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _managed_item(request, pk, number)

    def save(form):
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

    return governance_form(
        request,
        forms.PaperForm,
        heading=f"Attach a paper to item {item.number}",
        caption=item.title,
        multipart=True,
        save=save,
        success_url=_item_url(item),
    )


@never_cache
def paper_download(request: HttpRequest, pk: int) -> HttpResponse:
    paper = services.read_paper(request.user, selectors.paper_or_404(request.user, pk))
    if paper.link and paper.content is None:
        return redirect(paper.link)
    response = HttpResponse(bytes(paper.content), content_type=paper.content_type)
    safe_name = "".join(c for c in paper.file_name if c.isalnum() or c in "._- ") or "paper"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_page
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    members = meeting.board.current_members().select_related("person", "organisation")
    return governance_form(
        request,
        forms.AttendanceForm,
        heading="Record attendance",
        caption=str(meeting),
        hint=f"The quorum is {meeting.board.quorum} voting members; observers do not count.",
        form_kwargs={
            "members": members,
            "current": {a.member_id: a for a in meeting.attendance.all()},
        },
        save=lambda form: services.record_attendance(request.user, meeting, form.register()),
        success_url=meeting.get_absolute_url() + "#attendance",
    )


@staff_page
def minutes(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _managed_item(request, pk, number)
    return governance_form(
        request,
        forms.MinutesForm,
        heading=f"Minutes of item {item.number}",
        caption=item.title,
        form_kwargs={"initial": {"minutes": item.minutes}},
        save=lambda form: services.record_minutes(request.user, item, form.cleaned_data["minutes"]),
        success_url=_item_url,
    )


@staff_page
def decision_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    item = _managed_item(request, pk, number)
    return governance_form(
        request,
        forms.DecisionForm,
        heading=f"Record a decision on item {item.number}",
        caption=item.title,
        save=lambda form: services.record_decision(request.user, item, **form.cleaned_data),
        success_url=_item_url(item),
    )


@staff_page
@require_POST
@recent_authentication_required("publish a meeting")
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(request.user, pk)
    return button_post(
        request,
        lambda: services.publish_meeting(request.user, meeting),
        "The public part of the meeting is published",
        lambda _: meeting.get_absolute_url(),
    )


@staff_page
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_or_404(request.user, pk)
    return button_post(
        request,
        lambda: services.cancel_meeting(request.user, meeting),
        "The meeting is cancelled",
        lambda _: meeting.get_absolute_url(),
    )
