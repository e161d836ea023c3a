"""Whether an account may still act at all: active, not locked out, and (for anyone who has
held a role) still holding a current one. Sessions and API tokens both ask on every request."""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from .access import current_memberships
from .models import Membership, User


def is_locked_out(user: User) -> bool:
    """Locked out by django-axes (per username, within the cool-off period)."""
    attempts = AccessAttempt.objects.filter(
        username=user.get_username(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.exists()


def account_problem(user: User) -> str | None:
    """Why this account may not act now, in words for the person; ``None`` when it may."""
    if not user.is_active:
        return "This account has been deactivated. Ask your partnership administrator."
    if is_locked_out(user):
        return (
            "This account is locked after too many failed sign-ins. "
            "Wait, or ask your partnership administrator."
        )
    if not user.is_superuser:
        memberships = Membership.objects.filter(user=user)
        if memberships.exists() and not memberships.filter(current_memberships()).exists():
            return "You no longer hold a role in any organisation, so your access has ended."
    return None
