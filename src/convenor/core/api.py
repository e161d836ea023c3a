"""The REST API of the core (/api/v1/). Querysets come from ``access.visible`` and object
permissions from ``access.can``: the same policy as the pages, nothing filtered by hand."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
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
    Signatory,
    User,
)


class PolicyViewSetMixin:
    """The queryset is always the part of ``base_queryset`` the policy lets the user see."""

    base_queryset = None

    def get_queryset(self):
        return access.visible(self.request.user, self.base_queryset.all())


class VisibleChoicesMixin:
    # A serializer whose related fields choose only among rows the reader may see (a comment,
    # not a docstring: the schema would take it as every serializer's description).
    # ``visible_choices`` maps a field's name to a model or queryset; with a request in the
    # context each field's queryset becomes ``access.visible(user, ...)`` of it (a many-valued
    # field through its child relation). Without a request the fields keep their empty querysets.

    visible_choices: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        for name, rows in self.visible_choices.items():
            field = self.fields[name]
            target = getattr(field, "child_relation", field)
            source = rows if isinstance(rows, QuerySet) else rows.objects
            target.queryset = access.visible(request.user, source.all())


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


class SignatorySerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Signatory
        fields = ["organisation", "name", "position", "signed_on", "signed_at"]


class SignatureSerializer(serializers.Serializer):
    """A party signs: ``organisation`` (its slug, one the signer administers), name, position."""

    organisation = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.none())
    name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )


class AgreementSerializer(serializers.ModelSerializer):
    partnership = SlugRelatedField(slug_field="slug", queryset=Partnership.objects.none())
    parties = SlugRelatedField(slug_field="slug", many=True, queryset=Organisation.objects.none())
    legal_bases = serializers.ListField(
        child=serializers.ChoiceField(choices=LegalBasis.choices), allow_empty=False
    )
    status = serializers.CharField(read_only=True)
    signing = serializers.SerializerMethodField()
    signatories = SignatorySerializer(many=True, read_only=True)
    supersedes = serializers.SerializerMethodField()

    class Meta:
        model = InformationSharingAgreement
        fields = [
            "id",
            "partnership",
            *InformationSharingAgreement.RECORDED_FIELDS,
            "status",
            "signing",
            "signatories",
            "superseded_by",
            "supersedes",
        ]
        read_only_fields = ["id", "status", "superseded_by"]

    def get_signing(self, agreement) -> str:
        return agreement.signing(agreement.signatories.all(), agreement.parties.all()).label

    def get_supersedes(self, agreement) -> int | None:
        previous = getattr(agreement, "supersedes", None)
        return previous.pk if previous else None

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
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Information sharing agreements of the partnerships the user belongs to: recorded and
    edited (while nobody has signed) by the lead's administrators, signed by each party's own
    administrators (``sign``), renewed as a new version (``renew``)."""

    base_queryset = InformationSharingAgreement.objects.select_related(
        "partnership", "supersedes"
    ).prefetch_related("parties", "signatories__organisation")
    serializer_class = AgreementSerializer

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        partnership = fields.pop("partnership")
        if not access.can(self.request.user, access.Action.CHANGE, partnership):
            raise DjangoPermissionDenied(services.LEAD_ONLY)
        serializer.instance = services.create_agreement(self.request.user, partnership, fields)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        partnership = fields.pop("partnership", serializer.instance.partnership)
        if partnership != serializer.instance.partnership:
            raise ValidationError({"partnership": "An agreement stays in its partnership"})
        services.require_edit(self.request.user, serializer.instance)
        serializer.instance = services.change_agreement(
            self.request.user, serializer.instance, fields
        )

    def _visible_agreement(self) -> InformationSharingAgreement:
        """The agreement or 404; what may be done with it is the service's decision (a party's
        administrator signs without being able to change the agreement)."""
        return access.get_visible_or_404(
            self.request.user, self.get_queryset(), pk=self.kwargs["pk"]
        )

    @extend_schema(request=SignatureSerializer, responses={201: AgreementSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign for one of your organisations that is a party and has not signed."""
        agreement = self._visible_agreement()
        organisations = services.organisations_to_sign(request.user, agreement)
        if not organisations:
            raise DjangoPermissionDenied(
                "Only an administrator of a party that has not signed signs it"
            )
        signature = SignatureSerializer(data=request.data, organisations=organisations)
        signature.is_valid(raise_exception=True)
        services.sign_agreement(request.user, agreement, **signature.validated_data)
        agreement = self._visible_agreement()
        return Response(self.get_serializer(agreement).data, status=201)

    @extend_schema(request=AgreementSerializer, responses={201: AgreementSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """A new version superseding this one; ``carried_over`` and ``not_carried_over`` say
        what is shared under it from now."""
        agreement = self._visible_agreement()
        services.require_renew(request.user, agreement)
        data = request.data.copy()
        data["partnership"] = agreement.partnership.slug
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("partnership")
        renewal = services.renew_agreement(request.user, agreement, fields)
        body = self.get_serializer(renewal.agreement).data
        body["carried_over"] = renewal.carried_over
        body["not_carried_over"] = renewal.not_carried_over
        return Response(body, status=201)


class AuditEntryViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The audit chain, for auditors: entries by or about their organisation."""

    base_queryset = AuditEntry.objects.select_related("actor_organisation")
    serializer_class = AuditEntrySerializer

    def list(self, request, *args, **kwargs):
        if not access.can(request.user, access.Action.VIEW, model=AuditEntry):
            raise Http404
        audit.record("audit_viewed", actor=request.user, detail={"via": "api"})
        return super().list(request, *args, **kwargs)
