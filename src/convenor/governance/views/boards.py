"""Board pages: the list, a board, setting one up and changing it, members and standing items."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from convenor.core import access
from convenor.core.access import Action as Do
from convenor.core.access import get_visible_or_404

from .. import forms, selectors, services
from ..models import Board
from ._pages import governance_form, staff_page


def managed_board(request: HttpRequest, slug: str) -> Board:
    """The board (hidden: 404) if the user manages it (else 403)."""
    board = selectors.board_or_404(request.user, slug)
    services.require_change(request.user, board)
    return board


def board_form_page(
    form_class,
    service,
    heading: str,
    *,
    anchor: str | None = None,
    hint: str = "",
    form_takes_board: bool = True,
):
    """A form page of a board its managers fill in: ``service(user, board, **cleaned_data)``
    saves it; then back to the board at ``anchor`` (or to what was saved)."""

    @staff_page
    def page(request: HttpRequest, slug: str) -> HttpResponse:
        board = managed_board(request, slug)
        return governance_form(
            request,
            form_class,
            heading=heading,
            caption=board.name,
            hint=hint,
            form_kwargs={"board": board} if form_takes_board else None,
            save=lambda form: service(request.user, board, **form.cleaned_data),
            success_url=None if anchor is None else board.get_absolute_url() + anchor,
        )

    return page


@never_cache
def board_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/board_list.html",
        {
            "boards": selectors.visible_boards(request.user),
            "can_create": access.can(request.user, Do.CREATE, model=Board),
            "signed_in": request.user.is_authenticated,
        },
    )


@staff_page
def board_create(request: HttpRequest) -> HttpResponse:
    services.require_board_creator(request.user)

    def save(form):
        data = dict(form.cleaned_data)
        return services.create_board(
            request.user,
            partnership=data.pop("partnership"),
            organisation=data.pop("organisation"),
            areas=data.pop("areas"),
            **data,
        )

    return governance_form(
        request,
        forms.BoardForm,
        heading="Set up a board",
        form_kwargs={"user": request.user},
        save=save,
    )


@never_cache
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_or_404(request.user, slug)
    overview = selectors.board_overview(request.user, board)
    return render(
        request,
        "governance/board_detail.html",
        {
            "board": board,
            "entitled": selectors.is_entitled(request.user, board),
            "can_change": access.can(request.user, Do.CHANGE, board),
            "members": overview.members,
            "standing_items": overview.standing_items,
            "meetings": overview.meetings,
            "recommendations": overview.recommendations,
            "actions": overview.actions,
            "areas": overview.areas,
            "today": timezone.localdate(),
        },
    )


@staff_page
def board_change(request: HttpRequest, slug: str) -> HttpResponse:
    board = managed_board(request, slug)
    initial = {
        "terms_of_reference": board.terms_of_reference,
        "chair": board.chair,
        "meeting_frequency": board.meeting_frequency,
        "quorum": board.quorum,
        "areas": list(board.areas.values_list("code", flat=True)),
        "priorities": board.priorities,
        "threat_areas": board.threat_areas,
    }

    def save(form):
        data = dict(form.cleaned_data)
        return services.update_board(request.user, board, areas=data.pop("areas"), **data)

    return governance_form(
        request,
        forms.BoardChangeForm,
        heading="Change the board",
        caption=board.name,
        form_kwargs={"initial": initial, "board": board, "user": request.user},
        save=save,
    )


member_add = board_form_page(
    forms.MemberForm, services.add_member, "Add a member", anchor="#members"
)


@staff_page
@require_POST
def member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = managed_board(request, slug)
    member = get_visible_or_404(request.user, board.members.all(), pk=pk)
    services.end_membership(request.user, member)
    messages.success(request, f"{member.person} is no longer a member of {board}")
    return redirect(board.get_absolute_url() + "#members")


standing_item_add = board_form_page(
    forms.StandingItemForm,
    services.add_standing_item,
    "Add a standing item",
    anchor="#standing-items",
    form_takes_board=False,
)


@staff_page
def standing_item_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = managed_board(request, slug)
    item = get_visible_or_404(request.user, board.standing_items.all(), pk=pk)
    fields = ("title", "description", "part", "exemption")
    return governance_form(
        request,
        forms.StandingItemForm,
        heading="Change a standing item",
        caption=board.name,
        hint="Meetings scheduled from now on take the change; agendas already made keep theirs.",
        form_kwargs={"initial": {name: getattr(item, name) for name in fields}},
        save=lambda form: services.change_standing_item(request.user, item, **form.cleaned_data),
        success_url=board.get_absolute_url() + "#standing-items",
    )
