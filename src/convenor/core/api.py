"""The REST API of the core (/api/v1/). Querysets come from ``access.visible`` and object
permissions from ``access.can``: the same policy as the pages, nothing filtered by hand."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import access, audit, services
from .api_policy import SlugRelatedField
from .areas import PostcodeError, resolve_postcode
from .models import (
    Area,
    AuditEntry,
    InformationSharingAgreement,
    LegalBasis,
    Membership,
    Organisation,
    Partnership,
    User,
)


class PolicyViewSetMixin:
    """The queryset is always the part of ``base_queryset`` the policy lets the user see."""

    base_queryset = None

    def get_queryset(self):
        return access.visible(self.request.user, self.base_queryset.all())


# --- Serializers -----------------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.ChoiceField(choices=Area.Kind.choices, read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "kind", "parent"]


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "parent", "areas", "description"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "role", "started_on", "ended_on"]


class PersonSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "job_title", "roles"]

    def get_roles(self, person: User) -> list[dict]:
        request = self.context["request"]
        memberships = access.visible(
            request.user, person.memberships.filter(access.current_memberships())
        ).select_related("organisation")
        return MembershipSerializer(memberships, many=True).data


class PartnershipSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisations = serializers.SerializerMethodField()

    class Meta:
        model = Partnership
        fields = ["slug", "name", "purpose", "lead_organisation", "organisations"]

    def get_organisations(self, partnership: Partnership) -> list[str]:
        request = self.context["request"]
        return list(
            access.visible(request.user, partnership.organisations.all()).values_list(
                "slug", flat=True
            )
        )


class AgreementSerializer(serializers.ModelSerializer):
    partnership = SlugRelatedField(slug_field="slug", queryset=Partnership.objects.none())
    parties = SlugRelatedField(slug_field="slug", many=True, queryset=Organisation.objects.none())
    legal_bases = serializers.ListField(
        child=serializers.ChoiceField(choices=LegalBasis.choices), allow_empty=False
    )
    status = serializers.CharField(read_only=True)

    class Meta:
        model = InformationSharingAgreement
        fields = ["id", "partnership", *InformationSharingAgreement.RECORDED_FIELDS, "status"]
        read_only_fields = ["id", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["partnership"].queryset = access.visible(
                request.user, Partnership.objects.all()
            )
            self.fields["parties"].child_relation.queryset = access.visible(
                request.user, Organisation.objects.all()
            )


class AuditEntrySerializer(serializers.ModelSerializer):
    actor_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor_username",
            "actor_organisation",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "detail",
            "previous_hash",
            "entry_hash",
        ]


# --- Viewsets --------------------------------------------------------------------------------


class AreaViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """ONS local authorities, police force areas and regions."""

    base_queryset = Area.objects.select_related("parent")
    serializer_class = AreaSerializer
    lookup_field = "code"

    @extend_schema(
        parameters=[OpenApiParameter("postcode", OpenApiTypes.STR, required=True)],
        responses={
            200: inline_serializer(
                "PostcodeLocation",
                {
                    "postcode": serializers.CharField(),
                    "local_authority": serializers.CharField(),
                    "local_authority_name": serializers.CharField(allow_null=True),
                    "easting": serializers.IntegerField(allow_null=True),
                    "northing": serializers.IntegerField(allow_null=True),
                },
            ),
            400: OpenApiTypes.OBJECT,
        },
    )
    @action(detail=False, url_path="postcode")
    def postcode(self, request):
        """Resolve a postcode to its local authority and OS grid reference."""
        try:
            location = resolve_postcode(str(request.query_params.get("postcode", ""))[:20])
        except PostcodeError as problem:
            raise ValidationError({"postcode": str(problem)}) from problem
        return Response(
            {
                "postcode": location.postcode,
                "local_authority": location.local_authority_code,
                "local_authority_name": location.local_authority.name
                if location.local_authority
                else None,
                "easting": location.easting,
                "northing": location.northing,
            }
        )


class OrganisationViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = Organisation.objects.select_related("parent").prefetch_related("areas")
    serializer_class = OrganisationSerializer
    lookup_field = "slug"


class PersonViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = User.objects.filter(is_active=True)
    serializer_class = PersonSerializer
    lookup_field = "username"
    lookup_value_regex = r"[\w.@+-]+"


class PartnershipViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    base_queryset = Partnership.objects.select_related("lead_organisation")
    serializer_class = PartnershipSerializer
    lookup_field = "slug"


class AgreementViewSet(
    PolicyViewSetMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Information sharing agreements of the partnerships the user belongs to."""

    base_queryset = InformationSharingAgreement.objects.select_related("partnership")
    serializer_class = AgreementSerializer

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        partnership = fields.pop("partnership")
        if not access.can(self.request.user, access.Action.CHANGE, partnership):
            raise DjangoPermissionDenied(
                "Only the lead organisation's partnership administrators can do this"
            )
        serializer.instance = services.create_agreement(self.request.user, partnership, fields)


class AuditEntryViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The audit chain, for auditors: entries by or about their organisation."""

    base_queryset = AuditEntry.objects.select_related("actor_organisation")
    serializer_class = AuditEntrySerializer

    def list(self, request, *args, **kwargs):
        if not access.can(request.user, access.Action.VIEW, model=AuditEntry):
            raise Http404
        audit.record("audit_viewed", actor=request.user, detail={"via": "api"})
        return super().list(request, *args, **kwargs)
