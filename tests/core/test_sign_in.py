"""Signing in: password, then a TOTP code; enrolment on first sign-in; lockout; secure headers."""

import re

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from convenor.core.models import AuditEntry
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "correct horse battery staple"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def person(db):
    user = UserFactory(username="pat.jones")
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Preston City Council"))
    return user


@pytest.fixture
def device(person):
    return TOTPDevice.objects.create(user=person, name="app", confirmed=True)


def test_password_then_security_code_signs_in(client, person, device):
    response = client.post("/sign-in/", {"username": "pat.jones", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/verify/")
    assert client.get("/").status_code == 302  # not yet: second factor missing
    response = client.post("/sign-in/verify/", {"code": current_code(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    actions = set(AuditEntry.objects.filter(actor=person).values_list("action", flat=True))
    assert {"signed_in_password", "signed_in"} <= actions


def test_wrong_security_code_is_refused_with_a_clear_message(client, person, device):
    client.post("/sign-in/", {"username": "pat.jones", "password": PASSWORD})
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    response = client.post("/sign-in/verify/", {"code": wrong})
    assert response.status_code == 400
    assert "The security code is not right" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", "12 34 56"])
def test_malformed_security_code_is_explained(client, person, device, code):
    client.post("/sign-in/", {"username": "pat.jones", "password": PASSWORD})
    body = client.post("/sign-in/verify/", {"code": code}).content.decode()
    assert "govuk-error-summary" in body
    assert "6-digit" in body or "6 digits" in body


def test_first_sign_in_enrols_an_authenticator(client, person):
    client.post("/sign-in/", {"username": "pat.jones", "password": PASSWORD})
    response = client.get("/sign-in/set-up-authenticator/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'src="data:image/svg+xml' in body
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    response = client.post("/sign-in/set-up-authenticator/", {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, person, device):
    response = client.post("/sign-in/", {"username": "pat.jones", "password": "nope"})
    assert response.status_code == 400
    assert "Enter a correct username and password" in response.content.decode()
    assert AuditEntry.objects.filter(action="sign_in_failed").exists()


def test_repeated_failures_lock_the_account(client, person, device):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": "pat.jones", "password": "wrong password"})
    response = client.post("/sign-in/", {"username": "pat.jones", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert client.get("/").status_code == 302  # the right password did not get in
    assert AuditEntry.objects.filter(action="locked_out").exists()


def test_next_cannot_send_the_user_off_site(client, person, device):
    client.post(
        "/sign-in/?next=https://evil.example/",
        {"username": "pat.jones", "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(
        "/sign-in/verify/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_sign_out_ends_the_session(client, person, device):
    client.post("/sign-in/", {"username": "pat.jones", "password": PASSWORD})
    client.post("/sign-in/verify/", {"code": current_code(device)})
    assert client.get("/").status_code == 200
    client.post("/sign-out/")
    assert client.get("/").status_code == 302


def test_sign_out_needs_a_post(client, person, device):
    assert client.get("/sign-out/").status_code == 405


def test_every_page_carries_a_strict_content_security_policy(client, db):
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not re.search(r"<script>(?!</script>)", response.content.decode())  # nothing inline


def test_sessions_expire_and_cookies_are_protected():
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_cookies_are_secure_outside_the_demo_and_tests(tmp_path):
    import subprocess
    import sys

    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "convenor.settings",
        "CONVENOR_SECRET_KEY": "x" * 50,
        "CONVENOR_AUDIT_KEY": "y" * 50,
        "CONVENOR_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["True", "True", "False"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "convenor.settings",
        "CONVENOR_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "CONVENOR_SECRET_KEY" in result.stderr
