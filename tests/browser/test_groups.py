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
