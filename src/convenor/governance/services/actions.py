"""Actions on a board's plan: created (from a recommendation, a decision or another app's
record), re-planned, and progress recorded until completed with evidence."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action as Do
from convenor.core.models import Area, Organisation, User

from ..models import Action, ActionUpdate, Board, Decision, Paper, Recommendation, Response
from ._rules import require_change, require_role_holder, require_update, save


@transaction.atomic
def create_action(
    actor: User,
    board: Board,
    *,
    title: str,
    owner: User,
    owner_organisation: Organisation,
    due_on: datetime.date,
    ps: list[str],
    description: str = "",
    threat_areas: list[str] | None = None,
    areas: Iterable[Area] = (),
    recommendation: Recommendation | None = None,
    decision: Decision | None = None,
    source: str = "",
) -> Action:
    """An action on a board's plan, owned by a person in an organisation of its partnership."""
    require_change(actor, board)
    require_role_holder(
        board.partnership,
        owner,
        owner_organisation,
        person_field="owner",
        organisation_field="owner_organisation",
    )
    if recommendation is not None:
        if recommendation.board_id != board.pk:
            raise ValidationError({"recommendation": "The recommendation is another board's"})
        latest = recommendation.latest_response()
        if latest is None or latest.outcome not in (
            Response.Outcome.ACCEPTED,
            Response.Outcome.PARTLY_ACCEPTED,
        ):
            raise ValidationError(
                {
                    "recommendation": "Only an accepted or partly accepted recommendation becomes "
                    "an action"
                }
            )
    if decision is not None and decision.agenda_item.meeting.board_id != board.pk:
        raise ValidationError({"decision": "The decision is another board's"})
    action = save(
        Action(
            board=board,
            title=title,
            description=description,
            owner=owner,
            owner_organisation=owner_organisation,
            due_on=due_on,
            ps=list(ps),
            threat_areas=list(threat_areas or []),
            recommendation=recommendation,
            decision=decision,
            source=source[:200],
        )
    )
    action.areas.set(list(areas))
    audit.record(
        "action_created",
        actor=actor,
        obj=action,
        detail={"board": board.slug, "owner": owner.username, "due_on": due_on},
    )
    return action


@transaction.atomic
def change_action(
    actor: User,
    action: Action,
    *,
    areas: Iterable[Area] | None = None,
    **fields: Any,
) -> Action:
    """Reassign or re-plan an action (title, description, owner, owner_organisation, due_on,
    ps, threat_areas, areas): the board's managers only; the change is audited with the old and
    new owner and due date, so a moved deadline is never silent."""
    require_change(actor, action.board)
    unknown = sorted(set(fields) - set(Action.PLAN_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "This cannot be changed here"})
    before = {"owner": action.owner.username, "due_on": action.due_on}
    owner = fields.get("owner", action.owner)
    organisation = fields.get("owner_organisation", action.owner_organisation)
    require_role_holder(
        action.board.partnership,
        owner,
        organisation,
        person_field="owner",
        organisation_field="owner_organisation",
    )
    for name, value in fields.items():
        setattr(action, name, list(value) if name in ("ps", "threat_areas") else value)
    save(action)
    if areas is not None:
        action.areas.set(list(areas))
    audit.record(
        "action_changed",
        actor=actor,
        obj=action,
        detail={
            "fields": sorted([*fields, *(["areas"] if areas is not None else [])]),
            "before": before,
            "after": {"owner": action.owner.username, "due_on": action.due_on},
        },
    )
    return action


def create_action_from(
    actor: User,
    source: Model | str,
    *,
    board: Board,
    owner: User,
    owner_organisation: Organisation,
    due_on: datetime.date,
    title: str | None = None,
    description: str | None = None,
    ps: list[str] | None = None,
    threat_areas: list[str] | None = None,
    areas: Iterable[Area] | None = None,
) -> Action:
    """Turn something into a board action in one step: a recommendation (must be accepted or
    partly accepted), a decision, or any other app's record (e.g. a profile opportunity).

    Defaults come from the source: its ``str()`` for the title, and its ``ps``,
    ``threat_areas`` and ``areas`` attributes when it has them. Any other record is named in
    the action's ``source`` as ``app_label.model:pk``. The actor must manage the board; the same
    checks as :func:`create_action` apply."""
    recommendation = source if isinstance(source, Recommendation) else None
    decision = source if isinstance(source, Decision) else None
    if isinstance(source, str):
        label = source
    elif recommendation is not None or decision is not None:
        label = ""
    else:
        label = f"{source._meta.label_lower}:{source.pk}"

    def default(name: str, fallback):
        value = getattr(source, name, None) if not isinstance(source, str) else None
        if hasattr(value, "all"):
            value = list(value.all())
        return fallback if value is None else value

    if ps is None:
        ps = [p for p in default("ps", []) if isinstance(p, str)]
    if threat_areas is None:
        threat_areas = [t for t in default("threat_areas", []) if isinstance(t, str)]
    if areas is None:
        areas = [a for a in default("areas", []) if isinstance(a, Area)]
    if title is None:
        title = str(source)[:200] if not isinstance(source, Decision) else source.text[:200]
    if description is None:
        description = source.text if isinstance(source, Recommendation | Decision) else ""
    return create_action(
        actor,
        board,
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        ps=list(ps),
        threat_areas=list(threat_areas),
        areas=areas,
        recommendation=recommendation,
        decision=decision,
        source=label,
    )


@transaction.atomic
def update_action(
    actor: User,
    action: Action,
    *,
    status: str,
    note: str,
    evidence_paper: Paper | None = None,
    evidence_link: str = "",
    on: datetime.date | None = None,
) -> ActionUpdate:
    """Record progress: a note and the status the action moves to. Completing it records the
    date, and may link the evidence that closed it (a paper the actor may see, or a URL)."""
    require_update(actor, action)
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose a status"})
    if not note.strip():
        raise ValidationError({"note": "Say what has happened"})
    if not action.is_open and status in Action.OPEN:
        raise ValidationError({"status": "A closed action cannot be reopened; create a new one"})
    if evidence_paper is not None:
        if not access.can(actor, Do.VIEW, evidence_paper):
            raise ValidationError({"evidence_paper": "Choose a paper you can see"})
        if evidence_paper.agenda_item.meeting.board_id != action.board_id:
            raise ValidationError({"evidence_paper": "Choose one of this board's papers"})
    if (evidence_paper is not None or evidence_link) and status != Action.Status.COMPLETE:
        raise ValidationError({"status": "Evidence closes an action: mark it complete"})
    action.status = status
    if status == Action.Status.COMPLETE:
        action.completed_on = on or timezone.localdate()
        action.evidence_paper = evidence_paper
        action.evidence_link = evidence_link
    save(action)
    update = save(ActionUpdate(action=action, author=actor, status=status, note=note))
    audit.record(
        "action_updated",
        actor=actor,
        obj=action,
        detail={"status": status, "evidence": bool(evidence_paper or evidence_link)},
    )
    return update
