"""The threat pages' forms render through the GOV.UK form renderer (govuk/field.html): every
error is linked to its field by id, and the inputs keep their attributes."""

from __future__ import annotations

import re

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from tests.conftest import verified_login
from tests.threat.test_pages import link, person

pytestmark = pytest.mark.django_db


def test_a_refused_decision_links_each_error_to_its_field(client, imported):
    pair = link(person(imported.own_dataset), person(imported.partner_dataset))
    verified_login(client, imported.own_analyst)
    response = client.post(f"/threat/links/{pair.pk}/", {})
    page = response.content.decode()
    assert response.status_code == 400
    # The radios' fieldset names its error, and so does the textarea.
    assert re.search(
        r'<fieldset class="govuk-fieldset" aria-describedby="[^"]*id_decision-error', page
    )
    assert '<p id="id_decision-error" class="govuk-error-message">' in page
    assert re.search(r'<textarea[^>]*aria-describedby="id_reason-hint id_reason-error"', page)


def test_upload_page_offers_the_file_kinds_and_the_confirmation(client, threat):
    verified_login(client, threat.own_analyst)
    page = client.get(f"/threat/datasets/{threat.own_dataset.pk}/import/").content.decode()
    assert re.search(
        r'<input class="govuk-file-upload" id="id_file" name="file" type="file"'
        r' accept=".csv,.txt,.xlsx" aria-describedby="id_file-hint">',
        page,
    )
    assert 'id="id_confirm" name="confirm" type="checkbox"' in page


def test_network_form_shows_two_links_when_the_query_leaves_steps_out(client, imported):
    verified_login(client, imported.own_analyst)
    page = client.get("/threat/network/", {"kind": "lives_at"}).content.decode()
    assert '<option value="2" selected>2 links</option>' in page
    assert 'class="govuk-input govuk-input--width-20"' in page


def test_entity_merge_form_keeps_its_narrow_number_input(client, imported):
    record = person(imported.own_dataset)
    verified_login(client, imported.own_analyst)
    page = client.get(record.entity.get_absolute_url()).content.decode()
    assert re.search(r'<input class="govuk-input govuk-input--width-10" id="id_other"', page)


@pytest.mark.parametrize("name", ["form_field", "select", "radios"])
def test_the_app_has_no_field_templates_of_its_own(name):
    with pytest.raises(TemplateDoesNotExist):
        get_template(f"threat/includes/{name}.html")
