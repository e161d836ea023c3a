"""Your account: API tokens (listed, issued after re-authentication, revoked), your password,
confirming who you are (re-authentication), and an administrator's password reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import passwords, reauth, selectors, services, signing_in, tokens
from .form_view import form_view
from .forms import ConfirmIdentityForm, NewPasswordForm
from .models import ApiToken
from .views import staff_page


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
    invitations = selectors.invitations_awaiting(request.user)
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
def password_change(request: HttpRequest) -> HttpResponse:
    def change(form: NewPasswordForm) -> str:
        services.change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # this session stays signed in
        return "core:home"

    return form_view(
        request,
        NewPasswordForm,
        form_kwargs={"user": request.user, "request": request},
        save=change,
        template="core/password_change.html",
        context={"forced": request.user.must_change_password},
        success_message="Your password has been changed",
    )


@staff_page
def confirm(request: HttpRequest) -> HttpResponse:
    """Re-authentication: password and a security code, then back where the person was going."""
    return form_view(
        request,
        ConfirmIdentityForm,
        save=lambda form: signing_in.confirm_identity(
            request, form.cleaned_data["password"], form.cleaned_data["code"]
        ),
        template="core/confirm.html",
        context={
            "next": request.GET.get("next", ""),
            "purpose": request.GET.get("purpose", "")[:60],
            "minutes": settings.CONVENOR_REAUTH_MINUTES,
        },
    )


@staff_page
@require_POST
def person_password_reset(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.person_or_404(request.user, username)
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
