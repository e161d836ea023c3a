"""Recommendations (of scrutiny studies, inspections, reviews) and the responses to them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from convenor.core import audit
from convenor.core.models import Organisation, User

from ..models import Board, Recommendation, Response
from ._rules import require_change, require_respond, save


@transaction.atomic
def record_recommendation(
    actor: User,
    board: Board,
    *,
    source_kind: str,
    source_title: str,
    number: int,
    text: str,
    addressee: Organisation,
    ps: list[str],
    made_on: datetime.date,
) -> Recommendation:
    require_change(actor, board)
    if board.recommendations.filter(source_title=source_title, number=number).exists():
        raise ValidationError({"number": f"{source_title} already has a recommendation {number}"})
    recommendation = save(
        Recommendation(
            board=board,
            source_kind=source_kind,
            source_title=source_title,
            number=number,
            text=text,
            addressee=addressee,
            ps=list(ps),
            made_on=made_on,
        )
    )
    audit.record(
        "recommendation_recorded",
        actor=actor,
        obj=recommendation,
        detail={"board": board.slug, "source": source_title, "number": number},
    )
    return recommendation


@transaction.atomic
def record_response(
    actor: User,
    recommendation: Recommendation,
    *,
    responder: str,
    outcome: str,
    reasons: str = "",
    decision_minute: str = "",
    responded_on: datetime.date,
) -> Response:
    """An addressee's or decision-maker's response: accepted, partly accepted (with reasons),
    rejected (with reasons) or noted for review; with the decision-maker's minute. Recorded by
    the board's managers or by a partnership administrator of the organisation addressed."""
    require_respond(actor, recommendation)
    if responded_on < recommendation.made_on:
        raise ValidationError(
            {"responded_on": "A response cannot come before the recommendation was made"}
        )
    response = save(
        Response(
            recommendation=recommendation,
            responder=responder,
            outcome=outcome,
            reasons=reasons,
            decision_minute=decision_minute,
            responded_on=responded_on,
        )
    )
    audit.record(
        "recommendation_response_recorded",
        actor=actor,
        obj=recommendation,
        detail={"outcome": outcome, "responder": responder},
    )
    return response
