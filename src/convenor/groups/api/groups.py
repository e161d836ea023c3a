"""The REST API of organised crime groups (/api/v1/groups/, group-members/, group-assessments/,
group-rankings/, threat-areas/, harm-characteristics/). Querysets come from ``access.visible``,
object permissions from ``access.can``, changes from :mod:`convenor.groups.services`."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from convenor.core import audit
from convenor.core.api import PolicyViewSetMixin, VisibleChoicesMixin
from convenor.core.api_policy import SlugRelatedField
from convenor.core.models import Area, Organisation, Partnership, User
from convenor.threat.models import Entity

from .. import selectors, services
from ..models import Assessment, GroupMember, HarmCharacteristic, OrganisedCrimeGroup, ThreatArea

MAX_ID = 2**63 - 1


class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id that refuses numbers no database id can hold, before any lookup."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= number <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(number)


def _query_id(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise ValidationError({name: f"{name} must be a group id (a whole number)"})
    return int(raw)


# --- Serializers -----------------------------------------------------------------------------


class ThreatAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThreatArea
        fields = ["code", "name"]


class HarmCharacteristicSerializer(serializers.ModelSerializer):
    class Meta:
        model = HarmCharacteristic
        fields = ["code", "name"]


class CurrentAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=4, decimal_places=1)
    band = serializers.CharField()
    band_label = serializers.CharField()
    assessed_on = serializers.DateField()


class GroupSerializer(VisibleChoicesMixin, serializers.ModelSerializer):
    owning_organisation = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.none())
    partnership = SlugRelatedField(
        slug_field="slug", queryset=Partnership.objects.none(), allow_null=True, required=False
    )
    lead_responsible_officer = SlugRelatedField(slug_field="username", queryset=User.objects.none())
    threat_areas = SlugRelatedField(slug_field="code", many=True, queryset=ThreatArea.objects.all())
    harm_characteristics = SlugRelatedField(
        slug_field="code", many=True, queryset=HarmCharacteristic.objects.all()
    )
    areas = SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Area.objects.filter(kind=Area.Kind.LOWER_TIER),
        help_text="ONS codes of the local authorities the group operates in",
    )
    current_assessment = serializers.SerializerMethodField()
    summary = serializers.CharField(
        allow_blank=True, required=False, max_length=services.RATIONALE_MAX
    )

    class Meta:
        model = OrganisedCrimeGroup
        fields = [
            "id",
            "name",
            "summary",
            "status",
            "owning_organisation",
            "partnership",
            "lead_responsible_officer",
            "threat_areas",
            "harm_characteristics",
            "areas",
            "current_assessment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "current_assessment", "created_at", "updated_at"]
        validators = []  # the service checks names (case-insensitively) with a clear message

    visible_choices = {
        "owning_organisation": Organisation,
        "partnership": Partnership,
        "lead_responsible_officer": User.objects.filter(is_active=True),
    }

    @extend_schema_field(CurrentAssessmentSerializer(allow_null=True))
    def get_current_assessment(self, group: OrganisedCrimeGroup) -> dict | None:
        latest_first = getattr(group, "assessments_latest_first", None)  # prefetched for lists
        if latest_first is None:
            current = group.current_assessment()
        else:
            current = latest_first[0] if latest_first else None
        if current is None:
            return None
        return CurrentAssessmentSerializer(current).data


class GroupMemberListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        members = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        # Which linked entities the reader may see: one query for the whole page.
        self.child.seen_entities = (
            selectors.visible_entity_ids(request.user, (m.entity_id for m in members))
            if request is not None
            else set()
        )
        return super().to_representation(members)


class GroupMemberSerializer(VisibleChoicesMixin, serializers.ModelSerializer):
    group = BoundedPrimaryKeyRelatedField(queryset=OrganisedCrimeGroup.objects.none())
    entity = BoundedPrimaryKeyRelatedField(
        queryset=Entity.objects.none(),
        allow_null=True,
        required=False,
        help_text="The threat.Entity (person or business) this member is, if known; shown only "
        "to those who may see that entity",
    )
    notes = serializers.CharField(
        allow_blank=True, required=False, max_length=services.RATIONALE_MAX
    )

    class Meta:
        model = GroupMember
        fields = ["id", "group", "name", "role", "entity", "notes", "added_at"]
        read_only_fields = ["id", "added_at"]
        validators = []  # the service refuses an entity already in the group, naming it
        list_serializer_class = GroupMemberListSerializer

    visible_choices = {"group": OrganisedCrimeGroup, "entity": Entity}

    def to_representation(self, member):
        data = super().to_representation(member)
        seen = getattr(self, "seen_entities", None)
        if seen is None:
            request = self.context.get("request")
            seen = (
                selectors.visible_entity_ids(request.user, [member.entity_id])
                if request is not None
                else set()
            )
        if member.entity_id not in seen:
            data["entity"] = None  # never reveal an entity the reader may not see
        return data


class AssessmentSerializer(VisibleChoicesMixin, serializers.ModelSerializer):
    group = BoundedPrimaryKeyRelatedField(queryset=OrganisedCrimeGroup.objects.none())
    assessed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assessor_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    inputs = serializers.DictField(
        child=serializers.IntegerField(min_value=-1000, max_value=1000),
        help_text="A score for every input of the scoring model: impact_<factor>, likelihood, "
        "capability, intent (see /groups/scoring-model/)",
    )
    rationale = serializers.CharField(max_length=services.RATIONALE_MAX)
    assessed_on = serializers.DateField(required=False)
    breakdown = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "group",
            "assessed_on",
            "assessed_by",
            "assessor_organisation",
            "rationale",
            "inputs",
            "score",
            "band",
            "band_label",
            "breakdown",
            "model_version",
            "recorded_at",
        ]
        read_only_fields = [
            "id",
            "score",
            "band",
            "band_label",
            "model_version",
            "recorded_at",
        ]

    visible_choices = {"group": OrganisedCrimeGroup}


class RankedGroupSerializer(serializers.ModelSerializer):
    rank = serializers.SerializerMethodField()
    owning_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    threat_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    score = serializers.DecimalField(
        source="current_score", max_digits=4, decimal_places=1, read_only=True, allow_null=True
    )
    band = serializers.CharField(source="current_band", read_only=True, allow_null=True)
    band_label = serializers.CharField(source="current_band_label", read_only=True, allow_null=True)
    assessed_on = serializers.DateField(
        source="current_assessed_on", read_only=True, allow_null=True
    )
    disruptions_12m = serializers.IntegerField(read_only=True)
    last_disrupted_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = OrganisedCrimeGroup
        fields = [
            "rank",
            "id",
            "name",
            "status",
            "owning_organisation",
            "score",
            "band",
            "band_label",
            "assessed_on",
            "disruptions_12m",
            "last_disrupted_on",
            "threat_areas",
            "areas",
        ]

    def get_rank(self, group) -> int | None:
        return getattr(group, "rank", None)


# --- Viewsets --------------------------------------------------------------------------------


def _audit_read(request, action: str, response) -> None:
    """Record which groups' members or assessments a reader received through the API."""
    data = response.data
    rows = data.get("results", []) if isinstance(data, dict) and "results" in data else [data]
    ids = {row["group"] for row in rows if isinstance(row, dict) and "group" in row}
    # One entry per group, so each owning organisation's auditor sees who read its groups.
    for group in OrganisedCrimeGroup.objects.filter(pk__in=ids).order_by("pk"):
        audit.record(action, actor=request.user, obj=group, detail={"via": "api"})


class GroupRecordViewSet(
    PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Records that belong to a group, or to a record of one (``parent``, "group" unless set).

    ``?<parent>=ID`` narrows the list to one parent and the rows come in ``ordering``; every
    list or record read is audited as ``read_action`` (one entry per group, :func:`_audit_read`);
    a new record is made by ``record(parent, fields)`` once the user may change its group.
    """

    parent = "group"
    read_action = ""
    ordering: tuple[str, ...] = ("pk",)

    def get_queryset(self):
        rows = super().get_queryset()
        parent = _query_id(self.request, self.parent)
        if parent is not None:
            rows = rows.filter(**{f"{self.parent}_id": parent})
        return rows.order_by(*self.ordering)

    def _audited(self, response):
        _audit_read(self.request, self.read_action, response)
        return response

    def list(self, request, *args, **kwargs):
        return self._audited(super().list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self._audited(super().retrieve(request, *args, **kwargs))

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        parent = fields.pop(self.parent)
        group = parent if isinstance(parent, OrganisedCrimeGroup) else parent.group
        services.require_change(self.request.user, group)
        serializer.instance = self.record(parent, fields)

    def record(self, parent, fields: dict):
        raise NotImplementedError


def by_parent(name: str, *more: OpenApiParameter, **options):
    """The list's schema: the ``?<name>=ID`` filter of a :class:`GroupRecordViewSet`, and more."""
    return extend_schema_view(
        list=extend_schema(parameters=[OpenApiParameter(name, OpenApiTypes.INT, **options), *more])
    )


GROUP_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=OrganisedCrimeGroup.Status.values),
    OpenApiParameter("threat_area", OpenApiTypes.STR, description="Threat area code"),
    OpenApiParameter("area", OpenApiTypes.STR, description="ONS code of a local authority"),
]


class GroupViewSet(
    PolicyViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Organised crime groups the user may see. Reading one is recorded in the audit record."""

    base_queryset = OrganisedCrimeGroup.objects.select_related(
        "owning_organisation", "partnership", "lead_responsible_officer"
    ).prefetch_related(
        "threat_areas",
        "harm_characteristics",
        "areas",
        Prefetch(
            "assessments",
            queryset=Assessment.objects.order_by("-assessed_on", "-recorded_at", "-pk"),
            to_attr="assessments_latest_first",
        ),
    )
    serializer_class = GroupSerializer

    def get_queryset(self):
        groups = super().get_queryset()
        params = self.request.query_params
        status = params.get("status", "")
        if status:
            if status not in OrganisedCrimeGroup.Status.values:
                raise ValidationError({"status": "Unknown status"})
            groups = groups.filter(status=status)
        if params.get("threat_area"):
            groups = groups.filter(threat_areas__code=params["threat_area"][:60])
        if params.get("area"):
            groups = groups.filter(areas__code=params["area"][:16])
        return groups.distinct().order_by("name", "pk")

    @extend_schema(parameters=GROUP_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        group = self.get_object()
        services.view_group(request.user, group, via="api")
        return super().retrieve(request, *args, **kwargs)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        owner = fields.pop("owning_organisation")
        fields.setdefault("partnership", None)
        fields.setdefault("summary", "")
        fields.setdefault("status", OrganisedCrimeGroup.Status.ACTIVE)
        serializer.instance = services.record_group(self.request.user, owner, fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        owner = fields.pop("owning_organisation", None)
        if owner is not None and owner.pk != serializer.instance.owning_organisation_id:
            raise ValidationError(
                {"owning_organisation": "A group's owning organisation cannot be changed"}
            )
        serializer.instance = services.change_group(self.request.user, serializer.instance, fields)


@by_parent("group")
class GroupMemberViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, GroupRecordViewSet):
    """Members of the groups the user may see (filter with ?group=ID)."""

    base_queryset = GroupMember.objects.select_related("group")
    serializer_class = GroupMemberSerializer
    read_action = "group_members_read"
    ordering = ("group_id", "name", "pk")

    def record(self, group, fields):
        return services.add_member(self.request.user, group, fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        group = fields.pop("group", None)
        if group is not None and group.pk != serializer.instance.group_id:
            raise ValidationError({"group": "A member cannot be moved to another group"})
        serializer.instance = services.change_member(self.request.user, serializer.instance, fields)

    def perform_destroy(self, instance):
        services.remove_member(self.request.user, instance)


@by_parent("group")
class AssessmentViewSet(GroupRecordViewSet):
    """Assessment history of the groups the user may see, latest first (filter with ?group=ID).
    Assessments are added, never changed."""

    base_queryset = Assessment.objects.select_related(
        "group", "assessed_by", "assessor_organisation"
    )
    serializer_class = AssessmentSerializer
    read_action = "group_assessments_read"
    ordering = ("-assessed_on", "-recorded_at", "-pk")

    def record(self, group, fields):
        return services.record_assessment(
            self.request.user,
            group,
            inputs=dict(fields["inputs"]),
            rationale=fields["rationale"],
            assessed_on=fields.get("assessed_on"),
        )


def params_sort(request) -> str:
    return request.query_params.get("sort", "")


class GroupRankingViewSet(PolicyViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Groups ranked by their current score, highest first, per area and threat area."""

    serializer_class = RankedGroupSerializer
    base_queryset = OrganisedCrimeGroup.objects.all()

    def get_queryset(self):
        params = self.request.query_params
        ranking = selectors.ranking(
            self.request.user,
            area_code=params.get("area", ""),
            threat_area_code=params.get("threat_area", ""),
            include_archived=params.get("archived") in ("1", "true"),
            disrupted=params.get("disrupted", "")[:8],
            sort=params.get("sort", "")[:16],
        )
        if ranking.problems:
            raise ValidationError(ranking.problems)
        return ranking.with_places()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "area",
                OpenApiTypes.STR,
                description="ONS code of an area of your partnerships (any level)",
            ),
            OpenApiParameter("threat_area", OpenApiTypes.STR, description="Threat area code"),
            OpenApiParameter("archived", OpenApiTypes.BOOL, description="Include archived"),
            OpenApiParameter(
                "disrupted",
                OpenApiTypes.STR,
                enum=["12m"],
                description="Only groups with a verified disruption in the last 12 months",
            ),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=list(selectors.RANKING_SORTS),
                description="score (default) or disrupted (most recently disrupted first)",
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        offset = self.paginator.offset if page is not None else 0
        items = page if page is not None else list(queryset)
        for position, group in enumerate(items, start=offset + 1):
            ranked = group.current_score is not None or params_sort(request) == "disrupted"
            group.rank = position if ranked else None
        serializer = self.get_serializer(items, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)


class ThreatAreaViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The threat-area taxonomy."""

    base_queryset = ThreatArea.objects.all()
    serializer_class = ThreatAreaSerializer
    lookup_field = "code"


class HarmCharacteristicViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Seed 002's characteristics of significant harm."""

    base_queryset = HarmCharacteristic.objects.all()
    serializer_class = HarmCharacteristicSerializer
    lookup_field = "code"
