"""The governance API (/api/v1/): boards, meetings with the agenda parts the caller may see,
recommendations with responses, and actions (list, create, record progress). Querysets come from
the access policy; changes go through the services."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.response import Response as ApiResponse

from convenor.core import access, audit
from convenor.core.api import PolicyViewSetMixin
from convenor.core.api_policy import SlugRelatedField
from convenor.core.models import Area, Organisation, User

from . import reference, selectors, services
from .models import Action, ActionUpdate, AgendaItem, Board, Meeting, Recommendation, Response


class BoardSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Board
        fields = [
            "slug",
            "name",
            "kind",
            "partnership",
            "organisation",
            "terms_of_reference",
            "chair",
            "meeting_frequency",
            "quorum",
            "areas",
            "priorities",
            "threat_areas",
        ]


class AgendaItemSerializer(serializers.ModelSerializer):
    papers = serializers.SerializerMethodField()
    exemption_text = serializers.CharField(read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "number",
            "title",
            "description",
            "part",
            "exemption",
            "exemption_text",
            "minutes",
            "papers",
        ]

    def get_papers(self, item: AgendaItem) -> list[dict]:
        request = self.context["request"]
        return [
            {"title": p.title, "url": request.build_absolute_uri(p.get_absolute_url())}
            for p in item.visible_papers
        ]


class MeetingSerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agenda = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "board",
            "title",
            "starts_at",
            "location",
            "cancelled",
            "published_at",
            "agenda",
        ]

    def get_agenda(self, meeting: Meeting) -> list[dict]:
        request = self.context["request"]
        items = meeting.visible_agenda
        confidential = [i.number for i in items if i.is_confidential]
        if confidential:  # Part B is sensitive: who read it is recorded
            audit.record(
                "meeting_part_b_viewed",
                actor=request.user,
                obj=meeting,
                detail={"items": confidential, "via": "api"},
            )
        return AgendaItemSerializer(items, many=True, context=self.context).data


class ResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["responder", "outcome", "reasons", "decision_minute", "responded_on"]


class RecommendationSerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    addressee = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    responses = ResponseSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "board",
            "source_kind",
            "source_title",
            "number",
            "text",
            "addressee",
            "ps",
            "made_on",
            "responses",
        ]


class ActionSerializer(serializers.ModelSerializer):
    board = SlugRelatedField(slug_field="slug", queryset=Board.objects.none())
    owner = SlugRelatedField(slug_field="username", queryset=User.objects.none())
    owner_organisation = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.none())
    areas = SlugRelatedField(
        slug_field="code", many=True, queryset=Area.objects.all(), required=False
    )
    ps = serializers.ListField(
        child=serializers.ChoiceField(choices=reference.choices(reference.ps())),
        allow_empty=False,
        max_length=4,
    )
    threat_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=reference.choices(reference.threat_areas())),
        required=False,
        max_length=20,
    )
    due_on = serializers.DateField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "board",
            *Action.PLAN_FIELDS,
            "areas",
            "status",
            "completed_on",
            "evidence_link",
            "overdue",
        ]
        read_only_fields = ["id", "status", "completed_on", "evidence_link", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["board"].queryset = access.visible(request.user, Board.objects.all())
            self.fields["owner"].queryset = access.visible(request.user, User.objects.all())
            self.fields["owner_organisation"].queryset = access.visible(
                request.user, Organisation.objects.all()
            )

    def validate_due_on(self, value):
        if not (1900 <= value.year <= 2200):
            raise serializers.ValidationError("Enter a due date between 1900 and 2200")
        return value

    def get_overdue(self, action: Action) -> bool:
        return action.is_overdue(timezone.localdate())


class ActionUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    evidence_link = serializers.URLField(
        required=False, allow_blank=True, max_length=500, write_only=True
    )

    class Meta:
        model = ActionUpdate
        fields = ["at", "author", "status", "note", "evidence_link"]
        read_only_fields = ["at", "author"]
        extra_kwargs = {"note": {"max_length": 10000}}


class BoardViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Boards the caller knows: those of their partnerships and those they sit on."""

    base_queryset = Board.objects.select_related(
        "partnership", "organisation", "chair"
    ).prefetch_related("areas")
    serializer_class = BoardSerializer
    lookup_field = "slug"


class MeetingViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings with the agenda items the caller may see (Part B only for those entitled)."""

    base_queryset = Meeting.objects.select_related("board")
    serializer_class = MeetingSerializer

    def get_queryset(self):
        return selectors.with_visible_agenda(self.request.user, super().get_queryset())


class RecommendationViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = Recommendation.objects.select_related("board", "addressee").prefetch_related(
        "responses"
    )
    serializer_class = RecommendationSerializer


class ActionViewSet(PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Board actions the caller may see. ``?mine=true`` for the caller's own actions,
    ``?overdue=true`` for the open ones past their due date."""

    base_queryset = Action.objects.select_related("board", "owner", "owner_organisation")
    serializer_class = ActionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", OpenApiTypes.BOOL),
            OpenApiParameter("overdue", OpenApiTypes.BOOL),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related("areas")
        params = self.request.query_params
        if params.get("mine") == "true":
            queryset = queryset.filter(owner=self.request.user)
        if params.get("overdue") == "true":
            queryset = queryset.filter(status__in=Action.OPEN, due_on__lt=timezone.localdate())
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        board = data.pop("board")
        services.require_change(self.request.user, board)
        serializer.instance = services.create_action(
            self.request.user, board, areas=data.pop("areas", []), **data
        )

    @extend_schema(request=ActionUpdateSerializer, responses={201: ActionUpdateSerializer})
    @api_action(detail=True, methods=["post"], url_path="updates")
    def record_update(self, request, pk=None):
        """Record progress on an action (its owner or the board's managers)."""
        target = self.get_object()
        services.require_update(request.user, target)
        serializer = ActionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.update_action(
            request.user,
            target,
            status=serializer.validated_data["status"],
            note=serializer.validated_data["note"],
            evidence_link=serializer.validated_data.get("evidence_link", ""),
        )
        return ApiResponse(ActionUpdateSerializer(update).data, status=201)
