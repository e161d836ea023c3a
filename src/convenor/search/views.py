"""The search page: the header's box leads here (GET, so a search can be bookmarked only by
its own user: results depend on who asks)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from convenor.core.views import staff_page

from . import services
from .forms import SearchForm


@staff_page
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    if "q" not in request.GET:
        return render(request, "search/search.html", {"form": SearchForm()})
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "search/search.html", {"form": form}, status=400)
    results = services.run_search(
        request.user, form.cleaned_data["q"], form.cleaned_data["kinds"] or None
    )
    return render(request, "search/search.html", {"form": form, "results": results})
