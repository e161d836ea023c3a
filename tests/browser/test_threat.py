"""An analyst in a real browser: adding a dataset, uploading, mapping columns, importing in the
background with the progress page, reviewing a link, reading an entity with flag-and-contact,
and the network. axe-core finds no WCAG 2.2 AA violation; the strict CSP blocks nothing.
(Here, not in tests/threat/, to share the one session-scoped browser of tests/browser/.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convenor.core.demo import load_demo as load_core_demo
from convenor.threat.demo import load_demo
from convenor.threat.models import Dataset, DatasetImport, LinkDecision, MatchPair, Record
from tests.browser.test_journeys import _accessible, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FILE = (
    "Case ref,Given name,Family name,Date of birth,Postcode,Mobile\n"
    "HS-1,Daniel,Whitlow,14.02.1988,PR1 2HE,07700 900123\n"
    "HS-2,Amira,Khan,1991-05-30,PR1 5EP,\n"
)


@pytest.fixture
def lee():
    # Imports run inline here: the in-memory SQLite of the tests locks tables between threads.
    # The background worker is tested on PostgreSQL (test_background.py).
    accounts = {account.username: account for account in load_core_demo()}
    load_demo()
    return accounts["lee.barnes"]


def test_analyst_imports_reviews_links_and_sees_the_network(page, lee, tmp_path):
    _sign_in(page, "lee.barnes", lee.password)
    page.goto("/threat/datasets/")
    _accessible(page, "datasets")
    page.get_by_role("button", name="Add a dataset").click()
    _accessible(page, "new dataset")
    page.get_by_role("button", name="Add dataset").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _accessible(page, "new dataset with errors")

    page.get_by_label("Title").fill("Housing tenancy enforcement cases")
    page.get_by_label("Holding organisation").select_option(label="Lancashire Constabulary")
    page.get_by_label("Partnership").select_option(label="Preston Community Safety Partnership")
    page.get_by_label("Information sharing agreement").select_option(
        label="Preston Community Safety Partnership information sharing agreement"
    )
    page.get_by_label("Legal basis").select_option(value="cda_s115")
    page.get_by_label("What the dataset holds").select_option(value="housing")
    page.get_by_role("button", name="Add dataset").click()
    page.wait_for_url("**/import/")
    _accessible(page, "upload")

    upload = tmp_path / "cases.csv"
    upload.write_text(FILE)
    page.get_by_label("File", exact=True).set_input_files(str(upload))
    page.get_by_label("The dataset's legal basis and information sharing agreement").check()
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/columns/")
    expect(page.get_by_role("cell", name="Amira")).to_be_visible()
    _accessible(page, "mapping")
    page.get_by_label("Partner's reference for the row").select_option("Case ref")
    page.get_by_label("First name").select_option("Given name")
    page.get_by_label("Surname").select_option("Family name")
    page.get_by_label("Date of birth").select_option("Date of birth")
    page.get_by_label("Postcode").select_option("Postcode")
    page.get_by_label("Phone number").select_option("Mobile")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/imports/*/")
    expect(page.get_by_text("2 rows imported as 4 records.")).to_be_visible(timeout=30_000)
    _accessible(page, "import finished")
    dataset = Dataset.objects.get(title="Housing tenancy enforcement cases")
    assert DatasetImport.objects.get(dataset=dataset).status == "done"
    assert Record.objects.filter(dataset=dataset, surname="Khan").exists()

    page.goto("/threat/links/")
    _accessible(page, "link review")
    pair = MatchPair.objects.filter(record_a__surname="Whitlow", record_a__kind="person").first()
    page.goto(f"/threat/links/{pair.pk}/")
    _accessible(page, "link")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _accessible(page, "link with errors")
    page.get_by_label("Same", exact=True).check()
    page.get_by_label("Reason").fill("Same date of birth, phone and taxi vehicle")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url("**/threat/links/")
    assert LinkDecision.objects.filter(decision="confirm").count() == 1

    doyle = Record.objects.get(surname="Doyle", dataset__kind="police_nominals", kind="person")
    page.goto(f"/threat/entities/{doyle.entity_id}/")
    expect(page.get_by_text("Department for Work and Pensions")).to_be_visible()
    expect(page.get_by_text("Rachel Adeyemi")).to_be_visible()
    expect(page.get_by_text("Undeclared self-employment")).to_have_count(0)
    _accessible(page, "entity with a flag")

    page.goto("/threat/network/")
    expect(page.locator("svg.threat-network__svg")).to_be_visible()
    key = page.locator(".threat-key.threat-node--person")  # the legend shows the colours
    assert key.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(212, 53, 28)"
    _accessible(page, "network")
    page.locator("a.threat-node").first.focus()
    assert page.locator(".threat-dimmed").count() > 0  # the script highlights neighbours
    page.get_by_text("Choose what to show").click()
    page.get_by_label("Partnership").select_option(label="Preston Community Safety Partnership")
    page.get_by_role("button", name="Show").click()
    _accessible(page, "network of one partnership")
    page.get_by_text("Choose what to show").click()
    page.get_by_label("Connections to organised crime groups, from").select_option(
        label="Businesses"
    )
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Connections to organised crime groups: businesses")).to_be_visible()
    _accessible(page, "connections to groups")

    page.goto(f"/threat/entities/{doyle.entity_id}/")
    page.get_by_role("link", name="See its network").click()
    expect(page.locator("h1")).to_contain_text("around")
    expect(page.locator("svg.threat-network__svg")).to_be_visible()
    _accessible(page, "network around an entity")
    page.goto("/threat/network/?steps=9")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    _accessible(page, "network with a bad choice")
