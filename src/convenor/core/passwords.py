"""Passwords: a person changes their own; a partnership administrator of their organisation
resets it to a one-time password, shown once, which must be changed at the next sign-in."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import access, audit
from .models import Membership, User
from .tokens import revoke_api_token


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def may_reset_password(actor: User, person: User) -> bool:
    """Through the policy: whoever may change one of the person's current roles (a partnership
    administrator of their organisation) may reset their password; nobody resets their own."""
    if actor.pk == person.pk:
        return False
    memberships = Membership.objects.filter(access.current_memberships(), user=person)
    return any(access.can(actor, access.Action.CHANGE, m) for m in memberships)


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    """The person's own change; ``new_password`` already passed Django's validators (the form).
    Every API token is revoked with it: a changed password often means a leaked one."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    revoke_api_token(user)
    audit.record("password_changed", actor=user, obj=user)


@transaction.atomic
def reset_password(actor: User, person: User) -> str:
    """A one-time password for ``person``, returned once. Their sessions end (the password hash
    changes) and their tokens are revoked; they must choose a new password when they sign in."""
    if not may_reset_password(actor, person):
        raise PermissionDenied(
            "Only a partnership administrator of this person's organisation can reset it"
        )
    password = one_time_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    revoke_api_token(person, by=actor)
    audit.record("password_reset", actor=actor, obj=person)
    return password
