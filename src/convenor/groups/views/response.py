"""Pages of the response to groups: disruptions (record, read, verify), the ancillary orders
register (record, read, breaches, orders expiring). Thin: reads from :mod:`..selectors`, changes
from :mod:`..services` through :func:`convenor.core.form_view.form_view`."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from convenor.core import access
from convenor.core.access import Action
from convenor.core.form_view import form_view
from convenor.core.views import PAGE_SIZE, staff_page

from .. import selectors, services
from ..forms_response import BreachForm, DisruptionForm, OrderForm, VerifyForm
from ..models import DisruptionImpact, OrganisedCrimeGroup
from ..services.disruptions import require_verify

SEE_GROUPS_REFUSED = "Only members of partner organisations see groups"

# --- Disruptions -----------------------------------------------------------------------------


@staff_page
def disruption_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    services.require_change(request.user, group)
    return form_view(
        request,
        DisruptionForm,
        form_kwargs={"group": group},
        save=lambda form: services.record_disruption(request.user, group, form.service_fields()),
        template="groups/disruption_form.html",
        context={"group": group, "impacts": DisruptionImpact.objects.all()},
        success_message="Disruption recorded: a second person of "
        f"{group.owning_organisation} verifies it before it counts",
    )


@staff_page
def disruption_detail(request: HttpRequest, pk: int, disruption_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    disruption = selectors.disruption_or_404(request.user, group, disruption_pk)
    services.view_group(request.user, group, via="disruption page")
    return render(
        request,
        "groups/disruption_detail.html",
        {
            "group": group,
            "disruption": disruption,
            "may_verify": services.may_verify(request.user, disruption),
        },
    )


@staff_page
def disruption_verify(request: HttpRequest, pk: int, disruption_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    disruption = selectors.disruption_or_404(request.user, group, disruption_pk)
    require_verify(request.user, disruption)
    return form_view(
        request,
        VerifyForm,
        save=lambda form: services.verify_disruption(request.user, disruption),
        template="groups/disruption_verify.html",
        context={
            "group": group,
            "disruption": disruption,
            "may_verify": services.may_verify(request.user, disruption),
        },
        success_message="Disruption verified: it now counts",
    )


# --- Ancillary orders ------------------------------------------------------------------------


def _require_groups(request: HttpRequest) -> None:
    if not access.can(request.user, Action.VIEW, model=OrganisedCrimeGroup):
        raise PermissionDenied(SEE_GROUPS_REFUSED)


@staff_page
def order_register(request: HttpRequest) -> HttpResponse:
    _require_groups(request)
    days = services.expiring_days()
    page = Paginator(selectors.visible_orders(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "groups/order_register.html",
        {
            "page": page,
            "days": days,
            "today": timezone.localdate(),
            "expiring_before": timezone.localdate() + datetime.timedelta(days=days),
        },
    )


@staff_page
def orders_expiring(request: HttpRequest) -> HttpResponse:
    _require_groups(request)
    raw = request.GET.get("days", "")
    days = int(raw) if raw.isdigit() and 1 <= int(raw) <= 3660 else services.expiring_days()
    orders = selectors.expiring_orders(request.user, days)
    return render(
        request,
        "groups/orders_expiring.html",
        {
            "orders": list(orders[:500]),
            "days": days,
            "today": timezone.localdate(),
            "expiring_before": timezone.localdate() + datetime.timedelta(days=days),
        },
    )


@staff_page
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    services.require_change(request.user, group)
    return form_view(
        request,
        OrderForm,
        form_kwargs={"group": group},
        save=lambda form: services.record_order(request.user, group, form.service_fields()),
        template="groups/order_form.html",
        context={"group": group},
        success_message=lambda order: f"{order.order_type} on {order.subject.name} recorded",
    )


@staff_page
def order_detail(request: HttpRequest, pk: int, order_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    order = selectors.order_or_404(request.user, group, order_pk)
    services.view_group(request.user, group, via="order page")
    return render(
        request,
        "groups/order_detail.html",
        {
            "group": group,
            "order": order,
            "breaches": list(selectors.breaches_of(request.user, order)),
            "can_change": access.can(request.user, Action.CHANGE, group),
            "today": timezone.localdate(),
            "expiring_before": timezone.localdate()
            + datetime.timedelta(days=services.expiring_days()),
        },
    )


@staff_page
def breach_create(request: HttpRequest, pk: int, order_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    order = selectors.order_or_404(request.user, group, order_pk)
    services.require_change(request.user, group)
    return form_view(
        request,
        BreachForm,
        save=lambda form: services.record_breach(request.user, order, form.cleaned_data),
        template="groups/breach_form.html",
        context={"group": group, "order": order},
        success_url=order,
        success_message="Breach recorded",
    )
