"""Personal API tokens: issued after re-authentication, kept only as a hash, and refused once
expired, idle too long, revoked, or when the account no longer stands (see ``standing``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import audit
from .models import ApiToken, User
from .standing import account_problem

# Last use is written at most this often, so a busy client does not write on every request.
LAST_USED_PRECISION = datetime.timedelta(hours=1)


def hash_key(key: str) -> str:
    """A key is 160 random bits, so a plain SHA-256 (not a slow password hash) is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CONVENOR_API_TOKEN_DAYS)


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CONVENOR_API_TOKEN_IDLE_DAYS)


def idle_since(token: ApiToken) -> datetime.datetime:
    return token.last_used_at or token.created_at


def token_state(token: ApiToken, now: datetime.datetime | None = None) -> str:
    """``active``, ``expired`` or ``idle`` (unused for longer than the idle period)."""
    now = now or timezone.now()
    if token.expires_at <= now:
        return "expired"
    if idle_since(token) + idle_limit() <= now:
        return "idle"
    return "active"


@transaction.atomic
def issue_api_token(user: User) -> str:
    """A new API token for the user; the key is returned once and never stored."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        key_prefix=key[:8],
        created_at=now,
        expires_at=now + lifetime(),
    )
    audit.record(
        "api_token_issued",
        actor=user,
        obj=user,
        detail={"token": token.pk, "expires_at": token.expires_at.isoformat()},
    )
    return key


@transaction.atomic
def revoke_api_token(user: User, token_id: int | None = None, *, by: User | None = None) -> int:
    """Revoke one of the user's tokens (or all of them); returns how many were revoked."""
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    ids = list(tokens.values_list("pk", flat=True))
    if ids:
        tokens.delete()
        audit.record("api_token_revoked", actor=by or user, obj=user, detail={"tokens": ids})
    return len(ids)


class ConvenorTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, checked against the stored hash, expiry, idle period
    and the account's standing. Each refusal says why, with a 401."""

    def authenticate_credentials(self, key: str):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token: it is unknown or was revoked.")
        now = timezone.now()
        state = token_state(token, now)
        if state == "expired":
            raise exceptions.AuthenticationFailed(
                "This token has expired. Create a new one on your account page."
            )
        if state == "idle":
            raise exceptions.AuthenticationFailed(
                f"This token was unused for {settings.CONVENOR_API_TOKEN_IDLE_DAYS} days and "
                "has lapsed. Create a new one on your account page."
            )
        problem = account_problem(token.user)
        if not problem and token.user.must_change_password:
            problem = "Change your one-time password on the pages before using the API."
        if problem:
            raise exceptions.AuthenticationFailed(problem)
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (token.user, token)


class ConvenorTokenScheme(OpenApiAuthenticationExtension):
    target_class = ConvenorTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication with the prefix `Token `",
        }
