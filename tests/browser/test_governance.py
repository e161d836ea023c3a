"""Governance in a real browser: the agenda (with its confidential part), actions and the
monitoring report pages, as the Preston partnership administrator and as the public. axe-core
finds no WCAG 2.2 AA violation and the CSP blocks nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convenor.core.demo import load_demo
from convenor.governance.demo import load_demo as load_governance_demo
from convenor.governance.models import Action, Meeting, Recommendation
from tests.browser.test_journeys import _accessible, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BOARD = "preston-crime-and-disorder-committee"


@pytest.fixture
def accounts():
    accounts = {a.username: a for a in load_demo()}
    load_governance_demo()
    return accounts


def test_administrator_runs_the_committee_agenda_actions_and_report(page, accounts):
    _sign_in(page, "kim.patel", accounts["kim.patel"].password)
    evidence = Meeting.objects.get(board__slug=BOARD, published_at__isnull=False)
    coming = Meeting.objects.get(board__slug=BOARD, published_at__isnull=True)
    recommendation = Recommendation.objects.get(board__slug=BOARD, number=9)
    for url in [
        "/governance/boards/",
        f"/governance/boards/{BOARD}/",
        f"/governance/meetings/{evidence.pk}/",
        f"/governance/meetings/{coming.pk}/",
        recommendation.get_absolute_url(),
        "/governance/actions/",
        f"/governance/boards/{BOARD}/report/",
        f"/governance/boards/{BOARD}/actions/new/",
        f"/governance/meetings/{evidence.pk}/attendance/",
        "/governance/landscape/",
        "/governance/landscape/?area=E07000123",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        _accessible(page, url)

    # The agenda shows both parts to a manager, with the Part B papers.
    page.goto(f"/governance/meetings/{evidence.pk}/")
    expect(
        page.get_by_role("heading", name="Part B — excluded from press and public")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Serious Harm Reduction Strategy (summary)")
    ).to_be_visible()

    # My actions flags the overdue one; updating without a note names the field.
    action = Action.objects.get(board__slug=BOARD, title__startswith="Publish a directory")
    page.goto("/governance/actions/")
    expect(page.get_by_text("overdue").first).to_be_visible()
    page.goto(f"/governance/actions/{action.pk}/update/")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Say what has happened")).to_be_visible()
    _accessible(page, "action update with an error")
    page.get_by_label("What has happened").fill("Draft directory shared with partners")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Draft directory shared with partners")).to_be_visible()
    _accessible(page, "action after update")

    # The monitoring report goes onto the coming meeting's agenda as a PDF, in the part chosen;
    # Part B needs its Schedule 12A paragraph.
    page.goto(f"/governance/boards/{BOARD}/report/")
    expect(page.get_by_role("img", name="Actions by P and status")).to_be_visible()
    page.get_by_role("link", name="Add to the agenda").click()
    page.wait_for_url("**/report/to-agenda/**")
    _accessible(page, "report onto the agenda")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Choose the paragraph of Schedule 12A")).to_be_visible()
    _accessible(page, "report onto the agenda with an error")
    page.get_by_label("Exemption (Part B only)").select_option("7")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/governance/meetings/{coming.pk}/**")
    expect(page.get_by_text("Exempt information under paragraph 7").first).to_be_visible()
    expect(page.get_by_role("link", name="Monitoring report,")).to_be_visible()
    _accessible(page, "agenda with the report")


def test_the_public_sees_only_the_published_public_part(page, accounts):
    evidence = Meeting.objects.get(board__slug=BOARD, published_at__isnull=False)
    response = page.goto(f"/governance/meetings/{evidence.pk}/")
    assert response.status == 200
    _accessible(page, "public agenda")
    expect(page.get_by_role("heading", name="Part A — public")).to_be_visible()
    assert page.get_by_text("Part B").count() == 0
    assert page.get_by_text("Serious Harm Reduction Strategy").count() == 0
    coming = Meeting.objects.get(board__slug=BOARD, published_at__isnull=True)
    assert page.goto(f"/governance/meetings/{coming.pk}/").status == 404
    page.goto("/governance/boards/")
    _accessible(page, "public board list")
