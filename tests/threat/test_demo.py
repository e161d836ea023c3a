"""The demo: Preston partners' files imported through the real importer and linked, with the
cross-dataset matches the story needs, and flag-and-contact for DWP's flags."""

from __future__ import annotations

import pytest

from convenor.core.demo import load_demo as load_core_demo
from convenor.core.models import User
from convenor.threat import selectors
from convenor.threat.demo import load_demo
from convenor.threat.models import Dataset, DatasetImport, MatchPair, Record

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_imports_links_and_is_idempotent():
    load_core_demo()
    summary = load_demo()
    assert summary.startswith("6 Preston datasets imported")
    assert DatasetImport.objects.filter(status="done").count() == 6

    def people(surname):
        return Record.objects.filter(kind="person", surname=surname)

    whitlow = people("Whitlow")
    assert whitlow.count() == 2 and len({r.entity_id for r in whitlow}) == 1
    brennan = people("Brennan")
    assert {r.dataset.kind for r in brennan} == {"police_nominals", "contractors"}
    assert len({r.entity_id for r in brennan}) == 1
    assert MatchPair.objects.filter(record_a__company_number="11223344").exists()

    lee = User.objects.get(username="lee.barnes")
    doyle = Record.objects.get(surname="Doyle", dataset__kind="police_nominals", kind="person")
    flags = selectors.flags_for(lee, doyle.entity)
    assert [(f.organisation.name, f.contact_name) for f in flags] == [
        ("Department for Work and Pensions", "Rachel Adeyemi")
    ]
    # Every postcode resolved to Preston.
    assert not Record.objects.exclude(postcode="").filter(local_authority__isnull=True).exists()

    records = Record.objects.count()
    load_demo()
    assert Record.objects.count() == records
    assert Dataset.objects.count() == 6
