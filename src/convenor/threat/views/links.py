"""Pages of link review and linkage runs: the queue of current links, one link with the analyst's
decision, starting a run and following its progress."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from convenor.core.form_view import form_view
from convenor.core.views import staff_page

from .. import explanations, selectors, services
from ..forms import DecisionForm, LinkageForm
from ..models import LinkageRun, MatchPair
from .datasets import PAGE_SIZE


@staff_page
def link_list(request: HttpRequest) -> HttpResponse:
    selectors.require_record_pages(request.user, MatchPair)
    show = request.GET.get("show", "undecided")
    pairs = selectors.current_pairs(request.user, undecided_only=show == "undecided")
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    flags = selectors.partner_flags(request.user)
    services.list_links(request.user, page, flags)
    return render(
        request,
        "threat/link_list.html",
        {
            "page": page,
            "show": show,
            "flags": flags,
            "runs": selectors.recent_runs(request.user),
            "linkage_form": LinkageForm(user=request.user),
        },
    )


def _pair_context(request: HttpRequest, pair: MatchPair) -> dict:
    """What the link page shows besides the form (its read audited)."""
    services.view_link(request.user, pair)
    rows = explanations.side_by_side(pair)
    return {
        "pair": pair,
        "rows": rows,
        "agreeing": [row["label"] for row in rows if row["compared"] and row["compared"].agrees],
        "decisions": selectors.decisions_on(pair),
    }


@staff_page
def link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.pair_or_404(request.user, pk)
    return form_view(
        request,
        DecisionForm,
        save=lambda form: services.decide_pair(
            request.user,
            pair.record_a,
            pair.record_b,
            form.cleaned_data["decision"],
            form.cleaned_data["reason"],
        ),
        template="threat/link_detail.html",
        context=lambda form: _pair_context(request, pair),
        success_url="threat:links",
        success_message="Decision recorded; every re-run of linking will follow it",
    )


@staff_page
@require_POST
def linkage_start(request: HttpRequest) -> HttpResponse:
    selectors.require_record_pages(request.user, LinkageRun)
    form = LinkageForm(request.POST, user=request.user)
    if not form.is_valid():
        return redirect("threat:links")
    return redirect(services.start_linkage(request.user, form.cleaned_data["partnership"]))


@staff_page
def linkage_run(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request, "threat/linkage_run.html", {"run": selectors.run_or_404(request.user, pk)}
    )


@staff_page
def linkage_progress(request: HttpRequest, pk: int) -> JsonResponse:
    run = selectors.run_or_404(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "stage": run.stage,
            "percent": run.percent,
            "finished": run.is_finished,
        }
    )
