"""Signing in and confirming who you are, as services the pages call through ``form_view``:
the password, the second factor (a TOTP code from an authenticator app, set up at the first
sign-in) and re-authentication. Each raises a ``ValidationError`` keyed by the form's field when
a factor is wrong (and records the failure in the audit chain), or returns where to go next."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, reauth
from .models import User

CODE_WRONG = "The security code is not right. Check your app and try again"
TOO_MANY_CODES = "Too many wrong codes. Wait a minute, then try again"
PASSWORD_WRONG = "Your password is not right. Enter it again."


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The ``next`` the request names when it stays on this site, else ``default`` (home)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default if default is not None else reverse("core:home")


def _second_factor_given(request: HttpRequest, device: TOTPDevice) -> None:
    """Fully signed in: a new session key (nothing learnt before the second factor carries
    over), and both factors count as a recent authentication (core/reauth.py)."""
    request.session.cycle_key()
    otp_login(request, device)
    reauth.mark_authenticated(request)


def password_given(request: HttpRequest, user: User) -> str:
    """The first factor was right: signed in with the password; the second factor comes next
    (set up first when the person has no authenticator yet)."""
    auth_login(request, user)
    audit.record("signed_in_password", actor=user)
    step = "core:verify" if confirmed_device(user) else "core:enrol"
    return f"{reverse(step)}?next={safe_next(request)}"


def _check_code(device: TOTPDevice, code: str, *, failed: str, actor: User) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"code": TOO_MANY_CODES})
    if not device.verify_token(code):
        audit.record(failed, actor=actor)
        raise ValidationError({"code": CODE_WRONG})


def verify_second_factor(request: HttpRequest, device: TOTPDevice, code: str) -> str:
    _check_code(device, code, failed="second_factor_failed", actor=request.user)
    _second_factor_given(request, device)
    audit.record("signed_in", actor=request.user)
    return safe_next(request)


def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being set up at the first sign-in (made on the first visit)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    return device


def enrol_second_factor(request: HttpRequest, device: TOTPDevice, code: str) -> str:
    if not device.verify_token(code):
        raise ValidationError({"code": CODE_WRONG})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _second_factor_given(request, device)
    audit.record("second_factor_enrolled", actor=request.user)
    return safe_next(request)


def confirm_identity(request: HttpRequest, password: str, code: str) -> str:
    """Re-authentication: the password (through ``authenticate()``, so wrong ones count towards
    the lockout) and a fresh security code."""
    user = request.user
    device = confirmed_device(user)
    allowed, _ = device.verify_is_allowed() if device else (False, None)
    confirmed = authenticate(request, username=user.get_username(), password=password)
    if confirmed is None or confirmed.pk != user.pk:
        audit.record("reauthentication_failed", actor=user)
        raise ValidationError({"password": PASSWORD_WRONG})
    if not allowed:
        raise ValidationError({"code": TOO_MANY_CODES})
    if not device.verify_token(code):
        audit.record("reauthentication_failed", actor=user)
        raise ValidationError({"code": CODE_WRONG})
    reauth.mark_authenticated(request)
    audit.record("reauthenticated", actor=user)
    return safe_next(request)
