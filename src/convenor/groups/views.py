"""Pages for organised crime groups: list, detail (audited), record and change, members,
assessments, rankings per area and threat area (with an audited CSV export), the scoring model.
Every lookup goes through the policy: a group the user may not see is not found."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from convenor.core import access
from convenor.core.access import Action, get_visible_or_404, visible
from convenor.core.models import Area
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import PAGE_SIZE, _csv_safe, _Echo, staff_page
from convenor.threat.models import Entity

from . import services
from .forms import AssessmentForm, GroupForm, MemberForm
from .models import GroupMember, OrganisedCrimeGroup, ThreatArea
from .rankings import ranked_groups


def _groups(request: HttpRequest):
    return visible(
        request.user,
        OrganisedCrimeGroup.objects.select_related(
            "owning_organisation", "partnership", "lead_responsible_officer"
        ),
    )


def _group_or_404(request: HttpRequest, pk: int) -> OrganisedCrimeGroup:
    return get_visible_or_404(request.user, _groups(request), pk=pk)


def _require_change(request: HttpRequest, group: OrganisedCrimeGroup) -> None:
    if not access.can(request.user, Action.CHANGE, group):
        raise PermissionDenied(services.CHANGE_REFUSED)


def _apply_errors(form, problem: ValidationError) -> None:
    if hasattr(problem, "error_dict"):
        for field, errors in problem.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, problem)


# --- List and detail -------------------------------------------------------------------------


@staff_page
def group_list(request: HttpRequest) -> HttpResponse:
    groups = _groups(request).with_current_assessment().prefetch_related("threat_areas")
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "status": request.GET.get("status", ""),
        "threat_area": request.GET.get("threat_area", "")[:60],
    }
    if filters["q"]:
        groups = groups.filter(Q(name__icontains=filters["q"]))
    if filters["status"] in OrganisedCrimeGroup.Status.values:
        groups = groups.filter(status=filters["status"])
    else:
        filters["status"] = ""
    if filters["threat_area"]:
        groups = groups.filter(threat_areas__code=filters["threat_area"])
    page = Paginator(groups.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
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
    group = _group_or_404(request, pk)
    services.view_group(request.user, group)
    members = sorted(
        visible(request.user, group.members.select_related("entity")),
        key=lambda m: (GroupMember.ROLE_ORDER[m.role], m.name.lower()),
    )
    assessments = visible(request.user, group.assessments.select_related("assessed_by"))
    linked = [m.entity_id for m in members if m.entity_id]
    seen_entities = set(
        visible(request.user, Entity.objects.filter(pk__in=linked)).values_list("pk", flat=True)
    )
    for member in members:
        member.visible_entity = member.entity if member.entity_id in seen_entities else None
    return render(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "members": members,
            "assessments": assessments,
            "current": assessments.first(),
            "threat_areas": group.threat_areas.all(),
            "harm_characteristics": group.harm_characteristics.all(),
            "areas": group.areas.all(),
            "can_change": access.can(request.user, Action.CHANGE, group),
            "model": services.scoring_model(),
            # The threat network around the group: only for those who may see linked records.
            "network_around": f"group:{group.pk}"
            if seen_entities and access.can(request.user, Action.VIEW, model=Entity)
            else "",
        },
    )


# --- Record and change -----------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.CREATE, model=OrganisedCrimeGroup):
        raise PermissionDenied(services.CHANGE_REFUSED)
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.record_group(
                request.user, form.cleaned_data["owning_organisation"], form.service_fields()
            )
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, f"Group “{group.name}” recorded")
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@staff_page
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    _require_change(request, group)
    initial = {
        "name": group.name,
        "status": group.status,
        "summary": group.summary,
        "lead_responsible_officer": group.lead_responsible_officer,
        "partnership": group.partnership,
        "threat_areas": group.threat_areas.all(),
        "harm_characteristics": group.harm_characteristics.all(),
        "areas": group.areas.all(),
    }
    form = GroupForm(request.POST or None, user=request.user, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_group(request.user, group, form.service_fields())
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, f"Group “{group.name}” changed")
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


# --- Members ---------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    _require_change(request, group)
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(request.user, group, form.cleaned_data)
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(
                request, f"{member.name} added as a {member.get_role_display()} member"
            )
            return redirect(group)
    return render(request, "groups/member_form.html", {"form": form, "group": group})


@staff_page
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    member = get_visible_or_404(request.user, group.members.all(), pk=member_pk)
    _require_change(request, group)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_member(request.user, member, form.cleaned_data)
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, f"{member.name} changed")
            return redirect(group)
    return render(
        request, "groups/member_form.html", {"form": form, "group": group, "member": member}
    )


@staff_page
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    member = get_visible_or_404(request.user, group.members.all(), pk=member_pk)
    _require_change(request, group)
    services.remove_member(request.user, member)
    messages.success(request, f"{member.name} removed from the group")
    return redirect(group)


# --- Assessments -----------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    _require_change(request, group)
    model = services.scoring_model()
    current = group.current_assessment()
    # Start from the current scores when they came from the same model: the analyst changes
    # what has changed. The rationale and date are always new.
    initial = dict(current.inputs) if current and current.model_version == model.version else {}
    form = AssessmentForm(request.POST or None, model=model, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.record_assessment(
                request.user,
                group,
                inputs=form.inputs(),
                rationale=form.cleaned_data["rationale"],
                assessed_on=form.cleaned_data["assessed_on"],
                model=model,
            )
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(
                request, f"Assessment recorded: score {assessment.score}, {assessment.band_label}"
            )
            return redirect(group)
    return render(
        request,
        "groups/assessment_form.html",
        {"form": form, "group": group, "model": model, "current": current},
    )


@staff_page
def assessment_detail(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    assessment = get_visible_or_404(
        request.user, group.assessments.select_related("assessed_by"), pk=assessment_pk
    )
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


def _ranking_filters(request: HttpRequest):
    code = request.GET.get("area", "").strip()[:16]
    threat_code = request.GET.get("threat_area", "").strip()[:60]
    area = visible(request.user, Area.objects.all()).filter(code=code).first() if code else None
    threat_area = ThreatArea.objects.filter(code=threat_code).first() if threat_code else None
    include_archived = request.GET.get("archived") == "1"
    groups = ranked_groups(
        request.user, area=area, threat_area=threat_area, include_archived=include_archived
    )
    filters = {
        "area": area.code if area else "",
        "threat_area": threat_area.code if threat_area else "",
        "archived": "1" if include_archived else "",
    }
    problems = []
    if code and area is None:
        problems.append(f"There is no area with the code “{code}”")
    if threat_code and threat_area is None:
        problems.append("There is no threat area with that code")
    return groups, filters, area, threat_area, problems


@staff_page
def rankings(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VIEW, model=OrganisedCrimeGroup):
        raise PermissionDenied("Only members of partner organisations see groups")
    groups, filters, area, threat_area, problems = _ranking_filters(request)
    return render(
        request,
        "groups/rankings.html",
        {
            "groups": groups.prefetch_related("threat_areas", "areas")[:500],
            "filters": filters,
            "area": area,
            "threat_area": threat_area,
            "problems": problems,
            "threat_areas": ThreatArea.objects.all(),
            "area_choices": Area.objects.filter(
                organised_crime_groups__in=visible(request.user, OrganisedCrimeGroup.objects.all())
            )
            .distinct()
            .order_by("name"),
        },
    )


@staff_page
@recent_authentication_required("export organised crime groups")
def rankings_export(request: HttpRequest) -> StreamingHttpResponse:
    """The ranked groups as CSV (ISO 8601 dates); audited."""
    groups, filters, _, _, _ = _ranking_filters(request)
    groups = groups.prefetch_related(
        "threat_areas", Prefetch("areas", queryset=Area.objects.order_by("name"))
    )
    rows_list = list(groups)
    services.record_export(request.user, "rankings", filters, len(rows_list))
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
    ]

    def rows():
        yield writer.writerow(header)
        for rank, group in enumerate(rows_list, start=1):
            yield writer.writerow(
                [
                    rank if group.current_score is not None else "",
                    group.pk,
                    _csv_safe(group.name),
                    group.status,
                    _csv_safe(group.owning_organisation.name),
                    f"{group.current_score:.1f}" if group.current_score is not None else "",
                    group.current_band or "",
                    group.current_assessed_on.isoformat() if group.current_assessed_on else "",
                    ";".join(t.code for t in group.threat_areas.all()),
                    ";".join(a.code for a in group.areas.all()),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="convenor-group-rankings.csv"'
    return response


@staff_page
def scoring_model_page(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.VIEW, model=OrganisedCrimeGroup):
        raise PermissionDenied("Only members of partner organisations see groups")
    return render(request, "groups/scoring_model.html", {"model": services.scoring_model()})
