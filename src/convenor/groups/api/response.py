"""The REST API of the response to groups: /api/v1/group-disruptions/ (with ``verify``),
/api/v1/group-orders/ (``?expiring_within=DAYS``) and /api/v1/group-order-breaches/. Querysets come
from the selectors (``access.visible``), changes from :mod:`convenor.groups.services`."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from convenor.core import access
from convenor.core.api import PolicyViewSetMixin
from convenor.core.api_policy import SlugRelatedField
from convenor.core.models import Organisation, User

from .. import selectors, services
from ..models import (
    AncillaryOrder,
    Disruption,
    DisruptionImpact,
    DisruptionType,
    GroupMember,
    OrderBreach,
    OrderType,
    OrganisedCrimeGroup,
)
from .groups import MAX_ID, BoundedPrimaryKeyRelatedField, _audit_read, _query_id

PENCE_MAX = 2**53 - 1


class _GroupScoped(serializers.ModelSerializer):
    """A serializer whose group (and members) are chosen among those the reader may see."""

    group = BoundedPrimaryKeyRelatedField(queryset=OrganisedCrimeGroup.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            self.fields["group"].queryset = access.visible(user, OrganisedCrimeGroup.objects.all())
            for name, model in self.visible_choices.items():
                field = self.fields[name]
                # Many-valued fields choose through their child relation.
                target = getattr(field, "child_relation", field)
                target.queryset = access.visible(user, model.objects.all())

    visible_choices: dict = {}


class DisruptionSerializer(_GroupScoped):
    disruption_type = SlugRelatedField(slug_field="code", queryset=DisruptionType.objects.all())
    impact = SlugRelatedField(
        slug_field="code",
        queryset=DisruptionImpact.objects.all(),
        help_text="major, moderate or minor (definitions: the record a disruption page)",
    )
    lead_agency = SlugRelatedField(slug_field="slug", queryset=Organisation.objects.none())
    contributing_partners = SlugRelatedField(
        slug_field="slug", many=True, required=False, queryset=Organisation.objects.none()
    )
    members = BoundedPrimaryKeyRelatedField(
        many=True, required=False, queryset=GroupMember.objects.none()
    )
    quantity = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, allow_null=True, required=False
    )
    value_pence = serializers.IntegerField(
        min_value=0, max_value=PENCE_MAX, allow_null=True, required=False
    )
    description = serializers.CharField(
        allow_blank=True, required=False, max_length=services.RATIONALE_MAX
    )
    # Blank reaches the service, which says why a rationale is required (as on the page).
    rationale = serializers.CharField(
        max_length=services.RATIONALE_MAX, allow_blank=True, required=False
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verified = serializers.BooleanField(read_only=True)

    visible_choices = {
        "lead_agency": Organisation,
        "contributing_partners": Organisation,
        "members": GroupMember,
    }

    class Meta:
        model = Disruption
        fields = [
            "id",
            "group",
            "occurred_on",
            "disruption_type",
            "p",
            "description",
            "quantity",
            "value_pence",
            "lead_agency",
            "contributing_partners",
            "members",
            "impact",
            "rationale",
            "recorded_by",
            "recorded_at",
            "verified",
            "verified_by",
            "verified_at",
        ]
        read_only_fields = ["id", "recorded_at", "verified_at"]


class OrderSerializer(_GroupScoped):
    order_type = SlugRelatedField(slug_field="code", queryset=OrderType.objects.all())
    subject = BoundedPrimaryKeyRelatedField(
        queryset=GroupMember.objects.none(), help_text="The group member the order is on"
    )
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    monitoring_officer = SlugRelatedField(slug_field="username", queryset=User.objects.none())
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=2_000), required=False, max_length=100
    )
    amount_pence = serializers.IntegerField(
        min_value=0, max_value=PENCE_MAX, allow_null=True, required=False
    )
    pay_by = serializers.DateField(allow_null=True, required=False)
    expires_on = serializers.DateField(allow_null=True, required=False)
    breaches = serializers.IntegerField(source="breach_count", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    visible_choices = {"subject": GroupMember, "monitoring_officer": User}

    class Meta:
        model = AncillaryOrder
        fields = [
            "id",
            "group",
            "order_type",
            "subject",
            "subject_name",
            "court",
            "made_on",
            "expires_on",
            "conditions",
            "monitoring_officer",
            "amount_pence",
            "pay_by",
            "breaches",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["id", "recorded_at"]


class BreachSerializer(serializers.ModelSerializer):
    order = BoundedPrimaryKeyRelatedField(queryset=AncillaryOrder.objects.none())
    group = serializers.IntegerField(source="order.group_id", read_only=True)
    description = serializers.CharField(max_length=services.RATIONALE_MAX)
    outcome = serializers.CharField(max_length=services.RATIONALE_MAX)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OrderBreach
        fields = [
            "id",
            "order",
            "group",
            "occurred_on",
            "description",
            "outcome",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["id", "recorded_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["order"].queryset = access.visible(
                request.user, AncillaryOrder.objects.all()
            )


GROUP_PARAMETER = OpenApiParameter("group", OpenApiTypes.INT, description="A group's id")


class DisruptionViewSet(PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Disruptions of the groups the user may see, latest first (filter with ?group=ID); a
    second person of the owning organisation verifies each (POST .../verify/)."""

    base_queryset = selectors._disruptions()
    serializer_class = DisruptionSerializer

    def get_queryset(self):
        disruptions = super().get_queryset()
        group = _query_id(self.request, "group")
        if group is not None:
            disruptions = disruptions.filter(group_id=group)
        return disruptions.order_by("-occurred_on", "-pk")

    @extend_schema(parameters=[GROUP_PARAMETER])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _audit_read(request, "group_disruptions_read", response)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _audit_read(request, "group_disruptions_read", response)
        return response

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        group = fields.pop("group")
        services.require_change(self.request.user, group)
        serializer.instance = services.record_disruption(self.request.user, group, fields)

    @extend_schema(request=None, responses=DisruptionSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Verify the disruption: a second person of the owning organisation."""
        disruption = self.get_object()
        verified = services.verify_disruption(request.user, disruption)
        verified = self.get_queryset().get(pk=verified.pk)
        return Response(self.get_serializer(verified).data, status=status.HTTP_200_OK)


class OrderViewSet(PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The ancillary orders register: orders on members of the groups the user may see, soonest
    to expire first (?group=ID; ?expiring_within=DAYS for those expiring from today)."""

    base_queryset = selectors._orders()
    serializer_class = OrderSerializer

    def get_queryset(self):
        orders = super().get_queryset()
        group = _query_id(self.request, "group")
        if group is not None:
            orders = orders.filter(group_id=group)
        days = self.request.query_params.get("expiring_within")
        if days not in (None, ""):
            if not days.isdigit() or not 1 <= int(days) <= 3660:
                raise ValidationError(
                    {"expiring_within": "expiring_within must be a number of days, 1 to 3660"}
                )
            ids = selectors.expiring_orders(self.request.user, int(days)).values("pk")
            orders = orders.filter(pk__in=ids)
        return orders.order_by("expires_on", "-made_on", "pk")

    @extend_schema(
        parameters=[
            GROUP_PARAMETER,
            OpenApiParameter(
                "expiring_within", OpenApiTypes.INT, description="Orders expiring within N days"
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _audit_read(request, "group_orders_read", response)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _audit_read(request, "group_orders_read", response)
        return response

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        group = fields.pop("group")
        services.require_change(self.request.user, group)
        fields.setdefault("conditions", [])
        order = services.record_order(self.request.user, group, fields)
        serializer.instance = self.get_queryset().get(pk=order.pk)


class BreachViewSet(PolicyViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Breaches of the orders the user may see, latest first (filter with ?order=ID)."""

    base_queryset = OrderBreach.objects.select_related("order__group", "recorded_by")
    serializer_class = BreachSerializer

    def get_queryset(self):
        breaches = super().get_queryset()
        order = _query_id(self.request, "order")
        if order is not None:
            breaches = breaches.filter(order_id=order)
        return breaches.order_by("-occurred_on", "-pk")

    @extend_schema(parameters=[OpenApiParameter("order", OpenApiTypes.INT)])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _audit_read(request, "group_orders_read", response)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _audit_read(request, "group_orders_read", response)
        return response

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        order = fields.pop("order")
        services.require_change(self.request.user, order.group)
        serializer.instance = services.record_breach(self.request.user, order, fields)


__all__ = ["MAX_ID", "BreachViewSet", "DisruptionViewSet", "OrderViewSet"]
