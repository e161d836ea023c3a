"""The threat picture's REST API (/api/v1/threat/...): datasets, imports and their progress,
records, entities (with flag-and-contact), links, decisions and the network. The same policy
as the pages; reads of records and the network are audited."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from convenor.core import access, audit
from convenor.core.api import PolicyViewSetMixin
from convenor.core.models import Partnership

from . import explanations, graph, selectors, services
from .forms import NetworkForm
from .models import Dataset, DatasetImport, Entity, LinkDecision, MatchPair, Record

ID_PATTERN = r"[0-9]{1,18}"


class DatasetSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contact = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Dataset
        fields = [
            "id",
            "title",
            "kind",
            "organisation",
            "partnership",
            "agreement",
            "legal_basis",
            "description",
            "contact",
            "extracted_on",
            "created_at",
        ]


class DatasetImportSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = DatasetImport
        fields = [
            "id",
            "dataset",
            "file_name",
            "content_sha256",
            "status",
            "percent",
            "total_rows",
            "processed_rows",
            "imported_rows",
            "rejected_rows",
            "message",
            "column_mapping",
            "created_at",
            "started_at",
            "finished_at",
        ]


class RecordSerializer(serializers.ModelSerializer):
    local_authority = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "dataset",
            "row_number",
            "kind",
            "reference",
            "first_name",
            "surname",
            "date_of_birth",
            "address",
            "postcode",
            "local_authority",
            "easting",
            "northing",
            "phone",
            "email",
            "vehicle_registration",
            "company_name",
            "company_number",
            "licence_number",
            "role",
            "entity",
        ]


class FlagSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.slug")
    organisation_name = serializers.CharField(source="organisation.name")
    contact = serializers.CharField(source="contact_name")
    contact_email = serializers.CharField(source="contact.email")
    dataset_kind = serializers.CharField()
    matches = serializers.IntegerField()


class EntitySerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    records = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = ["id", "kind", "partnership", "records", "updated_at"]

    def get_records(self, entity: Entity) -> list[int]:
        return [record.pk for record in entity.visible_records]


class EntityDetailSerializer(EntitySerializer):
    flags = serializers.SerializerMethodField()

    class Meta(EntitySerializer.Meta):
        fields = [*EntitySerializer.Meta.fields, "flags"]

    def get_flags(self, entity: Entity) -> list[dict]:
        user = self.context["request"].user
        return FlagSerializer(selectors.flags_for(user, entity), many=True).data


class MatchPairSerializer(serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField(
        help_text="Per comparison the level the model scored, in words, with its match weight "
        "and evidence, and how each column it read stood; null in a list for a link stored "
        "without its comparison vector (ask for the link itself)"
    )

    class Meta:
        model = MatchPair
        fields = [
            "id",
            "run",
            "record_a",
            "record_b",
            "match_probability",
            "match_weight",
            "agreeing",
            "comparison_vector",
            "explanation",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField(), allow_null=True))
    def get_explanation(self, pair: MatchPair) -> list[dict] | None:
        view = self.context.get("view")
        explained = explanations.explanation(
            pair, compute=getattr(view, "action", None) == "retrieve"
        )
        return None if explained is None else [field.as_dict() for field in explained]


class LinkDecisionSerializer(serializers.ModelSerializer):
    record_a = serializers.IntegerField(min_value=1, max_value=2**63 - 1, source="record_a_id")
    record_b = serializers.IntegerField(min_value=1, max_value=2**63 - 1, source="record_b_id")
    reason = serializers.CharField(max_length=2000)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = LinkDecision
        fields = [
            "id",
            "record_a",
            "record_b",
            "decision",
            "via",
            "reason",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["id", "via", "decided_by", "decided_at"]


class _ReadOnly(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN


class DatasetViewSet(_ReadOnly):
    """Partner datasets you know of (holder, agreement, legal basis, contact)."""

    base_queryset = Dataset.objects.select_related("organisation", "partnership", "contact")
    serializer_class = DatasetSerializer


class DatasetImportViewSet(_ReadOnly):
    """Imports into your organisation's datasets: status, progress and rejected rows."""

    base_queryset = DatasetImport.objects.defer("content")
    serializer_class = DatasetImportSerializer


class RecordViewSet(_ReadOnly):
    """Records you may read (analysts of the parties to a dataset's agreement in force)."""

    base_queryset = Record.objects.select_related("local_authority")
    serializer_class = RecordSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        ids = [r["id"] for r in response.data.get("results", [])]
        audit.record(
            "threat_records_listed", actor=request.user, detail={"via": "api", "records": ids}
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        services.view_record(request.user, record)
        return Response(self.get_serializer(record).data)


class EntityViewSet(_ReadOnly):
    """Entities seen through the records you may read, with flag-and-contact for the rest."""

    base_queryset = Entity.objects.select_related("partnership")

    def get_queryset(self):
        return selectors.with_visible_records(self.request.user, super().get_queryset())

    def get_serializer_class(self):
        return EntityDetailSerializer if self.action == "retrieve" else EntitySerializer

    def retrieve(self, request, *args, **kwargs):
        entity = self.get_object()
        services.view_entity(request.user, entity)
        return Response(self.get_serializer(entity).data)


class MatchPairViewSet(_ReadOnly):
    """Current links (the latest run's pairs) between records you may read, with the why."""

    base_queryset = MatchPair.objects.select_related("run")
    serializer_class = MatchPairSerializer

    def get_queryset(self):
        return super().get_queryset().filter(run__in=selectors.latest_runs())


class LinkDecisionViewSet(
    PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Analysts' decisions: confirm (same) or reject (not the same) a pair of records."""

    base_queryset = LinkDecision.objects.select_related("decided_by")
    serializer_class = LinkDecisionSerializer
    lookup_value_regex = ID_PATTERN

    def perform_create(self, serializer):
        data = serializer.validated_data
        readable = access.visible(self.request.user, Record.objects.all())
        records = readable.in_bulk([data["record_a_id"], data["record_b_id"]])
        missing = [
            name
            for name, key in (("record_a", "record_a_id"), ("record_b", "record_b_id"))
            if data[key] not in records
        ]
        if missing:
            raise ValidationError(
                {name: "No record with this id that you can see" for name in missing}
            )
        services.require_decide(self.request.user)
        serializer.instance = services.decide_pair(
            self.request.user,
            records[data["record_a_id"]],
            records[data["record_b_id"]],
            data["decision"],
            data["reason"],
        )


class NetworkViewSet(viewsets.ViewSet):
    """The network you may see: nodes, edges, components, centrality and communities."""

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", OpenApiTypes.STR, required=False),
            OpenApiParameter("around", OpenApiTypes.STR, required=False),
            OpenApiParameter("steps", OpenApiTypes.INT, required=False),
            OpenApiParameter("kind", OpenApiTypes.STR, required=False, many=True),
            OpenApiParameter(
                "start", OpenApiTypes.STR, required=False, enum=list(graph.CONNECTION_STARTS)
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        if not access.can(request.user, access.Action.VIEW, model=Entity):
            raise Http404
        chosen = None
        slug = str(request.query_params.get("partnership", ""))[:80]
        if slug:
            chosen = access.visible(request.user, Partnership.objects.filter(slug=slug)).first()
            if chosen is None:
                raise Http404
        form = NetworkForm(request.query_params)
        if not form.is_valid():
            return Response(form.errors, status=400)
        network = graph.build_network(request.user, chosen, chosen=form.focus())
        if network is None:
            return Response({"around": ["Nothing you can see is linked to that node"]}, status=400)
        summary = graph.analyse_network(network)
        start = form.cleaned_data["start"]
        audit.record(
            "threat_network_exported",
            actor=request.user,
            detail={
                "format": "api",
                "partnership": chosen.pk if chosen else None,
                **form.focus().as_detail(),
                **({"connections_from": start} if start else {}),
            },
        )
        data = graph.as_data(network, summary)
        if start:
            data["connections"] = [
                {
                    "start": connection.start.id,
                    "group": connection.group.id,
                    "steps": [{"kind": kind, "node": node.id} for kind, node in connection.steps],
                }
                for connection in graph.connections_to_groups(request.user, network, start)
            ]
        return Response(data)
