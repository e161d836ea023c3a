"""Pages of the core: sign-in with a second factor, home, organisations, people, partnerships and
their agreements, areas and postcodes, the audit record. Thin: reads come from :mod:`.selectors`,
sign-in steps from :mod:`.signing_in`, changes from :mod:`.services`, forms through
:func:`convenor.core.form_view.form_view`."""

from __future__ import annotations

import base64
import csv
from collections.abc import Callable

import segno
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import access, audit, selectors, services, signing_in
from .access import Action
from .areas import PostcodeError, resolve_postcode
from .form_view import form_view
from .forms import (
    AgreementForm,
    AuditFilterForm,
    InvitationForm,
    PostcodeForm,
    SecondFactorForm,
    SignatureForm,
    SignInForm,
)
from .models import Area, Organisation
from .reauth import recent_authentication_required

PAGE_SIZE = 50


def staff_page(view):
    """A page for a signed-in member of staff (the second factor is enforced by middleware)."""
    return login_required(never_cache(view))


def read_page(name: str, template: str, read) -> Callable[..., HttpResponse]:
    """A staff page (the view ``name``) showing what ``read(user, **url_values)`` returns: a
    selector that gives the page's context (``selectors.agreement_page``)."""

    def view(request: HttpRequest, **url_values) -> HttpResponse:
        return render(request, template, read(request.user, **url_values))

    view.__name__ = view.__qualname__ = name
    return staff_page(view)


# --- Sign in ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("core:home")
    return form_view(
        request,
        SignInForm,
        form_kwargs={"request": request},
        save=lambda form: signing_in.password_given(request, form.get_user()),
        template="core/sign_in.html",
        context={"next": request.GET.get("next", "")},
    )


def _second_factor_step(view):
    """A step after the password (verify, enrol): never cached, signed in, GET or POST."""
    return never_cache(login_required(require_http_methods(["GET", "POST"])(view)))


def _second_factor_form(request: HttpRequest, device, check, template: str, context: dict):
    """The authenticator app's code for ``device``, checked by ``check`` (a signing_in step)."""
    return form_view(
        request,
        SecondFactorForm,
        save=lambda form: check(request, device, form.cleaned_data["code"]),
        template=template,
        context=context,
    )


@_second_factor_step
def verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect("core:home")
    device = signing_in.confirmed_device(request.user)
    if device is None:
        return redirect("core:enrol")
    return _second_factor_form(
        request,
        device,
        signing_in.verify_second_factor,
        "core/verify.html",
        {"next": request.GET.get("next", "")},
    )


@_second_factor_step
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up the authenticator app that gives the second factor."""
    if signing_in.confirmed_device(request.user):
        return redirect("core:verify")
    device = signing_in.enrolment_device(request.user)
    qr_code = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return _second_factor_form(
        request,
        device,
        signing_in.enrol_second_factor,
        "core/enrol.html",
        {"qr_code": qr_code, "secret": secret},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, "You have signed out")
    return redirect("core:login")


# --- Home, organisations, people -------------------------------------------------------------


home = read_page("home", "core/home.html", selectors.home_overview)


@staff_page
def organisation_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    organisations = selectors.organisation_list(request.user, kind)
    return render(
        request,
        "core/organisation_list.html",
        {"organisations": organisations, "kinds": Organisation.Kind.choices, "kind": kind},
    )


organisation_detail = read_page(
    "organisation_detail", "core/organisation_detail.html", selectors.organisation_page
)


@staff_page
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    people = selectors.person_list(request.user, query)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/person_list.html", {"page": page, "query": query})


person_detail = read_page("person_detail", "core/person_detail.html", selectors.person_page)


# --- Partnerships and agreements -------------------------------------------------------------


partnership_list = read_page(
    "partnership_list", "core/partnership_list.html", selectors.partnership_list_page
)


@staff_page
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.partnership_page(request.user, slug)
    return render(
        request, "core/partnership_detail.html", {**page, "invitation_form": InvitationForm()}
    )


def _told(request: HttpRequest, problem: ValidationError) -> None:
    """A refused decision posted from another page: said at the top of the page it returns to."""
    messages.error(request, " ".join(problem.messages))


@staff_page
@require_http_methods(["POST"])
def partnership_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Posted from the partnership's page, which shows the outcome as a message."""
    partnership = selectors.partnership_or_404(request.user, slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        _told(request, ValidationError(form.errors["organisation"]))
        return redirect(partnership)
    try:
        invitation = services.invite_organisation(
            request.user, partnership, form.cleaned_data["organisation"]
        )
    except ValidationError as problem:
        _told(request, problem)
    else:
        messages.success(request, f"{invitation.organisation} has been invited")
    return redirect(partnership)


@staff_page
@require_http_methods(["POST"])
def invitation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Posted from your account page, which shows the outcome as a message."""
    invitation = selectors.invitation_or_404(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_invitation(request.user, invitation, accept=accept)
    except ValidationError as problem:
        _told(request, problem)
    else:
        verb = "joined" if accept else "declined to join"
        messages.success(request, f"{invitation.organisation} {verb} {invitation.partnership}")
    return redirect("core:account")


agreement_detail = read_page(
    "agreement_detail", "core/agreement_detail.html", selectors.agreement_page
)


@staff_page
def agreement_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = selectors.partnership_or_404(request.user, slug)
    if not access.can(request.user, Action.CHANGE, partnership):
        raise PermissionDenied(services.LEAD_ONLY)
    return form_view(
        request,
        AgreementForm,
        form_kwargs={"partnership": partnership},
        save=lambda form: services.create_agreement(
            request.user, partnership, dict(form.cleaned_data)
        ),
        template="core/agreement_form.html",
        context={"partnership": partnership, "heading": "New information sharing agreement"},
        success_message=lambda agreement: f"Agreement “{agreement.title}” recorded as a draft",
    )


@staff_page
def agreement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agreement = selectors.agreement_or_404(request.user, slug, pk)
    services.require_edit(request.user, agreement)
    return form_view(
        request,
        AgreementForm,
        form_kwargs={"partnership": agreement.partnership, "instance": agreement},
        save=lambda form: services.change_agreement(
            request.user, agreement, dict(form.cleaned_data)
        ),
        template="core/agreement_form.html",
        context={"partnership": agreement.partnership, "heading": f"Edit “{agreement}”"},
        success_message=lambda agreement: f"Agreement “{agreement.title}” saved",
    )


@staff_page
def agreement_sign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agreement = selectors.agreement_or_404(request.user, slug, pk)
    organisations = services.organisations_to_sign(request.user, agreement)
    if not organisations or agreement.superseded_by_id:
        raise PermissionDenied("Only an administrator of a party that has not signed signs it")
    return form_view(
        request,
        SignatureForm,
        form_kwargs={"organisations": organisations, "user": request.user},
        save=lambda form: services.sign_agreement(request.user, agreement, **form.signature()),
        template="core/agreement_sign.html",
        context={"agreement": agreement},
        success_url=agreement,
        success_message=lambda s: f"{s.organisation} signed “{agreement.title}”",
    )


@staff_page
def agreement_renew(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    agreement = selectors.agreement_or_404(request.user, slug, pk)
    services.require_renew(request.user, agreement)

    def renew(form):
        renewal = services.renew_agreement(request.user, agreement, dict(form.cleaned_data))
        for what in renewal.not_carried_over:
            messages.warning(request, f"Not carried over: {what}")
        return renewal.agreement

    return form_view(
        request,
        AgreementForm,
        form_kwargs={
            "partnership": agreement.partnership,
            "initial": services.renewal_initial(agreement),
        },
        save=renew,
        template="core/agreement_form.html",
        context={"partnership": agreement.partnership, "heading": f"Renew “{agreement}”"},
        success_message=lambda renewal: f"“{renewal.title}” renews “{agreement.title}”",
    )


# --- Areas -----------------------------------------------------------------------------------


@staff_page
def area_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()[:100]
    areas = selectors.area_list(request.user, kind, query)
    page = Paginator(areas, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/area_list.html",
        {"page": page, "kinds": Area.Kind.choices, "kind": kind, "query": query},
    )


area_detail = read_page("area_detail", "core/area_detail.html", selectors.area_page)


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


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, selectors.AuditFilters | None]:
    """The filters from the query string; ``None`` when they are not valid (the form says why)."""
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, selectors.AuditFilters.from_form(form.cleaned_data)


@staff_page
def audit_list(request: HttpRequest) -> HttpResponse:
    form, filters = _audit_filters(request)
    context = {"form": form, "chain": audit.chain_status(), "page": None}
    if filters is None:
        selectors.audit_entries(request.user, selectors.AuditFilters())  # 403 before 400
        return render(request, "core/audit_list.html", context, status=400)
    entries = selectors.audit_entries(request.user, filters)
    # Recorded before the page is counted, so the count and the rows shown agree.
    audit.record("audit_viewed", actor=request.user, detail={"filters": filters.as_dict()})
    context["page"] = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_page
@recent_authentication_required("export the audit record")
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The audit entries the auditor may see, as CSV (ISO 8601 times)."""
    form, filters = _audit_filters(request)
    if filters is None:
        selectors.audit_entries(request.user, selectors.AuditFilters())  # 403 before 400
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    entries = selectors.audit_entries(request.user, filters)
    audit.record("audit_exported", actor=request.user, detail={"filters": filters.as_dict()})
    writer = csv.writer(_Echo())
    header = [
        "id",
        "at",
        "actor",
        "organisation",
        "action",
        "action_label",
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
                    audit.action_label(entry.action),
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
