"""The anonymous reporting channel and the intelligence pages in a real browser (Debian's
chromium): axe-core finds no WCAG 2.2 AA violation, the public form works with JavaScript turned
off, and no cookie is ever set on the reporter's browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from convenor.intelligence.models import AnonymousSubmission, ReportingChannel
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}")


@pytest.fixture
def channel(world):
    return ReportingChannel.objects.create(
        slug="preston",
        name="Report crime in Preston anonymously",
        kind="public",
        introduction="Tell us what you know about organised crime in Preston.",
        receiving_organisation=world.own,
    )


def _accessible(page, label: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{label}: {violations}"
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == [], f"{label}: {csp_errors}"


def _report_and_follow_up(page, *, check_accessibility: bool) -> str:
    page.goto("/intelligence/report/")
    if check_accessibility:
        _accessible(page, "channels")
    page.get_by_role("link", name="Report crime in Preston anonymously").click()
    expect(page.get_by_role("heading", name="Report crime in Preston anonymously")).to_be_visible()
    if check_accessibility:
        _accessible(page, "form")
    # An empty report is explained.
    page.get_by_role("button", name="Send my report").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    if check_accessibility:
        _accessible(page, "form with errors")
    page.get_by_label("What is happening?").fill("Counterfeit cigarettes sold from a market stall")
    page.get_by_label("Where is it happening? (optional)").fill("Preston covered market")
    page.get_by_role("button", name="Send my report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    if check_accessibility:
        _accessible(page, "receipt")
    code = CODE.search(page.locator("#receipt-code").inner_text()).group(0)
    page.get_by_role("link", name="Read replies or add information").click()
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Counterfeit cigarettes sold from a market stall")).to_be_visible()
    if check_accessibility:
        _accessible(page, "conversation")
    page.get_by_label("Add information or answer the analyst").fill("The van is white")
    page.get_by_role("button", name="Add to my report").click()
    expect(page.get_by_text("your information has been added")).to_be_visible()
    expect(page.get_by_text("The van is white")).to_be_visible()
    return code


def test_the_public_form_is_accessible_and_sets_no_cookie(page, channel):
    _report_and_follow_up(page, check_accessibility=True)
    assert page.context.cookies() == []
    submission = AnonymousSubmission.objects.get()
    assert submission.messages.count() == 1


def test_the_public_form_works_without_javascript(browser, live_server, channel):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.console_errors = []
    try:
        _report_and_follow_up(page, check_accessibility=False)
        # The page's own scripts did not run: GOV.UK Frontend never marked the page.
        assert "govuk-frontend-supported" not in (page.locator("body").get_attribute("class") or "")
        assert context.cookies() == []
    finally:
        context.close()
    assert AnonymousSubmission.objects.count() == 1


@pytest.mark.slow
def test_staff_share_read_under_conditions_and_triage(page, live_server):
    from convenor.core.demo import load_demo
    from convenor.intelligence.demo import load_demo as load_intelligence_demo
    from convenor.intelligence.models import IntelligenceReport
    from tests.browser.test_journeys import _sign_in

    accounts = {a.username: a for a in load_demo()}
    loaded = load_intelligence_demo()
    counterfeit = IntelligenceReport.objects.get(title__startswith="Counterfeit tobacco")

    _sign_in(page, "lee.barnes", accounts["lee.barnes"].password)
    for url, label in [
        ("/intelligence/", "report list"),
        (f"/intelligence/{counterfeit.pk}/", "report (originator)"),
        (f"/intelligence/{counterfeit.pk}/disseminate/", "disseminate"),
        (f"/intelligence/{counterfeit.pk}/sanitise/", "sanitise"),
        ("/intelligence/new/", "new report"),
        ("/intelligence/triage/", "triage"),
    ]:
        page.goto(url)
        _accessible(page, label)
    page.goto("/intelligence/new/")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    _accessible(page, "new report with errors")
    page.goto("/intelligence/triage/")
    page.get_by_role("link", name=re.compile("ANON-")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Anonymous report ANON-"))).to_be_visible()
    _accessible(page, "anonymous report")
    page.get_by_role("button", name="Sign out").click()

    # A licensing officer at the council reads the code C report only after acknowledging.
    _sign_in(page, "jo.whittaker", accounts["jo.whittaker"].password)
    page.goto(f"/intelligence/{counterfeit.pk}/")
    expect(page.get_by_role("heading", name="Handling conditions")).to_be_visible()
    expect(page.get_by_text("Two stalls on the covered market")).to_have_count(0)
    _accessible(page, "conditions")
    page.get_by_label("I have read the conditions and will keep to them").check()
    page.get_by_role("button", name="Acknowledge and read the report").click()
    expect(page.get_by_text(re.compile("Two stalls on the covered market"))).to_be_visible()
    _accessible(page, "report (recipient)")
    assert "pat.quinn" in loaded
