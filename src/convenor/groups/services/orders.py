"""The ancillary orders register: orders a court made on a group's members, their conditions,
who monitors them, and breaches with what followed (ADR 0024)."""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action
from convenor.core.models import Membership, User

from ..models import AncillaryOrder, OrderBreach, OrganisedCrimeGroup
from .disruptions import partner_organisations
from .groups import CHANGE_REFUSED, RATIONALE_MAX

ORDER_FIELDS = [
    "order_type",
    "subject",
    "court",
    "made_on",
    "expires_on",
    "conditions",
    "monitoring_officer",
    "amount_pence",
    "pay_by",
]
DEFAULT_EXPIRING_DAYS = 90
CONDITION_MAX = 2_000


def expiring_days() -> int:
    """How many days ahead an order counts as expiring (CONVENOR_ORDERS_EXPIRING_DAYS)."""
    configured = getattr(settings, "CONVENOR_ORDERS_EXPIRING_DAYS", None) or os.environ.get(
        "CONVENOR_ORDERS_EXPIRING_DAYS"
    )
    try:
        days = int(configured) if configured else DEFAULT_EXPIRING_DAYS
    except ValueError:
        return DEFAULT_EXPIRING_DAYS
    return days if days > 0 else DEFAULT_EXPIRING_DAYS


def _not_future(errors: dict, key: str, value: datetime.date | None, what: str) -> None:
    if value is None:
        errors[key] = f"Enter the {what}"
    elif value > timezone.localdate():
        errors[key] = f"The {what} cannot be in the future"


def _check_order(group: OrganisedCrimeGroup, fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    order_type = fields.get("order_type")
    if order_type is None:
        errors["order_type"] = "Choose the type of order"
    subject = fields.get("subject")
    if subject is None:
        errors["subject"] = "Choose the member of the group the order was made on"
    elif subject.group_id != group.pk:
        errors["subject"] = f"The order must be on a member of {group}"
    fields["court"] = (fields.get("court") or "").strip()
    if not fields["court"]:
        errors["court"] = "Enter the court that made the order"
    made_on, expires_on = fields.get("made_on"), fields.get("expires_on")
    _not_future(errors, "made_on", made_on, "date the order was made")
    if made_on and expires_on and expires_on < made_on:
        errors["expires_on"] = f"The order cannot expire before it was made ({made_on:%-d %B %Y})"
    conditions = [str(c).strip() for c in (fields.get("conditions") or [])]
    fields["conditions"] = [c for c in conditions if c]
    if any(len(c) > CONDITION_MAX for c in fields["conditions"]):
        errors["conditions"] = f"Each condition must be at most {CONDITION_MAX:,} characters"
    officer = fields.get("monitoring_officer")
    if officer is None:
        errors["monitoring_officer"] = "Choose the officer responsible for monitoring the order"
    elif not (
        officer.is_active
        and Membership.objects.filter(
            access.current_memberships(),
            user=officer,
            organisation__in=partner_organisations(group),
        ).exists()
    ):
        errors["monitoring_officer"] = (
            "The monitoring officer must be a member of staff of an organisation of the "
            "group's partnership"
        )
    amount, pay_by = fields.get("amount_pence"), fields.get("pay_by")
    if order_type is not None and order_type.confiscation:
        if not amount or amount < 0:
            errors["amount_pence"] = "Enter the amount the confiscation order requires"
        if pay_by is None:
            errors["pay_by"] = "Enter the date by which the amount must be paid"
        elif made_on and pay_by < made_on:
            errors["pay_by"] = "The date to pay cannot be before the order was made"
    elif order_type is not None and (amount is not None or pay_by is not None):
        errors["amount_pence"] = "Only a confiscation order has an amount and a date to pay"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_order(actor: User, group: OrganisedCrimeGroup, fields: dict[str, Any]) -> AncillaryOrder:
    """Add an order to the register, on a member of ``group``."""
    if not access.can(actor, Action.CHANGE, group):
        raise PermissionDenied(CHANGE_REFUSED)
    fields = {key: fields.get(key) for key in ORDER_FIELDS}
    _check_order(group, fields)
    order = AncillaryOrder(group=group, recorded_by=actor, **fields)
    order.full_clean()
    order.save()
    audit.record(
        "order_recorded",
        actor=actor,
        obj=group,
        detail={
            "order": order.pk,
            "type": order.order_type.code,
            "subject": order.subject_id,
            "made_on": order.made_on,
            "expires_on": order.expires_on,
        },
    )
    return order


@transaction.atomic
def record_breach(actor: User, order: AncillaryOrder, fields: dict[str, Any]) -> OrderBreach:
    """Record a breach of ``order`` and what followed."""
    if not access.can(actor, Action.CHANGE, order.group):
        raise PermissionDenied(CHANGE_REFUSED)
    errors: dict[str, str] = {}
    occurred_on = fields.get("occurred_on")
    _not_future(errors, "occurred_on", occurred_on, "date of the breach")
    if occurred_on and occurred_on < order.made_on:
        errors["occurred_on"] = (
            f"A breach cannot come before the order was made ({order.made_on:%-d %B %Y})"
        )
    texts = {}
    for key, missing in (
        ("description", "Say what the breach was"),
        ("outcome", "Say what followed: arrest, charge, warning, variation..."),
    ):
        texts[key] = (fields.get(key) or "").strip()
        if not texts[key]:
            errors[key] = missing
        elif len(texts[key]) > RATIONALE_MAX:
            errors[key] = f"At most {RATIONALE_MAX:,} characters"
    if errors:
        raise ValidationError(errors)
    breach = OrderBreach(order=order, occurred_on=occurred_on, recorded_by=actor, **texts)
    breach.full_clean()
    breach.save()
    audit.record(
        "order_breach_recorded",
        actor=actor,
        obj=order.group,
        detail={"order": order.pk, "breach": breach.pk, "occurred_on": occurred_on},
    )
    return breach
