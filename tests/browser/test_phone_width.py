"""Phone width, 390 px (issue 13 item 10): the menu collapses behind a "Menu" button and no main
page is wider than the screen; wide tables scroll inside their own focusable region."""

from __future__ import annotations

import os
import re
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from convenor.core.demo import load_demo
from tests.browser.test_journeys import _accessible, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("CONVENOR_SCREENSHOT_DIR")


@pytest.fixture
def full_demo():
    accounts = {account.username: account for account in load_demo()}
    for name in settings.CONVENOR_APPS[1:]:
        if find_spec(f"{name}.demo"):
            import_module(f"{name}.demo").load_demo()
    return accounts


def _first_link(page, list_url: str, pattern: str) -> str:
    page.goto(list_url)
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)")
    found = next((h for h in hrefs if re.fullmatch(pattern, h)), None)
    assert found, f"no link like {pattern} on {list_url}"
    return found


def _fits(page, label: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if SCREENSHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "home"
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
    if width > PHONE["width"]:  # name the outermost elements that stick out, to say what to fix
        culprits = page.evaluate(
            """limit => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit
                && e.parentElement.getBoundingClientRect().right <= limit)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 160))""",
            PHONE["width"],
        )
        pytest.fail(f"{label} is {width}px wide at {PHONE['width']}px: {culprits}")


def test_main_pages_fit_a_phone_and_the_menu_opens_from_a_button(page, full_demo):
    account = full_demo["lee.barnes"]
    _sign_in(page, account.username, account.password)
    page.set_viewport_size(PHONE)

    page.goto("/")
    menu = page.locator("#navigation")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(menu).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Your account")).to_be_visible()
    _accessible(page, "home with the menu open")
    _fits(page, "home")

    pages = [
        "/groups/rankings/",
        "/intelligence/",
        "/threat/links/",
        "/threat/network/",
        _first_link(page, "/groups/rankings/", r"/groups/\d+/"),
        _first_link(
            page,
            _first_link(page, "/governance/boards/", r"/governance/boards/[-\w]+/"),
            r"/governance/meetings/\d+/",
        ),
        _first_link(page, "/profiles/", r"/profiles/\d+/(versions/\d+/)?"),
    ]
    for url in pages:
        page.goto(url)
        _fits(page, url)
        _accessible(page, url)

    page.goto("/intelligence/")
    region = page.locator(".convenor-table-scroll").first
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")


def test_the_menu_is_a_plain_list_of_links_at_desktop_width(page, full_demo):
    account = full_demo["lee.barnes"]
    _sign_in(page, account.username, account.password)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator("#navigation").get_by_role("link", name="Your account")).to_be_visible()


def test_the_header_search_box_fits_a_phone_and_leads_to_the_results(page, full_demo):
    account = full_demo["lee.barnes"]
    _sign_in(page, account.username, account.password)
    page.set_viewport_size(PHONE)
    page.goto("/")
    box = page.get_by_role("search").get_by_label(
        "Search people, vehicles, groups and intelligence"
    )
    expect(box).to_be_visible()
    _fits(page, "home with the search box")
    box.fill("Smith")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=Smith"))
    expect(page.get_by_role("heading", name=re.compile(r"results? for “Smith”"))).to_be_visible()
    _fits(page, "search results")
    _accessible(page, "search results")
