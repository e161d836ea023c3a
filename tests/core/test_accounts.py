"""Accounts: the session key changes at the second factor; people change their own password;
an administrator resets one to a one-time password that must be changed at sign-in; and
re-authentication guards tokens, exports, publishing and granting roles."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from convenor.core import reauth
from convenor.core.models import ApiToken, AuditEntry
from convenor.core.tokens import issue_api_token
from tests.conftest import verified_login
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a quite new passphrase 2026"
STALE = 11 * 60  # seconds: past the 10-minute re-authentication window


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in_with_both_factors(client, username, password):
    client.post("/sign-in/", {"username": username, "password": password})
    user = client.session["_auth_user_id"]
    from convenor.core.models import User

    return client.post("/sign-in/verify/", {"code": code_for(User.objects.get(pk=user))})


@pytest.fixture
def analyst(world):
    user = world.people["analyst"]
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


# --- Sign-in -------------------------------------------------------------------------------


def test_the_session_key_changes_after_the_second_factor(client, analyst):
    client.post("/sign-in/", {"username": analyst.username, "password": PASSWORD})
    before = client.session.session_key
    response = client.post("/sign-in/verify/", {"code": code_for(analyst)})
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    assert client.get("/").status_code == 200


def test_signing_in_counts_as_a_recent_authentication(client, analyst):
    sign_in_with_both_factors(client, analyst.username, PASSWORD)
    assert time.time() - client.session[reauth.SESSION_KEY] < 5


# --- Changing one's own password ------------------------------------------------------------


def change(client, current, new, again=None):
    return client.post(
        "/account/password/",
        {"old_password": current, "new_password1": new, "new_password2": again or new},
    )


def test_a_person_changes_their_password_and_stays_signed_in(client, analyst):
    issue_api_token(analyst)
    verified_login(client, analyst)
    assert client.get("/account/password/").status_code == 200
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # this session survives
    assert not ApiToken.objects.filter(user=analyst).exists()  # tokens do not
    assert AuditEntry.objects.filter(action="password_changed", actor=analyst).exists()


@pytest.mark.parametrize(
    "current, new, again, message",
    [
        ("not my password", NEW_PASSWORD, None, "Your current password is not right"),
        (PASSWORD, "short", None, "too short"),
        (PASSWORD, "password1234", None, "too common"),
        (PASSWORD, "83749201938475", None, "entirely numeric"),
        (PASSWORD, NEW_PASSWORD, "something else entirely", "do not match"),
        ("", "", None, "Enter your current password"),
    ],
)
def test_a_bad_password_change_is_explained_and_nothing_changes(
    client, analyst, current, new, again, message
):
    verified_login(client, analyst)
    response = change(client, current, new, again)
    assert response.status_code == 400
    assert message in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.check_password(PASSWORD)


def test_guessing_the_current_password_locks_the_account(client, analyst):
    verified_login(client, analyst)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change(client, "a guess", NEW_PASSWORD)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


# --- The forced change of a one-time password -----------------------------------------------


@pytest.fixture
def newcomer(analyst):
    analyst.must_change_password = True
    analyst.save()
    return analyst


@pytest.mark.parametrize("path", ["/", "/organisations/", "/account/", "/audit/"])
def test_a_one_time_password_must_be_changed_before_anything_else(client, newcomer, path):
    verified_login(client, newcomer, password_chosen=False)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/account/password/"


def test_the_change_page_and_sign_out_stay_open_and_the_change_frees_the_person(client, newcomer):
    verified_login(client, newcomer, password_chosen=False)
    body = client.get("/account/password/").content.decode()
    assert 'data-testid="forced-change"' in body
    change(client, PASSWORD, NEW_PASSWORD)
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password
    assert client.get("/").status_code == 200
    assert client.post("/sign-out/").status_code == 302


def test_the_api_refuses_a_person_who_owes_a_new_password(newcomer):
    from django.test import Client

    key = issue_api_token(newcomer)
    response = Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "one-time password" in response.json()["detail"]


def test_the_demo_gives_one_time_passwords_that_must_be_changed(db):
    from convenor.core.demo import load_demo
    from convenor.core.models import User

    accounts = load_demo()
    assert accounts
    assert all(User.objects.get(username=a.username).must_change_password for a in accounts)


# --- An administrator's reset ---------------------------------------------------------------


def reset(client, person):
    return client.post(f"/people/{person.username}/reset-password/")


def test_an_administrator_resets_a_password_to_a_one_time_one(client, world, analyst):
    administrator = world.people["partnership_administrator"]
    issue_api_token(analyst)
    other = client.__class__()
    verified_login(other, analyst)
    verified_login(client, administrator)
    assert "Reset password" in client.get(f"/people/{analyst.username}/").content.decode()
    response = reset(client, analyst)
    assert response.status_code == 200
    body = response.content.decode()
    password = body.split('data-testid="one-time-password">')[1].split("<")[0]
    analyst.refresh_from_db()
    assert analyst.check_password(password) and not analyst.check_password(PASSWORD)
    assert analyst.must_change_password
    assert not ApiToken.objects.filter(user=analyst).exists()
    assert other.get("/").status_code == 302  # their session has ended
    entry = AuditEntry.objects.get(action="password_reset")
    assert entry.actor == administrator and entry.object_id == str(analyst.pk)
    assert password not in str(entry.detail)
    # They sign in with it, and are sent to choose their own.
    fresh = client.__class__()
    sign_in_with_both_factors(fresh, analyst.username, password)
    assert fresh.get("/")["Location"] == "/account/password/"


@pytest.mark.parametrize(
    "who, whom",
    [
        ("analyst", "practitioner"),  # not an administrator
        ("partnership_administrator", "partner_person"),  # another organisation's person
        ("partnership_administrator", "partnership_administrator"),  # oneself
        ("outside_person", "outside_auditor"),
    ],
)
def test_only_an_administrator_of_the_persons_organisation_resets_it(client, world, who, whom):
    person = world.people[whom]
    verified_login(client, world.people[who])
    assert "Reset password" not in client.get(f"/people/{person.username}/").content.decode()
    assert reset(client, person).status_code in (403, 404)
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and not person.must_change_password


def test_a_reset_needs_a_recent_sign_in(client, world, analyst):
    verified_login(
        client, world.people["partnership_administrator"], authenticated_seconds_ago=STALE
    )
    response = reset(client, analyst)
    assert response.status_code == 302 and response["Location"].startswith("/account/confirm/")
    analyst.refresh_from_db()
    assert analyst.check_password(PASSWORD)


# --- Re-authentication ----------------------------------------------------------------------


def test_confirming_with_password_and_code_returns_to_where_the_person_was_going(client, analyst):
    verified_login(client, analyst, authenticated_seconds_ago=STALE)
    response = client.post(
        "/account/confirm/?next=/account/",
        {"password": PASSWORD, "code": code_for(analyst), "next": "/account/"},
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert reauth.recently_authenticated(_request_with(client))
    assert AuditEntry.objects.filter(action="reauthenticated", actor=analyst).exists()
    body = client.post("/account/", {"action": "issue"}).content.decode()
    assert 'data-testid="api-token"' in body


@pytest.mark.parametrize(
    "password, good_code, message",
    [
        ("wrong password", True, "Your password is not right"),
        (PASSWORD, False, "The security code is not right"),
        ("", True, "Enter your password"),
    ],
)
def test_a_wrong_confirmation_is_explained_and_grants_nothing(
    client, analyst, password, good_code, message
):
    verified_login(client, analyst, authenticated_seconds_ago=STALE)
    code = code_for(analyst) if good_code else f"{(int(code_for(analyst)) + 1) % 10**6:06d}"
    response = client.post("/account/confirm/", {"password": password, "code": code})
    assert response.status_code == 400 and message in response.content.decode()
    assert not reauth.recently_authenticated(_request_with(client))


def test_guessing_the_password_on_the_confirm_page_locks_the_account(client, analyst):
    verified_login(client, analyst, authenticated_seconds_ago=STALE)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/confirm/", {"password": "a guess", "code": "123456"})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert "locked" in client.get("/sign-in/").content.decode()


def test_confirming_never_sends_the_person_to_another_site(client, analyst):
    verified_login(client, analyst, authenticated_seconds_ago=STALE)
    response = client.post(
        "/account/confirm/",
        {"password": PASSWORD, "code": code_for(analyst), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def _request_with(client):
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session = client.session
    return request


def test_exporting_the_audit_record_needs_a_recent_sign_in(client, world):
    auditor = world.people["auditor"]
    verified_login(client, auditor, authenticated_seconds_ago=STALE)
    response = client.get("/audit/export.csv?action=signed_in")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/confirm/?next=%2Faudit%2Fexport.csv")
    verified_login(client, auditor)
    assert client.get("/audit/export.csv").status_code == 200


def test_granting_roles_in_the_back_office_needs_a_recent_sign_in(client, world):
    administrator = world.people["partnership_administrator"]
    analyst = world.people["analyst"]
    verified_login(client, administrator, authenticated_seconds_ago=STALE)
    response = client.get(f"/admin/core/user/{analyst.pk}/change/")
    assert response.status_code == 302 and response["Location"].startswith("/account/confirm/")
    verified_login(client, administrator)
    assert client.get(f"/admin/core/user/{analyst.pk}/change/").status_code == 200


def test_the_api_is_told_plainly_when_a_recent_sign_in_is_missing(world):
    request = RequestFactory().post("/api/v1/anything/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = world.people["analyst"]
    with pytest.raises(ApiPermissionDenied, match="recent sign-in"):
        reauth.require_recent_authentication(request, "export")


def test_a_new_person_is_not_forced_by_the_fixtures(client, db):
    person = UserFactory(username="plain")
    MembershipFactory(user=person)
    verified_login(client, person)
    assert client.get("/").status_code == 200
