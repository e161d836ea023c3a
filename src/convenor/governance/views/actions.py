"""Action pages: adding one (from a recommendation or decision too), changing it, reading it,
recording progress, and the user's own actions across boards."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from convenor.core import access
from convenor.core.access import Action as Do

from .. import forms, selectors, services
from ..models import Recommendation
from ._pages import governance_form, staff_page
from .boards import managed_board


def _initial_from(source) -> dict:
    if source is None:
        return {}
    if isinstance(source, Recommendation):
        return {"title": f"{source}", "description": source.text, "ps": source.ps}
    return {"title": source.text[:200], "description": source.text}


@staff_page
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A new action on the board's plan, optionally from an accepted recommendation
    (``?recommendation=<id>``) or a decision (``?decision=<id>``)."""
    board = managed_board(request, slug)
    source = selectors.action_source(
        request.user,
        board,
        recommendation_id=request.GET.get("recommendation", ""),
        decision_id=request.GET.get("decision", ""),
    )

    def save(form):
        if source is not None:
            return services.create_action_from(
                request.user, source, board=board, **form.cleaned_data
            )
        return services.create_action(request.user, board, **form.cleaned_data)

    return governance_form(
        request,
        forms.ActionForm,
        heading="Add an action",
        caption=f"{board.name}" + (f": from {source}" if source else ""),
        form_kwargs={"initial": _initial_from(source), "board": board},
        save=save,
    )


@staff_page
def action_change(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_or_404(request.user, pk)
    services.require_change(request.user, action.board)
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

    def save(form):
        data = dict(form.cleaned_data)
        return services.change_action(request.user, action, areas=data.pop("areas"), **data)

    return governance_form(
        request,
        forms.ActionForm,
        heading="Change the action",
        caption=action.title,
        form_kwargs={"initial": initial, "board": action.board},
        save=save,
    )


@staff_page
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_or_404(request.user, pk)
    return render(
        request,
        "governance/action_detail.html",
        {
            "action": action,
            "updates": access.visible(request.user, action.updates.select_related("author")),
            "areas": action.areas.all(),
            "can_update": access.can(request.user, Do.CHANGE, action) and action.is_open,
            "can_change": access.can(request.user, Do.CHANGE, action.board) and action.is_open,
            "overdue": action.is_overdue(),
        },
    )


@staff_page
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_or_404(request.user, pk)
    services.require_update(request.user, action)
    return governance_form(
        request,
        forms.ActionUpdateForm,
        heading="Update the action",
        caption=action.title,
        form_kwargs={
            "initial": {"status": action.status},
            "papers": selectors.board_papers(request.user, action.board),
        },
        save=lambda form: services.update_action(request.user, action, **form.cleaned_data),
        success_url=action.get_absolute_url(),
    )


@staff_page
def my_actions(request: HttpRequest) -> HttpResponse:
    actions = list(selectors.my_actions(request.user))
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
