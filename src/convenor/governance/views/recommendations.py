"""Recommendation pages: recording one, reading it with its responses and actions, responding."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from convenor.core import access
from convenor.core.access import Action as Do
from convenor.core.access import get_visible_or_404, visible

from .. import forms, selectors, services
from ..models import Recommendation
from ._pages import governance_form, staff_page
from .boards import board_form_page

recommendation_create = board_form_page(
    forms.RecommendationForm, services.record_recommendation, "Record a recommendation"
)


@staff_page
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.recommendation_or_404(request.user, pk)
    return render(
        request,
        "governance/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "board": recommendation.board,
            "responses": visible(request.user, recommendation.responses.all()),
            "actions": selectors.actions_from(request.user, recommendation),
            "can_change": access.can(request.user, Do.CHANGE, recommendation),
            "can_respond": services.can_respond(request.user, recommendation),
        },
    )


@staff_page
def response_create(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_visible_or_404(request.user, Recommendation.objects.all(), pk=pk)
    services.require_respond(request.user, recommendation)
    return governance_form(
        request,
        forms.ResponseForm,
        heading="Record a response",
        caption=str(recommendation),
        save=lambda form: services.record_response(
            request.user, recommendation, **form.cleaned_data
        ),
        success_url=recommendation.get_absolute_url(),
    )
