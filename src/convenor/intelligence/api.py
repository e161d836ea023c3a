"""The intelligence API (/api/v1/): the same policy and services as the pages.

Lists give summaries only; reading one report (its content) is a view recorded in the audit
chain and the originator's list of readers, and is refused until a handling code C report's
conditions are acknowledged (``POST .../acknowledge/``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from convenor.core import access
from convenor.core.api import PolicyViewSetMixin
from convenor.core.api_policy import SlugRelatedField
from convenor.core.models import LegalBasis, Organisation, Partnership

from . import selectors, services
from .grading import (
    CONDITIONS_MISSING,
    Classification,
    FourP,
    HandlingCode,
    IntelligenceAssessment,
    SourceEvaluation,
    conditions_missing,
    threat_area_choices,
)
from .models import AnonymousSubmission, Attachment, IntelligenceReport, Reading, Subject


def _as_api_refusal(call, *args, **kwargs):
    """``call`` with a policy refusal answered 403 with its reason (DRF would drop it)."""
    try:
        return call(*args, **kwargs)
    except DjangoPermissionDenied as refused:
        raise PermissionDenied(str(refused)) from refused


class SubjectSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Subject.Kind.choices)

    class Meta:
        model = Subject
        fields = ["kind", "name", "identifier", "description", "entity_id"]
        read_only_fields = ["entity_id"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "sha256"]


class ReportSummarySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    grading = serializers.CharField(read_only=True)
    owner_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sanitised = serializers.BooleanField(source="is_sanitised", read_only=True)

    class Meta:
        model = IntelligenceReport
        fields = [
            "id",
            "reference",
            "title",
            "grading",
            "handling_code",
            "classification",
            "owner_organisation",
            "sanitised",
            "created_at",
        ]


class ReportSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    grading = serializers.CharField(read_only=True)
    owner_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    threat_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=threat_area_choices()),
        required=False,
        max_length=20,
    )
    four_p = serializers.ListField(
        child=serializers.ChoiceField(choices=FourP.choices), required=False, max_length=4
    )
    source_evaluation = serializers.ChoiceField(choices=SourceEvaluation.choices)
    intelligence_assessment = serializers.ChoiceField(choices=IntelligenceAssessment.choices)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices)
    handling_conditions = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    classification = serializers.ChoiceField(
        choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    subjects = SubjectSerializer(many=True, required=False, max_length=50)
    attachments = AttachmentSerializer(many=True, read_only=True)
    sanitised_from = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        write_only=True,
        required=False,
        help_text="For someone in several organisations: which one holds the report",
    )

    class Meta:
        model = IntelligenceReport
        fields = [
            "id",
            "reference",
            "title",
            "content",
            "occurred_on",
            "location",
            "postcode",
            "area",
            "threat_areas",
            "four_p",
            "source_evaluation",
            "intelligence_assessment",
            "grading",
            "handling_code",
            "handling_conditions",
            "classification",
            "legal_basis",
            "review_date",
            "owner_organisation",
            "organisation",
            "sanitised_from",
            "subjects",
            "attachments",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "location": {"max_length": 300},
            "postcode": {"max_length": 10},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=access.standing(request.user).organisations
            )

    def validate(self, attrs):
        if conditions_missing(attrs.get("handling_code"), attrs.get("handling_conditions")):
            raise ValidationError({"handling_conditions": CONDITIONS_MISSING})
        review_date = attrs.get("review_date")
        from django.utils import timezone

        if review_date and review_date <= timezone.localdate():
            raise ValidationError({"review_date": "The review date must be in the future"})
        return attrs

    def to_representation(self, report):
        data = super().to_representation(report)
        request = self.context.get("request")
        if request is not None and data.get("sanitised_from") is not None:
            original = IntelligenceReport.objects.filter(pk=report.sanitised_from_id)
            if not access.visible(request.user, original).exists():
                data["sanitised_from"] = None
        return data


class DisseminateSerializer(serializers.Serializer):
    organisations = serializers.ListField(
        child=SlugRelatedField(slug_field="slug", queryset=Organisation.objects.none()),
        required=False,
        max_length=100,
    )
    partnerships = serializers.ListField(
        child=SlugRelatedField(slug_field="slug", queryset=Partnership.objects.none()),
        required=False,
        max_length=50,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisations"].child.queryset = access.visible(
                request.user, Organisation.objects.all()
            )
            self.fields["partnerships"].child.queryset = access.visible(
                request.user, Partnership.objects.all()
            )


class IntelligenceReportViewSet(
    PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Intelligence reports the user may see. Filter with the same fields as the search page:
    q, area, threat_area, source_evaluation, intelligence_assessment, handling_code, subject,
    subject_kind, created_from, created_to."""

    base_queryset = IntelligenceReport.objects.select_related("owner_organisation", "area")
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        if self.action == "list":
            return ReportSummarySerializer
        if self.action == "disseminate":
            return DisseminateSerializer
        return ReportSerializer

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        search = selectors.report_search(self.request.user, self.request.query_params)
        if search.form.errors:
            raise ValidationError(search.form.errors)
        return search.reports

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        if not selectors.content_readable(request.user, report):
            raise PermissionDenied(
                "Handling code C: read the conditions and acknowledge them "
                f"(POST to the acknowledge action) first. Conditions: {report.handling_conditions}"
            )
        services.record_reading(request.user, report, Reading.Kind.VIEWED, {"via": "api"})
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        subjects = [dict(s) for s in fields.pop("subjects", [])]
        organisation = fields.pop("organisation", None)
        serializer.instance = _as_api_refusal(
            services.submit_report,
            self.request.user,
            fields,
            subjects=subjects,
            organisation=organisation,
        )

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Acknowledgement", {"acknowledged_at": serializers.DateTimeField()}
            )
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge a handling code C report's conditions (needed before its content).
        Any recipient may: it changes nothing of the report, so it needs only sight of it."""
        report = access.get_visible_or_404(request.user, self.base_queryset, pk=pk)
        acknowledgement = services.acknowledge_conditions(request.user, report)
        return Response({"acknowledged_at": acknowledgement.acknowledged_at})

    @extend_schema(
        request=DisseminateSerializer,
        responses={
            200: inline_serializer(
                "DisseminationResult",
                {
                    "shared_with": serializers.ListField(child=serializers.CharField()),
                    "not_shared": serializers.ListField(child=serializers.CharField()),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def disseminate(self, request, pk=None):
        """Share with organisations and partnerships (each inside a current ISA)."""
        report = self.get_object()
        _as_api_refusal(services.require_change, request.user, report, "share this")
        serializer = DisseminateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        result = services.disseminate(
            request.user,
            report,
            organisations=serializer.validated_data.get("organisations", []),
            partnerships=serializer.validated_data.get("partnerships", []),
        )
        return Response(
            {
                "shared_with": [o.slug for o in result.shared_with],
                "not_shared": [o.slug for o, _ in result.not_shared],
            }
        )


class SubmissionSummarySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    channel = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AnonymousSubmission
        fields = [
            "id",
            "reference",
            "channel",
            "received_on",
            "status",
            "source_evaluation",
            "intelligence_assessment",
            "destroy_on",
        ]


class AnonymousSubmissionViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Anonymous reports, for the receiving organisation's analysts (triage). Reading one
    decrypts it and is recorded in the audit chain."""

    base_queryset = AnonymousSubmission.objects.select_related("channel")
    serializer_class = SubmissionSummarySerializer
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        responses=inline_serializer(
            "AnonymousSubmissionDetail",
            {
                "submission": SubmissionSummarySerializer(),
                "content": serializers.DictField(child=serializers.CharField()),
                "messages": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def retrieve(self, request, *args, **kwargs):
        submission = self.get_object()
        if not access.can(request.user, access.Action.CHANGE, submission):
            raise Http404
        decrypted = services.read_submission(request.user, submission)
        return Response(
            {
                "submission": SubmissionSummarySerializer(submission).data,
                "content": decrypted["content"],
                "messages": [
                    {"sender": m["sender"], "body": m["body"], "sent_on": m["sent_on"]}
                    for m in decrypted["messages"]
                ],
            }
        )
