"""GET /api/v1/search/?q=...: the page's search (``services.run_search``, audited) as JSON."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import selectors, services
from .forms import SearchForm
from .sources import KINDS


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))
    id = serializers.IntegerField(source="obj.pk")
    label = serializers.CharField()
    url = serializers.CharField()
    detail = serializers.CharField()
    match = serializers.CharField(source="match.words")


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField(source="query.text")
    total = serializers.IntegerField()
    results = serializers.SerializerMethodField()

    def get_results(self, results) -> dict[str, list[dict]]:
        return {kind: HitSerializer(hits, many=True).data for kind, hits in results.by_kind.items()}


class SearchViewSet(viewsets.GenericViewSet):
    """Search people, businesses, vehicles, addresses, groups, members and intelligence subjects
    the user may see, tolerant of typing slips and nicknames. Every search is audited."""

    serializer_class = SearchResultsSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description="What to look for (1-200 characters)",
            ),
            OpenApiParameter(
                "kinds",
                OpenApiTypes.STR,
                many=True,
                enum=list(KINDS),
                description="Only these kinds of result (repeat the parameter)",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"At most this many of each kind (1-{selectors.MAX_LIMIT})",
            ),
        ],
        responses=SearchResultsSerializer,
    )
    def list(self, request, *args, **kwargs):
        form = SearchForm(request.query_params)
        limit = request.query_params.get("limit", str(selectors.DEFAULT_LIMIT))
        if not form.is_valid():
            raise ValidationError(form.errors)
        if not (limit.isdecimal() and len(limit) <= 3 and 1 <= int(limit) <= selectors.MAX_LIMIT):
            raise ValidationError({"limit": [f"Give a number from 1 to {selectors.MAX_LIMIT}"]})
        results = services.run_search(
            request.user, form.cleaned_data["q"], form.cleaned_data["kinds"] or None, int(limit)
        )
        return Response(SearchResultsSerializer(results).data)
