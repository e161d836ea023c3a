"""Pages of the core: sign-in with a second factor, home, organisations, people, partnerships and
their agreements, areas and postcodes, the audit record. Every lookup goes through the policy."""

from __future__ import annotations

import base64
import csv

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, audit, reauth, services
from .access import Action, get_visible_or_404, visible
from .areas import PostcodeError, resolve_postcode
from .forms import AgreementForm, InvitationForm, PostcodeForm, SecondFactorForm, SignInForm
from .models import (
    Area,
    AuditEntry,
    InformationSharingAgreement,
    Membership,
    Organisation,
    Partnership,
    PartnershipInvitation,
    User,
)
from .passwords import may_reset_password
from .reauth import recent_authentication_required

PAGE_SIZE = 50


def staff_page(view):
    """A page for a signed-in member of staff (the second factor is enforced by middleware)."""
    return login_required(never_cache(view))


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# --- Sign in ---------------------------------------------------------------------------------


def _second_factor_given(request: HttpRequest, device: TOTPDevice) -> None:
    """Fully signed in: a new session key (nothing learnt before the second factor carries
    over), and both factors count as a recent authentication (core/reauth.py)."""
    request.session.cycle_key()
    otp_login(request, device)
    reauth.mark_authenticated(request)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("core:home")
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        audit.record("signed_in_password", actor=user)
        step = "core:verify" if _confirmed_device(user) else "core:enrol"
        return redirect(f"{reverse(step)}?next={_safe_next(request, reverse('core:home'))}")
    return render(request, "core/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect("core:home")
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("core:enrol")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then try again")
        elif device.verify_token(form.cleaned_data["code"]):
            _second_factor_given(request, device)
            audit.record("signed_in", actor=request.user)
            return redirect(_safe_next(request, reverse("core:home")))
        else:
            audit.record("second_factor_failed", actor=request.user)
            form.add_error("code", "The security code is not right. Check your app and try again")
    return render(request, "core/verify.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up the authenticator app that gives the second factor."""
    if _confirmed_device(request.user):
        return redirect("core:verify")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _second_factor_given(request, device)
            audit.record("second_factor_enrolled", actor=request.user)
            return redirect(_safe_next(request, reverse("core:home")))
        form.add_error("code", "The security code is not right. Check your app and try again")
    qr_code = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "core/enrol.html", {"form": form, "qr_code": qr_code, "secret": secret})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, "You have signed out")
    return redirect("core:login")


# --- Home, organisations, people -------------------------------------------------------------


@staff_page
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = (
        visible(user, Membership.objects.filter(user=user))
        .filter(access.current_memberships())
        .select_related("organisation")
    )
    partnerships = (
        visible(user, Partnership.objects.all())
        .filter(organisations__memberships__user=user)
        .distinct()
    )
    agreements = visible(
        user, InformationSharingAgreement.objects.filter(partnership__in=partnerships)
    )
    return render(
        request,
        "core/home.html",
        {"memberships": memberships, "partnerships": partnerships, "agreements": agreements},
    )


@staff_page
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = visible(request.user, Organisation.objects.select_related("parent"))
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    return render(
        request,
        "core/organisation_list.html",
        {"organisations": organisations, "kinds": Organisation.Kind.choices, "kind": kind},
    )


@staff_page
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_visible_or_404(request.user, Organisation.objects.all(), slug=slug)
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": visible(
                request.user, organisation.memberships.filter(access.current_memberships())
            ).select_related("user"),
            "services": visible(request.user, organisation.services.all()),
            "partnerships": visible(request.user, organisation.partnerships.all()),
            "areas": organisation.areas.all(),
        },
    )


@staff_page
def person_list(request: HttpRequest) -> HttpResponse:
    people = visible(request.user, User.objects.filter(is_active=True))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        people = people.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(username__icontains=query)
        )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/person_list.html", {"page": page, "query": query})


@staff_page
def person_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = get_visible_or_404(request.user, User.objects.all(), username=username)
    memberships = visible(
        request.user, person.memberships.filter(access.current_memberships())
    ).select_related("organisation")
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "can_reset_password": may_reset_password(request.user, person),
        },
    )


# --- Partnerships and agreements -------------------------------------------------------------


@staff_page
def partnership_list(request: HttpRequest) -> HttpResponse:
    partnerships = visible(request.user, Partnership.objects.select_related("lead_organisation"))
    return render(request, "core/partnership_list.html", {"partnerships": partnerships})


@staff_page
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_visible_or_404(request.user, Partnership.objects.all(), slug=slug)
    return render(
        request,
        "core/partnership_detail.html",
        {
            "partnership": partnership,
            "organisations": visible(request.user, partnership.organisations.all()),
            "agreements": visible(request.user, partnership.agreements.all()),
            "areas": partnership.areas.all(),
            "can_change": access.can(request.user, Action.CHANGE, partnership),
            "invitations": visible(request.user, partnership.invitations.all()).select_related(
                "organisation"
            ),
            "invitation_form": InvitationForm(),
        },
    )


@staff_page
@require_http_methods(["POST"])
def partnership_invite(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_visible_or_404(request.user, Partnership.objects.all(), slug=slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_organisation(
                request.user, partnership, form.cleaned_data["organisation"]
            )
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
        else:
            messages.success(request, f"{invitation.organisation} has been invited")
    else:
        messages.error(request, " ".join(form.errors["organisation"]))
    return redirect(partnership)


@staff_page
@require_http_methods(["POST"])
def invitation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_visible_or_404(
        request.user, PartnershipInvitation.objects.select_related("partnership"), pk=pk
    )
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_invitation(request.user, invitation, accept=accept)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        verb = "joined" if accept else "declined to join"
        messages.success(request, f"{invitation.organisation} {verb} {invitation.partnership}")
    return redirect("core:account")


@staff_page
def agreement_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agreement = get_visible_or_404(
        request.user, InformationSharingAgreement.objects.all(), partnership__slug=slug, pk=pk
    )
    return render(
        request,
        "core/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.all(),
            "signatories": agreement.signatories.select_related("organisation"),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_visible_or_404(request.user, Partnership.objects.all(), slug=slug)
    if not access.can(request.user, Action.CHANGE, partnership):
        raise PermissionDenied(
            "Only the lead organisation's partnership administrators can do this"
        )
    form = AgreementForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.create_agreement(
                request.user, partnership, dict(form.cleaned_data)
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, f"Agreement “{agreement.title}” recorded")
            return redirect(agreement)
    return render(request, "core/agreement_form.html", {"form": form, "partnership": partnership})


# --- Areas -----------------------------------------------------------------------------------


@staff_page
def area_list(request: HttpRequest) -> HttpResponse:
    areas = visible(request.user, Area.objects.current().select_related("parent"))
    kind = request.GET.get("kind", "")
    if kind in Area.Kind.values:
        areas = areas.filter(kind=kind)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        areas = areas.filter(Q(name__icontains=query) | Q(code__iexact=query))
    page = Paginator(areas, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/area_list.html",
        {"page": page, "kinds": Area.Kind.choices, "kind": kind, "query": query},
    )


@staff_page
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = get_visible_or_404(request.user, Area.objects.select_related("parent"), code=code)
    return render(
        request,
        "core/area_detail.html",
        {
            "area": area,
            "children": area.children.all(),
            "local_authorities": area.local_authorities.all(),
            "police_force_areas": area.police_force_areas.all(),
            "organisations": visible(request.user, area.organisations.all()),
        },
    )


@staff_page
def postcode_lookup(request: HttpRequest) -> HttpResponse:
    form = PostcodeForm(request.GET or None)
    location = None
    if form.is_bound and form.is_valid():
        try:
            location = resolve_postcode(form.cleaned_data["postcode"])
        except PostcodeError as problem:
            form.add_error("postcode", str(problem))
    return render(request, "core/postcode.html", {"form": form, "location": location})


# --- Audit -----------------------------------------------------------------------------------


def _audit_entries(request: HttpRequest):
    if not access.can(request.user, Action.VIEW, model=AuditEntry):
        raise PermissionDenied("Only auditors and data protection officers read the audit record")
    entries = visible(request.user, AuditEntry.objects.select_related("actor_organisation"))
    filters = {
        "action": request.GET.get("action", "").strip()[:64],
        "username": request.GET.get("username", "").strip()[:150],
        "object_type": request.GET.get("object_type", "").strip()[:100],
    }
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if filters["username"]:
        entries = entries.filter(actor_username=filters["username"])
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    return entries, filters


@staff_page
def audit_list(request: HttpRequest) -> HttpResponse:
    entries, filters = _audit_entries(request)
    # Recorded before the page is counted, so the count and the rows shown agree.
    audit.record("audit_viewed", actor=request.user, detail={"filters": filters})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "chain": audit.chain_status()}
    return render(request, "core/audit_list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_page
@recent_authentication_required("export the audit record")
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The audit entries the auditor may see, as CSV (ISO 8601 times)."""
    entries, filters = _audit_entries(request)
    audit.record("audit_exported", actor=request.user, detail={"filters": filters})
    writer = csv.writer(_Echo())
    header = [
        "id",
        "at",
        "actor",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "object",
        "entry_hash",
    ]

    def rows():
        yield writer.writerow(header)
        for entry in entries.order_by("id").iterator():
            yield writer.writerow(
                [
                    entry.id,
                    entry.at.isoformat(),
                    entry.actor_username,
                    entry.actor_organisation.name if entry.actor_organisation else "",
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    _csv_safe(entry.object_repr),
                    entry.entry_hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="convenor-audit.csv"'
    return response


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formula injection in exported text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Errors: never a stack trace -------------------------------------------------------------


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No request context: whatever failed (the database, say) must not fail the error page too.
    return HttpResponse(render_to_string("500.html"), status=500)
