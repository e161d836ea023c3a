"""API tokens: hashed, expiring, idle-lapsing, listed and revocable; the API is never cached; and
tokens and sessions stop at once on lockout, deactivation or the end of the last role."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from convenor.core.models import ApiToken, AuditEntry
from convenor.core.tokens import issue_api_token
from tests.conftest import verified_login

API = "/api/v1/organisations/"


def api_get(key: str):
    return Client().get(API, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def analyst(world):
    return world.people["analyst"]


@pytest.fixture
def key(analyst):
    return issue_api_token(analyst)


def test_api_answers_are_never_cached_and_vary_on_the_token(key):
    for response in (api_get(key), api_get("wrong"), Client().get(API)):
        assert "no-store" in response["Cache-Control"]
        assert "Authorization" in response["Vary"]


def test_pages_are_not_given_the_api_headers(client, analyst):
    verified_login(client, analyst)
    assert "Authorization" not in client.get("/").get("Vary", "")


def test_only_a_hash_of_the_key_is_kept(analyst, key):
    token = ApiToken.objects.get(user=analyst)
    assert key not in (token.key_hash, token.key_prefix) and token.key_hash != key
    assert len(key) == 40 and key.startswith(token.key_prefix)
    assert api_get(key).status_code == 200


def test_a_token_expires_after_the_configured_days(analyst, key):
    token = ApiToken.objects.get(user=analyst)
    expected = token.created_at + datetime.timedelta(days=settings.CONVENOR_API_TOKEN_DAYS)
    assert token.expires_at == expected and settings.CONVENOR_API_TOKEN_DAYS == 90
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = api_get(key)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_token_unused_for_the_idle_period_lapses(analyst, key):
    long_ago = timezone.now() - datetime.timedelta(days=settings.CONVENOR_API_TOKEN_IDLE_DAYS)
    ApiToken.objects.filter(user=analyst).update(created_at=long_ago, last_used_at=long_ago)
    response = api_get(key)
    assert response.status_code == 401
    assert "unused for 30 days" in response.json()["detail"]


def test_a_token_used_recently_stays_alive_past_the_idle_period_from_creation(analyst, key):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    recently = timezone.now() - datetime.timedelta(days=2)
    ApiToken.objects.filter(user=analyst).update(created_at=long_ago, last_used_at=recently)
    assert api_get(key).status_code == 200


def test_last_use_is_written_at_most_once_an_hour(analyst, key):
    assert api_get(key).status_code == 200
    first = ApiToken.objects.get(user=analyst).last_used_at
    assert first is not None
    assert api_get(key).status_code == 200
    assert ApiToken.objects.get(user=analyst).last_used_at == first  # no write this time
    earlier = timezone.now() - datetime.timedelta(minutes=61)
    ApiToken.objects.filter(user=analyst).update(last_used_at=earlier)
    api_get(key)
    assert ApiToken.objects.get(user=analyst).last_used_at > earlier


def test_an_unknown_or_revoked_token_is_refused_with_a_clear_reason(client, analyst, key):
    response = api_get("f" * 40)
    assert response.status_code == 401 and "unknown or was revoked" in response.json()["detail"]
    verified_login(client, analyst)
    token = ApiToken.objects.get(user=analyst)
    client.post("/account/", {"action": "revoke", "token": token.pk})
    response = api_get(key)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert AuditEntry.objects.filter(action="api_token_revoked", actor=analyst).exists()


def test_the_account_page_lists_tokens_with_their_dates(client, analyst, key):
    issue_api_token(analyst)
    verified_login(client, analyst)
    api_get(key)
    body = client.get("/account/").content.decode()
    assert body.count('data-testid="api-token-row"') == 2
    assert key[:8] in body and key not in body
    assert "Never" in body  # the second token was never used
    assert "Active" in body


def test_nobody_revokes_another_persons_token(client, world, key):
    verified_login(client, world.people["partnership_administrator"])
    token = ApiToken.objects.get(key_hash__isnull=False)
    client.post("/account/", {"action": "revoke", "token": token.pk})
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert api_get(key).status_code == 200


@pytest.mark.parametrize("bad", ["", "abc", "-1"])
def test_revoking_without_a_proper_token_says_so(client, analyst, key, bad):
    verified_login(client, analyst)
    response = client.post("/account/", {"action": "revoke", "token": bad}, follow=True)
    assert "Choose a token to revoke" in response.content.decode()
    assert ApiToken.objects.filter(user=analyst).count() == 1


def test_issuing_a_token_needs_a_recent_sign_in(client, analyst):
    verified_login(client, analyst, authenticated_seconds_ago=11 * 60)
    response = client.post(
        "/account/", {"action": "issue"}, HTTP_REFERER="http://testserver/account/"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/account/confirm/?next=%2Faccount%2F")
    assert not ApiToken.objects.filter(user=analyst).exists()
    assert AuditEntry.objects.filter(action="reauthentication_required", actor=analyst).exists()


# --- Tokens and sessions end at once when the account no longer stands ----------------------


def deactivate(user):
    user.is_active = False
    user.save()


def lock_out(user):
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="192.0.2.1",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/sign-in/",
    )


def end_last_role(user):
    user.memberships.update(
        started_on=timezone.localdate() - datetime.timedelta(days=30),
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
    )


ENDINGS = {
    "deactivated": (deactivate, "deactivated"),
    "locked out": (lock_out, "locked"),
    "last role ended": (end_last_role, "no longer hold a role"),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_token_stops_at_once(analyst, key, ending):
    change, reason = ENDINGS[ending]
    assert api_get(key).status_code == 200
    change(analyst)
    response = api_get(key)
    assert response.status_code == 401
    assert reason in response.json()["detail"]


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_session_stops_at_once(client, analyst, ending):
    change, reason = ENDINGS[ending]
    verified_login(client, analyst)
    assert client.get("/").status_code == 200
    change(analyst)
    response = client.get("/organisations/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in client.session
    if ending != "deactivated":  # Django itself drops an inactive user's session first
        assert reason in client.get("/sign-in/").content.decode()


def test_reactivating_an_account_does_not_bring_its_old_session_back(client, analyst):
    verified_login(client, analyst)
    deactivate(analyst)
    client.get("/")
    analyst.is_active = True
    analyst.save()
    assert client.get("/").status_code == 302


def test_a_lockout_that_has_cooled_off_no_longer_stops_anything(analyst, key):
    lock_out(analyst)
    cooled = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME + 1)
    AccessAttempt.objects.update(attempt_time=cooled)
    assert api_get(key).status_code == 200


def test_a_person_with_another_current_role_keeps_access(world, key, analyst):
    from tests.factories import MembershipFactory

    MembershipFactory(user=analyst, organisation=world.partner, role="practitioner")
    analyst.memberships.filter(organisation=world.own).update(
        started_on=timezone.localdate() - datetime.timedelta(days=30),
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert api_get(key).status_code == 200
