"""Pages for organised crime groups: list, detail (audited), record and change, members,
assessments, rankings per area and threat area (with an audited CSV export), the scoring model.
Thin: reads come from :mod:`.selectors`, changes from :mod:`.services` through
:func:`convenor.core.form_view.form_view`; a group the user may not see is not found."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from convenor.core import access
from convenor.core.access import Action
from convenor.core.form_view import form_view
from convenor.core.forms import area_label
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import PAGE_SIZE, _csv_safe, _Echo, staff_page
from convenor.threat.models import Entity

from .. import selectors, services
from ..forms import AssessmentForm, GroupForm, MemberForm
from ..models import OrganisedCrimeGroup, ThreatArea

SEE_GROUPS_REFUSED = "Only members of partner organisations see groups"

# --- List and detail -------------------------------------------------------------------------


@staff_page
def group_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.GroupFilters.from_query(request.GET)
    groups = selectors.group_list(request.user, filters)
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/group_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": OrganisedCrimeGroup.Status.choices,
            "threat_areas": ThreatArea.objects.all(),
            "can_create": access.can(request.user, Action.CREATE, model=OrganisedCrimeGroup),
        },
    )


@staff_page
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    services.view_group(request.user, group)
    members = selectors.members_of(request.user, group)
    assessments = list(selectors.assessments_of(request.user, group))
    sees_linked_records = any(m.visible_entity for m in members) and access.can(
        request.user, Action.VIEW, model=Entity
    )
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "members": members,
            "assessments": assessments,
            "current": assessments[0] if assessments else None,
            "threat_areas": group.threat_areas.all(),
            "harm_characteristics": group.harm_characteristics.all(),
            "areas": group.areas.all(),
            "can_change": access.can(request.user, Action.CHANGE, group),
            "model": services.scoring_model(),
            "disruptions": list(selectors.disruptions_of(request.user, group)),
            "orders": list(selectors.orders_of(request.user, group)),
            "today": timezone.localdate(),
            "expiring_before": timezone.localdate()
            + datetime.timedelta(days=services.expiring_days()),
            # The threat network around the group: only for those who may see linked records.
            "network_around": f"group:{group.pk}" if sees_linked_records else "",
        },
    )


# --- Record and change -----------------------------------------------------------------------


@staff_page
def group_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.CREATE, model=OrganisedCrimeGroup):
        raise PermissionDenied(services.CHANGE_REFUSED)
    return form_view(
        request,
        GroupForm,
        form_kwargs={"user": request.user},
        save=lambda form: services.record_group(
            request.user, form.cleaned_data["owning_organisation"], form.service_fields()
        ),
        template="groups/group_form.html",
        context={"group": None},
        success_message=lambda group: f"Group “{group.name}” recorded",
    )


@staff_page
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    services.require_change(request.user, group)
    return form_view(
        request,
        GroupForm,
        form_kwargs={"user": request.user, "group": group, "initial": GroupForm.initial_for(group)},
        save=lambda form: services.change_group(request.user, group, form.service_fields()),
        template="groups/group_form.html",
        context={"group": group},
        success_message=f"Group “{group.name}” changed",
    )


# --- Members ---------------------------------------------------------------------------------


@staff_page
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    services.require_change(request.user, group)
    return form_view(
        request,
        MemberForm,
        form_kwargs={"user": request.user},
        save=lambda form: services.add_member(request.user, group, form.cleaned_data),
        template="groups/member_form.html",
        context={"group": group},
        success_url=group,
        success_message=lambda m: f"{m.name} added as a {m.get_role_display()} member",
    )


@staff_page
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    member = selectors.member_or_404(request.user, group, member_pk)
    services.require_change(request.user, group)
    return form_view(
        request,
        MemberForm,
        form_kwargs={"user": request.user, "instance": member},
        save=lambda form: services.change_member(request.user, member, form.cleaned_data),
        template="groups/member_form.html",
        context={"group": group, "member": member},
        success_url=group,
        success_message=lambda m: f"{m.name} changed",
    )


@staff_page
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    member = selectors.member_or_404(request.user, group, member_pk)
    services.require_change(request.user, group)
    try:
        services.remove_member(request.user, member)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect(group)
    messages.success(request, f"{member.name} removed from the group")
    return redirect(group)


# --- Assessments -----------------------------------------------------------------------------


@staff_page
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    services.require_change(request.user, group)
    model = services.scoring_model()
    current = group.current_assessment()
    # Start from the current scores when they came from the same model: the analyst changes
    # what has changed. The rationale and date are always new.
    initial = dict(current.inputs) if current and current.model_version == model.version else {}
    return form_view(
        request,
        AssessmentForm,
        form_kwargs={"model": model, "initial": initial},
        save=lambda form: services.record_assessment(
            request.user,
            group,
            inputs=form.inputs(),
            rationale=form.cleaned_data["rationale"],
            assessed_on=form.cleaned_data["assessed_on"],
            model=model,
        ),
        template="groups/assessment_form.html",
        context={"group": group, "model": model, "current": current},
        success_url=group,
        success_message=lambda a: f"Assessment recorded: score {a.score}, {a.band_label}",
    )


@staff_page
def assessment_detail(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    group = selectors.group_or_404(request.user, pk)
    assessment = selectors.assessment_or_404(request.user, group, assessment_pk)
    services.view_group(request.user, group, via="assessment page")
    snapshot = assessment.model_snapshot or {}
    labels = {
        f"impact_{f['code']}": f.get("label", f["code"]) for f in snapshot.get("impact_factors", [])
    }
    for name in ("likelihood", "capability", "intent"):
        labels[name] = (snapshot.get(name) or {}).get("label", name.capitalize())
    inputs = [(labels.get(name, name), value) for name, value in assessment.inputs.items()]
    return render(
        request,
        "groups/assessment_detail.html",
        {"group": group, "assessment": assessment, "inputs": inputs},
    )


# --- Rankings --------------------------------------------------------------------------------


def _ranking(request: HttpRequest) -> selectors.Ranking:
    return selectors.ranking(
        request.user,
        area_code=request.GET.get("area", ""),
        threat_area_code=request.GET.get("threat_area", ""),
        include_archived=request.GET.get("archived") == "1",
        disrupted=request.GET.get("disrupted", "")[:8],
        sort=request.GET.get("sort", "")[:16],
    )


@staff_page
def rankings(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VIEW, model=OrganisedCrimeGroup):
        raise PermissionDenied(SEE_GROUPS_REFUSED)
    ranking = _ranking(request)
    return render(
        request,
        "groups/rankings.html",
        {
            "groups": ranking.with_places()[:500],
            "filters": ranking.filters,
            "area": ranking.area,
            "threat_area": ranking.threat_area,
            "problems": list(ranking.problems.values()),
            "threat_areas": ThreatArea.objects.all(),
            "area_choices": [
                (a.code, area_label(a)) for a in selectors.ranking_area_choices(request.user)
            ],
        },
    )


@staff_page
@recent_authentication_required("export organised crime groups")
def rankings_export(request: HttpRequest) -> StreamingHttpResponse:
    """The ranked groups as CSV (ISO 8601 dates); audited."""
    ranking = _ranking(request)
    rows_list = list(ranking.with_places())
    services.record_export(request.user, "rankings", ranking.filters, len(rows_list))
    writer = csv.writer(_Echo())
    header = [
        "rank",
        "group_id",
        "name",
        "status",
        "owning_organisation",
        "score",
        "band",
        "assessed_on",
        "threat_areas",
        "areas",
        "disruptions_12m",
        "last_disrupted_on",
    ]

    def rows():
        yield writer.writerow(header)
        for rank, group in enumerate(rows_list, start=1):
            yield writer.writerow(
                [
                    rank if ranking.sort != "score" or group.current_score is not None else "",
                    group.pk,
                    _csv_safe(group.name),
                    group.status,
                    _csv_safe(group.owning_organisation.name),
                    f"{group.current_score:.1f}" if group.current_score is not None else "",
                    group.current_band or "",
                    group.current_assessed_on.isoformat() if group.current_assessed_on else "",
                    ";".join(t.code for t in group.threat_areas.all()),
                    ";".join(a.code for a in group.areas.all()),
                    group.disruptions_12m,
                    group.last_disrupted_on.isoformat() if group.last_disrupted_on else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="convenor-group-rankings.csv"'
    return response


@staff_page
def scoring_model_page(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VIEW, model=OrganisedCrimeGroup):
        raise PermissionDenied(SEE_GROUPS_REFUSED)
    return render(request, "groups/scoring_model.html", {"model": services.scoring_model()})
