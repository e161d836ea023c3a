"""An analyst builds a SOC local profile in a real browser, reads it, compares two versions and
prepares a public summary; the administrator publishes it and a member of the public reads it.
axe-core finds no WCAG 2.2 AA violation on any page; the CSP blocks nothing the pages need."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from convenor.core.models import LegalBasis
from tests.browser.test_journeys import _accessible, _code
from tests.profiles.conftest import make_preston

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page, user) -> None:
    TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "app"})
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/verify/**")
    page.get_by_label("Security code").fill(_code(user.username))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def preston(world):
    return make_preston(world)


@pytest.fixture
def threat_picture(world, preston):
    from convenor.groups.models import Assessment, OrganisedCrimeGroup, ThreatArea
    from convenor.intelligence.models import IntelligenceReport

    drugs, _ = ThreatArea.objects.get_or_create(
        code="drugs-supply", defaults={"name": "Drugs supply (including county lines)"}
    )
    group = OrganisedCrimeGroup.objects.create(
        name="Fishergate Crew",
        owning_organisation=world.own,
        partnership=world.shared,
        lead_responsible_officer=world.people["analyst"],
    )
    group.areas.set([preston])
    group.threat_areas.set([drugs])
    Assessment.objects.create(
        group=group,
        assessed_on=datetime.date(2025, 11, 1),
        assessed_by=world.people["analyst"],
        assessor_organisation=world.own,
        rationale="Test",
        inputs={},
        score=Decimal("72.0"),
        band="1",
        band_label="Band 1 (high)",
        breakdown={},
        model_version="test",
        model_snapshot={},
    )
    for day, ps in [(5, ["pursue"]), (20, ["prevent"]), (25, ["protect"])]:
        IntelligenceReport.objects.create(
            owner_organisation=world.own,
            author=world.people["analyst"],
            title="Report",
            content="Invented",
            occurred_on=datetime.date(2025, 11, day),
            postcode="PR1 2HE",
            area=preston,
            threat_areas=["drugs_supply"],
            four_p=ps,
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
            legal_basis=LegalBasis.CDA_S115,
            review_date=datetime.date(2030, 1, 1),
        )
    return group


def test_analyst_builds_compares_and_publishes_a_profile(page, world, preston, threat_picture):
    analyst = world.people["analyst"]
    _sign_in_as(page, analyst)
    page.goto("/profiles/")
    _accessible(page, "profile list")
    page.get_by_role("link", name="Build a new profile").click()
    _accessible(page, "new profile")

    # Bad input is explained, field by field, and nothing is built.
    page.get_by_label("Period").fill("last quarter")
    page.get_by_role("button", name="Build profile").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Choose at least one area the profile covers").first).to_be_visible()
    _accessible(page, "new profile with errors")

    page.get_by_label("Areas", exact=True).select_option(label="Preston (local authority)")
    page.get_by_label("Period").fill("2025Q3")
    page.get_by_role("button", name="Build profile").click()
    page.wait_for_url("**/versions/1/")
    expect(page.get_by_role("heading", name="SOC local profile: Preston")).to_be_visible()
    _accessible(page, "version 1")

    page.get_by_role("link", name="All versions of this profile").click()
    page.get_by_label("Period").fill("2025Q4")
    page.get_by_role("button", name="Build version").click()
    page.wait_for_url("**/versions/2/")
    expect(page.get_by_text("Priority response").first).to_be_visible()
    expect(page.get_by_text("Disrupt Fishergate Crew")).to_be_visible()
    _accessible(page, "version 2")

    page.get_by_role("link", name="All versions of this profile").click()
    page.get_by_role("button", name="Compare side by side").click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.get_by_text("Changed", exact=True)).to_be_visible()
    _accessible(page, "comparison")

    page.go_back()
    page.get_by_role("link", name="Version 2").click()
    page.get_by_role("button", name="Prepare a public summary").click()
    expect(page.get_by_text("Not published")).to_be_visible()
    _accessible(page, "draft public summary")
    summary_url = page.url
    _sign_out(page)

    _sign_in_as(page, world.people["partnership_administrator"])
    page.goto(summary_url)
    page.get_by_role("button", name="Publish to the public").click()
    expect(page.get_by_text("Public summary published")).to_be_visible()
    _sign_out(page)

    # A member of the public, not signed in.
    page.goto(summary_url)
    expect(page.get_by_text("Priority response").first).to_be_visible()
    assert "Fishergate" not in page.content()
    _accessible(page, "published public summary")
    page.goto("/profiles/public/")
    _accessible(page, "published summaries")


def test_progress_page_with_and_without_javascript(page, browser, live_server, world, preston):
    """While a version waits to build, the page says so; with JavaScript it follows the build
    and shows the profile when it is done, without JavaScript a link does the same."""
    from convenor.profiles import services

    profile = services.create_profile(world.people["analyst"], world.shared, ["E07000123"])
    version = services.request_build(world.people["analyst"], profile, "2025Q4", background=False)
    _sign_in_as(page, world.people["board_member"])
    page.goto(version.get_absolute_url())
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    _accessible(page, "progress")

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    _sign_in_as(plain, world.people["practitioner"])
    plain.goto(version.get_absolute_url())
    expect(plain.get_by_text("Waiting to start")).to_be_visible()
    services.run_build(version.pk)
    plain.get_by_role("link", name="Refresh to see its progress").click()
    expect(plain.get_by_role("heading", name="The area")).to_be_visible()
    context.close()

    # The script saw the build finish and showed the profile.
    expect(page.get_by_role("heading", name="The area")).to_be_visible(timeout=15000)
