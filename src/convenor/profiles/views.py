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
from convenor.core.access import Action, visible
from convenor.core.form_view import form_view
from convenor.core.reauth import recent_authentication_required
from convenor.core.views import read_page, staff_page

from . import selectors, services
from .compare import compare_versions
from .config import current_config
from .forms import BuildForm, CompareForm, OpportunityActionForm, ProfileForm
from .models import Profile, ProfileVersion
from .rendering import pdf_available, render_summary_pdf, render_version_pdf, section_context

BUILD_REFUSED = "Only analysts and partnership administrators of the owning organisation build it"


profile_list = read_page("profile_list", "profiles/profile_list.html", selectors.profile_list_page)


@staff_page
def profile_create(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, Action.CREATE, model=Profile):
        raise PermissionDenied("Only analysts and partnership administrators build profiles")
    return form_view(
        request,
        ProfileForm,
        form_kwargs={
            "partnerships": selectors.builder_partnerships(request.user),
            "areas": selectors.profile_area_choices(request.user),
        },
        save=lambda form: services.create_profile_and_build(
            request.user,
            form.cleaned_data["partnership"],
            form.cleaned_data["areas"],
            form.cleaned_data["title"],
            form.cleaned_data["period"],
        ),
        template="profiles/profile_form.html",
        success_message=lambda v: f"Building {v.profile.title} for {v.period}",
    )


@staff_page
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile with its versions; posting the build form queues a new version."""
    profile = selectors.profile_or_404(request.user, pk)
    can_build = access.can(request.user, Action.CHANGE, profile)
    if request.method == "POST" and not can_build:
        raise PermissionDenied(BUILD_REFUSED)
    services.fail_lost_builds(profile)
    versions = selectors.versions_of(request.user, profile)
    built = [v for v in versions if v.status == ProfileVersion.Status.BUILT]
    compare_form = None
    if len(built) >= 2:
        compare_form = CompareForm(
            versions=built, initial={"before": built[1].number, "after": built[0].number}
        )
    return form_view(
        request,
        BuildForm,
        save=lambda form: services.request_build(
            request.user, profile, form.cleaned_data["period"]
        ),
        template="profiles/profile_detail.html",
        context={
            "profile": profile,
            "versions": versions,
            "areas": profile.areas.all(),
            "can_build": can_build,
            "compare_form": compare_form,
        },
        success_message=lambda version: f"Building version {version.number}",
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
    return selectors.version_or_404(request.user, pk, number)


@staff_page
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    context = {"version": version, "profile": version.profile}
    if version.status == ProfileVersion.Status.BUILT:
        services.read_version(request.user, version)
        summary = selectors.summary_of(version)
        figures = selectors.figures_for_reader(request.user, version.figures)
        context.update(section_context(figures, version=version))
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
    pdf = render_version_pdf(
        version,
        request.build_absolute_uri("/"),
        figures=selectors.figures_for_reader(request.user, version.figures),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="soc-local-profile-{version.profile_id}-v{version.number}-'
        f'{version.period}.pdf"'
    )
    return response


@staff_page
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_or_404(request.user, pk)
    built = selectors.versions_of(request.user, profile, built_only=True)
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
    summary = selectors.summary_or_404(request.user, summary_pk)
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
    summary = selectors.summary_or_404(request.user, summary_pk)
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
    summaries = selectors.published_summaries(request.user)
    return render(request, "profiles/public_summary_list.html", {"summaries": summaries})


@never_cache
def public_summary_pdf(request: HttpRequest, summary_pk: int) -> HttpResponse:
    summary = selectors.summary_or_404(request.user, summary_pk)
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
    organisations, people = selectors.action_owners(request.user, version)
    best = organisations.filter(name=opportunity.get("partner")).first()
    return form_view(
        request,
        OpportunityActionForm,
        form_kwargs={
            "boards": boards,
            "organisations": organisations,
            "people": people,
            "initial": {"owner_organisation": best.pk if best else None},
        },
        save=lambda form: services.action_from_opportunity(
            request.user, version, item, **form.cleaned_data
        ),
        template="profiles/opportunity_action.html",
        context={
            "version": version,
            "profile": version.profile,
            "opportunity": opportunity,
            "boards_available": boards.exists(),
        },
        success_message=lambda action: f"Board action “{action.title}” made",
    )
