"""Your account: API tokens (listed, issued after re-authentication, revoked), your password,
confirming who you are (re-authentication), and an administrator's password reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import access, audit, passwords, reauth, services, tokens
from .access import get_visible_or_404
from .forms import ConfirmIdentityForm, NewPasswordForm
from .models import ApiToken, PartnershipInvitation, Role, User
from .views import _confirmed_device, _safe_next, staff_page


@staff_page
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            token_id = request.POST.get("token", "")
            if not token_id.isdigit():
                messages.error(request, "Choose a token to revoke")
            elif services.revoke_api_token(request.user, int(token_id)):
                messages.success(request, "The API token has been revoked")
            else:
                messages.error(request, "That token does not exist or was already revoked")
            return redirect("core:account")
        answer = reauth.require_recent_authentication(request, "create an API token")
        if answer:
            return answer
        new_key = services.issue_api_token(request.user)
    now = timezone.now()
    user_tokens = [
        {"token": t, "state": tokens.token_state(t, now)}
        for t in ApiToken.objects.filter(user=request.user)
    ]
    administered = access.standing(request.user).organisations_with_role(
        Role.PARTNERSHIP_ADMINISTRATOR
    )
    invitations = PartnershipInvitation.objects.filter(
        organisation__in=administered, accepted__isnull=True
    ).select_related("partnership", "organisation", "invited_by")
    return render(
        request,
        "core/account.html",
        {
            "new_key": new_key,
            "tokens": user_tokens,
            "idle_days": tokens.idle_limit().days,
            "invitations": invitations,
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = NewPasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # this session stays signed in
        messages.success(request, "Your password has been changed")
        return redirect("core:home")
    return render(
        request,
        "core/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    """Re-authentication: password and a security code, then back where the person was going."""
    form = ConfirmIdentityForm(request.POST or None)
    purpose = request.GET.get("purpose", "")[:60]
    if request.method == "POST" and form.is_valid():
        device = _confirmed_device(request.user)
        allowed, _ = device.verify_is_allowed() if device else (False, None)
        # Through authenticate(), so wrong passwords here count towards the lockout too.
        confirmed = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"]
        )
        if confirmed is None or confirmed.pk != request.user.pk:
            audit.record("reauthentication_failed", actor=request.user)
            form.add_error("password", "Your password is not right. Enter it again.")
        elif not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then try again")
        elif not device.verify_token(form.cleaned_data["code"]):
            audit.record("reauthentication_failed", actor=request.user)
            form.add_error("code", "The security code is not right. Check your app and try again")
        else:
            reauth.mark_authenticated(request)
            audit.record("reauthenticated", actor=request.user)
            return redirect(_safe_next(request, reverse("core:home")))
    return render(
        request,
        "core/confirm.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "purpose": purpose,
            "minutes": settings.CONVENOR_REAUTH_MINUTES,
        },
    )


@staff_page
@require_POST
def person_password_reset(request: HttpRequest, username: str) -> HttpResponse:
    person = get_visible_or_404(request.user, User.objects.all(), username=username)
    if not passwords.may_reset_password(request.user, person):
        raise PermissionDenied(
            "Only a partnership administrator of this person's organisation can reset it"
        )
    answer = reauth.require_recent_authentication(request, "reset a password")
    if answer:
        return answer
    password = services.reset_password(request.user, person)
    return render(
        request, "core/password_reset_done.html", {"person": person, "password": password}
    )
