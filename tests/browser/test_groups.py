"""Organised crime groups in a real browser (here, not in tests/groups/, so that it shares the one
session-scoped browser of tests/browser/conftest.py: a second Playwright session in the same run
fails). An analyst: the group list, a group's detail, the assessment form (with its
errors) and the ranking. axe-core finds no WCAG 2.2 AA violation; the CSP blocks nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convenor.core.demo import load_demo
from convenor.groups.demo import load_demo as load_groups_demo
from convenor.groups.models import OrganisedCrimeGroup
from tests.browser.test_journeys import _accessible, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts():
    accounts = {account.username: account for account in load_demo()}
    load_groups_demo()
    return accounts


def test_analyst_reads_groups_assesses_one_and_ranks_them(page, demo_accounts):
    _sign_in(page, "lee.barnes", demo_accounts["lee.barnes"].password)
    page.get_by_role("link", name="Crime groups").click()
    expect(page.get_by_role("heading", name="Organised crime groups")).to_be_visible()
    expect(page.get_by_role("link", name="Ribble Valley Line")).to_be_visible()
    expect(page.get_by_text("Gleam Network")).to_have_count(0)  # West Midlands: not shared
    _accessible(page, "group list")

    page.get_by_role("link", name="Ribble Valley Line").click()
    expect(page.get_by_role("heading", name="Ribble Valley Line")).to_be_visible()
    expect(page.get_by_role("cell", name="Kyle Brennan", exact=True)).to_be_visible()
    _accessible(page, "group detail")

    page.get_by_role("link", name="Record an assessment").click()
    _accessible(page, "assessment form")
    # The current scores are filled in; the rationale never is, and is required.
    expect(page.locator("input[name=likelihood][value='4']")).to_be_checked()
    page.locator("input[name=likelihood]").evaluate_all(
        "els => els.forEach(e => e.checked = false)"
    )
    page.get_by_role("button", name="Record assessment").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("Choose a score for likelihood").first).to_be_visible()
    expect(page.get_by_text("Explain why").first).to_be_visible()
    _accessible(page, "assessment form with errors")

    group = OrganisedCrimeGroup.objects.get(name="Ribble Valley Line")
    before = group.assessments.count()
    for name, value in [
        ("impact_physical", 5),
        ("impact_psychological", 5),
        ("impact_financial", 5),
        ("impact_community", 5),
        ("impact_environmental", 5),
        ("impact_reputational", 5),
        ("likelihood", 5),
        ("capability", 5),
        ("intent", 4),
    ]:
        page.locator(f"input[name={name}][value='{value}']").check()
    page.get_by_label("Rationale").fill("A rival line's arrival has brought two shootings.")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("Assessment recorded: score 97.5, Band 1 (high)")).to_be_visible()
    _accessible(page, "assessment recorded")
    assert group.assessments.count() == before + 1

    page.goto("/groups/rankings/?area=E07000123")
    expect(page.get_by_role("heading", name="Groups ranked in Preston")).to_be_visible()
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Ribble Valley Line")
    _accessible(page, "rankings")

    for url in ["/groups/scoring-model/", "/groups/new/"]:
        assert page.goto(url).status == 200, url
        _accessible(page, url)


def test_analyst_records_a_disruption_and_reads_the_orders_register(page, demo_accounts):
    """The county line's timeline, the disruption form (its errors and impact definitions), a
    disruption the analyst recorded (a second person verifies it), the orders pages."""
    from convenor.groups.models import Disruption

    _sign_in(page, "lee.barnes", demo_accounts["lee.barnes"].password)
    group = OrganisedCrimeGroup.objects.get(name="Ribble Valley Line")
    page.goto(group.get_absolute_url())
    expect(page.get_by_role("heading", name="Disruptions")).to_be_visible()
    expect(
        page.get_by_role("link", name="30 October 2025: Safeguarding of a victim")
    ).to_be_visible()
    expect(page.get_by_text("Not yet verified")).to_have_count(1)
    _accessible(page, "group detail with disruptions and orders")

    page.get_by_role("link", name="Record a disruption").click()
    expect(
        page.get_by_text("The group's capability or capacity", exact=False).first
    ).to_be_attached()
    _accessible(page, "disruption form")
    page.get_by_role("button", name="Record disruption").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("a rationale is required").first).to_be_visible()
    _accessible(page, "disruption form with errors")

    before = Disruption.objects.filter(group=group).count()
    page.get_by_label("Date of the disruption").fill("2025-12-01")
    page.get_by_label("Type of disruption").select_option(label="Arrest")
    page.get_by_label("Pursue").check()
    page.get_by_label("Lead agency").select_option(label="Lancashire Constabulary")
    page.locator("input[name=impact]").first.check()
    page.get_by_label("Rationale").fill("The principal's deputy arrested; the line is leaderless.")
    page.get_by_role("button", name="Record disruption").click()
    expect(page.get_by_text("Disruption recorded: a second person", exact=False)).to_be_visible()
    assert Disruption.objects.filter(group=group).count() == before + 1
    _accessible(page, "disruption recorded")

    disruption = Disruption.objects.filter(group=group).latest("pk")
    page.goto(f"{disruption.get_absolute_url()}verify/")
    expect(page.get_by_text("You recorded this disruption", exact=False)).to_be_visible()
    _accessible(page, "verify page for the recorder")
    page.goto(disruption.get_absolute_url())
    _accessible(page, "disruption")

    page.goto("/groups/orders/")
    expect(page.get_by_text("Expiring soon")).to_have_count(1)
    _accessible(page, "orders register")
    page.goto("/groups/orders/expiring/")
    expect(page.get_by_role("link", name="Criminal Behaviour Order")).to_be_visible()
    _accessible(page, "orders expiring")
    page.get_by_role("link", name="Criminal Behaviour Order").click()
    _accessible(page, "order")
    page.goto(group.orders.get(order_type__code="scpo").get_absolute_url())
    expect(page.get_by_text("Arrested and charged with breach", exact=False)).to_be_visible()
    page.get_by_role("link", name="Record a breach").click()
    _accessible(page, "breach form")
    page.goto(f"/groups/{group.pk}/orders/new/")
    _accessible(page, "order form")
    page.goto("/groups/rankings/?disrupted=12m&sort=disrupted")
    _accessible(page, "rankings by disruption")
