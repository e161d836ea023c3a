"""Pages of SOC local profiles: the list, creating a profile, building versions in the
background with their progress, a version as a page and as a PDF, two versions side by side,
and the sanitised public summary (public once published). Every lookup goes through the policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from convenor.core import access
from convenor.core.access import Action, get_visible_or_404, visible
from convenor.core.models import Partnership
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import staff_page

from . import services
from .compare import compare_versions
from .config import current_config
from .forms import BuildForm, CompareForm, OpportunityActionForm, ProfileForm
from .models import Profile, ProfileVersion, PublicSummary
from .rendering import pdf_available, render_summary_pdf, render_version_pdf, section_context


def _builder_partnerships(user):
    """Partnerships in which the user may create a profile."""
    s = access.standing(user)
    orgs = s.organisations_with_role("analyst") | s.organisations_with_role(
        "partnership_administrator"
    )
    partnerships = visible(user, Partnership.objects.all())
    if s.superuser:
        return partnerships
    return partnerships.filter(organisations__in=orgs).distinct()


def _form_error(form, problem: ValidationError) -> None:
    if hasattr(problem, "error_dict"):
        for field, errors in problem.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, problem)


@staff_page
def profile_list(request: HttpRequest) -> HttpResponse:
    profiles = (
        visible(request.user, Profile.objects.select_related("partnership", "owner_organisation"))
        .prefetch_related("areas")
        .order_by("title")
    )
    return render(
        request,
        "profiles/profile_list.html",
        {
            "profiles": profiles,
            "can_create": access.can(request.user, Action.CREATE, model=Profile),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.CREATE, model=Profile):
        raise PermissionDenied("Only analysts and partnership administrators build profiles")
    partnerships = _builder_partnerships(request.user)
    form = ProfileForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.create_profile(
                request.user, data["partnership"], data["areas"], data["title"]
            )
            version = services.request_build(request.user, profile, data["period"])
        except ValidationError as problem:
            _form_error(form, problem)
        else:
            messages.success(request, f"Building {profile.title} for {version.period}")
            return redirect(version)
    return render(request, "profiles/profile_form.html", {"form": form})


@staff_page
@require_http_methods(["GET", "POST"])
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_visible_or_404(
        request.user, Profile.objects.select_related("partnership", "owner_organisation"), pk=pk
    )
    can_build = access.can(request.user, Action.CHANGE, profile)
    form = BuildForm(request.POST or None)
    if request.method == "POST":
        if not can_build:
            raise PermissionDenied(
                "Only analysts and partnership administrators of the owning organisation build it"
            )
        if form.is_valid():
            try:
                version = services.request_build(request.user, profile, form.cleaned_data["period"])
            except ValidationError as problem:
                _form_error(form, problem)
            else:
                messages.success(request, f"Building version {version.number}")
                return redirect(version)
    services.fail_lost_builds(profile)
    versions = list(visible(request.user, profile.versions.all()).order_by("-number"))
    built = [v for v in versions if v.status == ProfileVersion.Status.BUILT]
    compare_form = CompareForm(versions=built) if len(built) >= 2 else None
    if compare_form is not None:
        compare_form.initial = {"before": built[1].number, "after": built[0].number}
    return render(
        request,
        "profiles/profile_detail.html",
        {
            "profile": profile,
            "versions": versions,
            "areas": profile.areas.all(),
            "can_build": can_build,
            "form": form,
            "compare_form": compare_form,
        },
    )


def _links_for_viewer(user, version: ProfileVersion, sections: list[dict]) -> None:
    """Where the viewer may see the records behind a count, link to them: the groups they may
    see, and the threat picture's network when they may read the partnership's records."""
    from django.apps import apps

    for item in sections:
        if item["key"] == "groups" and apps.is_installed("convenor.groups"):
            from convenor.groups.models import OrganisedCrimeGroup

            ids = [g["id"] for g in item["figures"].get("groups", [])]
            seen = set(
                visible(user, OrganisedCrimeGroup.objects.filter(pk__in=ids)).values_list(
                    "pk", flat=True
                )
            )
            item["groups_view"] = [
                {**g, "url": reverse("groups:detail", args=[g["id"]]) if g["id"] in seen else ""}
                for g in item["figures"].get("groups", [])
            ]
        if item["key"] == "partner_data" and apps.is_installed("convenor.threat"):
            from convenor.threat.access_rules import readable_datasets

            readable = readable_datasets(access.standing(user)).filter(
                partnership=version.profile.partnership
            )
            if readable.exists():
                item["records_url"] = reverse("threat:network")


def _version(request: HttpRequest, pk: int, number: int) -> ProfileVersion:
    return get_visible_or_404(
        request.user,
        ProfileVersion.objects.select_related(
            "profile__partnership", "profile__owner_organisation", "requested_by"
        ),
        profile_id=pk,
        number=number,
    )


@staff_page
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    context = {"version": version, "profile": version.profile}
    if version.status == ProfileVersion.Status.BUILT:
        services.read_version(request.user, version)
        summary = PublicSummary.objects.filter(version=version).first()
        context.update(section_context(version.figures, version=version))
        _links_for_viewer(request.user, version, context["sections"])
        boards = services.boards_for(request.user, version.profile)
        if boards is not None and boards.exists():
            for item in context["sections"]:
                if item["key"] == "opportunities":
                    item["action_base"] = reverse(
                        "profiles:opportunity_action", args=[pk, number, 0]
                    ).removesuffix("0/action/")
        context.update(
            {
                "can_build": access.can(request.user, Action.CHANGE, version.profile),
                "summary": summary,
                "pdf_available": pdf_available(),
            }
        )
    return render(request, "profiles/version_detail.html", context)


@staff_page
def version_status(request: HttpRequest, pk: int, number: int) -> JsonResponse:
    """How far a build has gone, for the progress page's script."""
    version = _version(request, pk, number)
    return JsonResponse(
        {
            "status": version.status,
            "progress": version.progress,
            "stage": version.stage,
            "finished": version.is_finished,
        }
    )


@staff_page
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    if version.status != ProfileVersion.Status.BUILT or not pdf_available():
        raise Http404("No PDF for this version")
    services.read_version(request.user, version, how="pdf_exported")
    pdf = render_version_pdf(version, request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="soc-local-profile-{version.profile_id}-v{version.number}-'
        f'{version.period}.pdf"'
    )
    return response


@staff_page
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_visible_or_404(request.user, Profile.objects.all(), pk=pk)
    built = list(
        visible(request.user, profile.versions.filter(status=ProfileVersion.Status.BUILT)).order_by(
            "-number"
        )
    )
    form = CompareForm(request.GET or None, versions=built)
    comparison = None
    if form.is_bound and form.is_valid():
        by_number = {v.number: v for v in built}
        before = by_number[form.cleaned_data["before"]]
        after = by_number[form.cleaned_data["after"]]
        if before.number > after.number:
            before, after = after, before
        for v in (before, after):
            services.read_version(request.user, v, how="compared")
        comparison = compare_versions(before, after)
    return render(
        request,
        "profiles/compare.html",
        {"profile": profile, "form": form, "comparison": comparison},
    )


@staff_page
@require_POST
def summary_prepare(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    try:
        summary = services.prepare_public_summary(request.user, version)
    except ValidationError as problem:
        messages.success(request, "; ".join(problem.messages))
        return redirect(version)
    messages.success(request, "Public summary prepared: check it, then publish it")
    return redirect(summary)


@staff_page
@require_POST
@recent_authentication_required("publish a public summary")
def summary_publish(request: HttpRequest, summary_pk: int) -> HttpResponse:
    summary = get_visible_or_404(
        request.user, PublicSummary.objects.select_related("version__profile"), pk=summary_pk
    )
    if request.POST.get("action") == "withdraw":
        services.withdraw_public_summary(request.user, summary)
        messages.success(request, "Public summary withdrawn: the public no longer sees it")
    else:
        services.publish_public_summary(request.user, summary)
        messages.success(request, "Public summary published")
    return redirect(summary)


@never_cache
def public_summary(request: HttpRequest, summary_pk: int) -> HttpResponse:
    """A public summary: anyone may read a published one; an unpublished one only those who
    see the profile (everyone else is told it does not exist)."""
    summary = get_visible_or_404(
        request.user,
        PublicSummary.objects.select_related("version__profile__partnership"),
        pk=summary_pk,
    )
    context = {
        "summary": summary,
        "version": summary.version,
        "profile": summary.version.profile,
        "can_publish": access.can(request.user, Action.CHANGE, summary),
        "threshold": current_config().suppression_threshold,
    }
    context.update(section_context(summary.public_figures, public=True))
    return render(request, "profiles/public_summary.html", context)


@never_cache
def public_summary_list(request: HttpRequest) -> HttpResponse:
    summaries = visible(
        request.user,
        PublicSummary.objects.filter(published_at__isnull=False).select_related("version__profile"),
    ).order_by("-published_at")
    return render(request, "profiles/public_summary_list.html", {"summaries": summaries})


@never_cache
def public_summary_pdf(request: HttpRequest, summary_pk: int) -> HttpResponse:
    summary = get_visible_or_404(
        request.user,
        PublicSummary.objects.select_related("version__profile__partnership"),
        pk=summary_pk,
    )
    pdf = render_summary_pdf(summary, request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="soc-profile-public-summary-{summary.pk}.pdf"'
    )
    return response


@staff_page
@require_http_methods(["GET", "POST"])
def opportunity_action(request: HttpRequest, pk: int, number: int, item: int) -> HttpResponse:
    """Turn a profile opportunity into a board action (governance) in one step."""
    version = _version(request, pk, number)
    opportunity = services.opportunity(version, item)
    boards = services.boards_for(request.user, version.profile)
    if opportunity is None or boards is None:
        raise Http404("No such opportunity")
    from convenor.core.access import current_memberships
    from convenor.core.models import Membership, User

    organisations = version.profile.partnership.organisations.all()
    holders = Membership.objects.filter(current_memberships(), organisation__in=organisations)
    people = visible(
        request.user, User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
    ).order_by("last_name", "first_name")
    best = organisations.filter(name=opportunity.get("partner")).first()
    form = OpportunityActionForm(
        request.POST or None,
        boards=boards,
        organisations=organisations,
        people=people,
        initial={"owner_organisation": best.pk if best else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_from_opportunity(
                request.user, version, item, **form.cleaned_data
            )
        except ValidationError as problem:
            _form_error(form, problem)
        else:
            messages.success(request, f"Board action “{action.title}” made")
            return redirect(action)
    return render(
        request,
        "profiles/opportunity_action.html",
        {
            "form": form,
            "version": version,
            "profile": version.profile,
            "opportunity": opportunity,
            "boards_available": boards.exists(),
        },
    )
