"""The REST API of the response to groups: /api/v1/group-disruptions/ (with ``verify``),
/api/v1/group-orders/ (``?expiring_within=DAYS``) and /api/v1/group-order-breaches/. Querysets come
from the selectors (``access.visible``), changes from :mod:`convenor.groups.services`."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from convenor.core.api import VisibleChoicesMixin
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
from .groups import MAX_ID, BoundedPrimaryKeyRelatedField, GroupRecordViewSet, by_parent

PENCE_MAX = 2**53 - 1


class _GroupScoped(VisibleChoicesMixin, serializers.ModelSerializer):
    """A serializer whose group (and members) are chosen among those the reader may see."""

    group = BoundedPrimaryKeyRelatedField(queryset=OrganisedCrimeGroup.objects.none())


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
        "group": OrganisedCrimeGroup,
        "lead_agency": Organisation,
        "contributing_partners": Organisation,
        "members": GroupMember,
    }

    class Meta:
        model = Disruption
        fields = [
            "id",
            "group",
            *services.DISRUPTION_FIELDS,  # what is recorded, in the service's order
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

    visible_choices = {
        "group": OrganisedCrimeGroup,
        "subject": GroupMember,
        "monitoring_officer": User,
    }

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


class BreachSerializer(VisibleChoicesMixin, serializers.ModelSerializer):
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

    visible_choices = {"order": AncillaryOrder}


@by_parent("group", description="A group's id")
class DisruptionViewSet(GroupRecordViewSet):
    """Disruptions of the groups the user may see, latest first (filter with ?group=ID); a
    second person of the owning organisation verifies each (POST .../verify/)."""

    base_queryset = selectors._disruptions()
    serializer_class = DisruptionSerializer
    read_action = "group_disruptions_read"
    ordering = ("-occurred_on", "-pk")

    def record(self, group, fields):
        return services.record_disruption(self.request.user, group, fields)

    @extend_schema(request=None, responses=DisruptionSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Verify the disruption: a second person of the owning organisation."""
        disruption = self.get_object()
        verified = services.verify_disruption(request.user, disruption)
        verified = self.get_queryset().get(pk=verified.pk)
        return Response(self.get_serializer(verified).data, status=status.HTTP_200_OK)


@by_parent(
    "group",
    OpenApiParameter(
        "expiring_within", OpenApiTypes.INT, description="Orders expiring within N days"
    ),
    description="A group's id",
)
class OrderViewSet(GroupRecordViewSet):
    """The ancillary orders register: orders on members of the groups the user may see, soonest
    to expire first (?group=ID; ?expiring_within=DAYS for those expiring from today)."""

    base_queryset = selectors._orders()
    serializer_class = OrderSerializer
    read_action = "group_orders_read"
    ordering = ("expires_on", "-made_on", "pk")

    def get_queryset(self):
        orders = super().get_queryset()
        days = self.request.query_params.get("expiring_within")
        if days not in (None, ""):
            if not days.isdigit() or not 1 <= int(days) <= 3660:
                raise ValidationError(
                    {"expiring_within": "expiring_within must be a number of days, 1 to 3660"}
                )
            ids = selectors.expiring_orders(self.request.user, int(days)).values("pk")
            orders = orders.filter(pk__in=ids)
        return orders

    def record(self, group, fields):
        fields.setdefault("conditions", [])
        order = services.record_order(self.request.user, group, fields)
        return self.get_queryset().get(pk=order.pk)


@by_parent("order")
class BreachViewSet(GroupRecordViewSet):
    """Breaches of the orders the user may see, latest first (filter with ?order=ID)."""

    base_queryset = OrderBreach.objects.select_related("order__group", "recorded_by")
    serializer_class = BreachSerializer
    parent = "order"
    read_action = "group_orders_read"
    ordering = ("-occurred_on", "-pk")

    def record(self, order, fields):
        return services.record_breach(self.request.user, order, fields)


__all__ = ["MAX_ID", "BreachViewSet", "DisruptionViewSet", "OrderViewSet"]
