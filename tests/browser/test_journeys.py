"""People using Convenor in a real browser: signing in with both factors, browsing every page,
and recording an agreement. axe-core finds no WCAG 2.2 AA violation on any page, and the strict
Content-Security-Policy blocks nothing the pages need."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from convenor.core.demo import PRESTON, WEST_MIDLANDS, load_demo
from convenor.core.models import InformationSharingAgreement, Partnership
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _accessible(page, label: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{label}: {violations}"
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == [], f"{label}: {csp_errors}"


def _sign_in(page, username: str, password: str) -> str:
    """Sign in with both factors; a demo person's one-time password is then changed, as the
    app insists. Returns the password now in force."""
    page.goto("/sign-in/")
    _accessible(page, "sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/verify/**")
    _accessible(page, "security code")
    page.get_by_label("Security code").fill(_code(username))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    if "/account/password/" not in page.url:
        return password
    expect(page.get_by_text("You signed in with a one-time password")).to_be_visible()
    _accessible(page, "choose a new password")
    chosen = f"{password}-my-own-2026"
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill(chosen)
    page.get_by_label("New password confirmation").fill(chosen)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url(lambda url: "/account/password/" not in url)
    return chosen


@pytest.fixture
def demo_accounts():
    return {account.username: account for account in load_demo()}


def test_administrator_browses_and_records_an_agreement(page, demo_accounts):
    alex = demo_accounts["alex.morgan"]
    _sign_in(page, "alex.morgan", alex.password)
    expect(page.get_by_role("heading", name="Alex Morgan")).to_be_visible()
    _accessible(page, "home")
    # JavaScript from our own static files ran under the CSP.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")

    west_midlands = Partnership.objects.get(name=WEST_MIDLANDS)
    for url in [
        "/organisations/",
        "/organisations/birmingham-city-council/",
        "/people/",
        "/people/priya.shah/",
        "/partnerships/",
        west_midlands.get_absolute_url(),
        west_midlands.agreements.first().get_absolute_url(),
        "/areas/",
        "/areas/E08000025/",
        "/areas/E23000014/",
        "/areas/postcode/?postcode=B1+1BB",
        "/areas/postcode/?postcode=nonsense",
        "/account/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        _accessible(page, url)

    # The Preston partnership is not even there for a West Midlands administrator.
    preston = Partnership.objects.get(name=PRESTON)
    assert page.goto(preston.get_absolute_url()).status == 404
    _accessible(page, "not found")

    page.goto(west_midlands.get_absolute_url())
    page.get_by_role("link", name="Record a new agreement").click()
    _accessible(page, "new agreement")
    page.get_by_role("button", name="Save agreement").click()  # empty: every error explained
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("Enter the title").first).to_be_visible()
    _accessible(page, "new agreement with errors")

    page.get_by_label("Title").fill("Firearms surrender data sharing (NABIS s22)")
    page.get_by_label("Purpose").fill("Sharing firearms intelligence across the region")
    page.get_by_label("Crime and Disorder Act 1998, section 115").check()
    page.get_by_label("West Midlands Police", exact=True).check()
    page.get_by_label("Staffordshire Police").check()
    page.get_by_label("Data shared").fill("Firearms licensing and surrender records")
    page.get_by_label("Retention").fill("Six years")
    page.get_by_label("Security").fill("OFFICIAL-SENSITIVE")
    page.get_by_label("Starts on").fill("2026-12-01")
    page.get_by_label("Review date").fill("2027-12-01")
    page.get_by_role("button", name="Save agreement").click()
    page.wait_for_selector("text=Firearms surrender data sharing (NABIS s22)")
    expect(
        page.get_by_text(
            "Agreement “Firearms surrender data sharing (NABIS s22)” recorded as a draft"
        )
    ).to_be_visible()
    _accessible(page, "agreement recorded")
    assert InformationSharingAgreement.objects.filter(
        title__startswith="Firearms surrender"
    ).exists()


def test_auditor_reads_the_audit_record(page, demo_accounts):
    dana = demo_accounts["dana.reid"]
    _sign_in(page, "dana.reid", dana.password)
    page.goto("/audit/")
    expect(page.get_by_role("heading", name="Audit record")).to_be_visible()
    expect(page.get_by_role("cell", name="Signed in signed_in", exact=True).first).to_be_visible()
    _accessible(page, "audit")
    page.get_by_label("Action code").fill("signed_in")
    page.get_by_role("button", name="Filter").click()
    _accessible(page, "audit filtered")


def test_wrong_password_and_sign_out(page, demo_accounts):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("tom.hughes")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Enter a correct username and password").first).to_be_visible()
    _accessible(page, "sign in error")
    _sign_in(page, "tom.hughes", demo_accounts["tom.hughes"].password)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")
    assert page.goto("/").url.endswith("/sign-in/?next=/")
