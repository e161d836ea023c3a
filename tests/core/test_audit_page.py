"""The audit page in plain words with a date range (issue 13 item 11): action codes read as
words (one mapping, unknown codes humanised), and from/to dates, validated, on the page and the
CSV export."""

import datetime
from unittest import mock

import pytest

from convenor.core import audit
from convenor.core.audit import action_label
from convenor.core.models import AuditEntry
from tests.conftest import verified_login


def test_known_codes_read_as_words_and_unknown_ones_are_humanised():
    assert action_label("agreement_signed") == "Signed an information sharing agreement"
    assert action_label("signed_in_password").startswith("Gave the right password")
    assert action_label("api_token_rotated") == "API token rotated"
    assert action_label("something-new_happened") == "Something new happened"
    assert action_label("") == ""


def _entries_on(world, days):
    """One ``signed_in`` entry by the analyst on each of ``days``, recorded as if on that day
    (the chain stays whole, and PostgreSQL's append-only guard is not touched)."""
    analyst = world.people["analyst"]
    for day in days:
        at = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=at):
            audit.record("signed_in", actor=analyst, detail={"day": day.isoformat()})


D = datetime.date


def test_the_page_shows_words_and_filters_by_date(client, world):
    _entries_on(world, [D(2026, 1, 10), D(2026, 2, 10), D(2026, 3, 10)])
    verified_login(client, world.people["auditor"])
    response = client.get(
        "/audit/", {"action": "signed_in", "from_date": "2026-02-01", "to_date": "2026-02-10"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 entry" in body and "10 Feb 2026" in body and "10 Jan 2026" not in body
    assert ">Signed in <span" in body  # the words, with the code beside them as a hint
    viewed = AuditEntry.objects.filter(action="audit_viewed").order_by("-id").first()
    assert viewed.detail["filters"] == {
        "action": "signed_in",
        "from_date": "2026-02-01",
        "to_date": "2026-02-10",
    }


def test_the_export_has_the_words_and_the_same_range(client, world):
    _entries_on(world, [D(2026, 1, 10), D(2026, 2, 10), D(2026, 3, 10)])
    verified_login(client, world.people["auditor"])
    response = client.get("/audit/export.csv", {"action": "signed_in", "from_date": "2026-03-01"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].split(",")[4:6] == ["action", "action_label"]
    assert len(lines) == 2 and ",signed_in,Signed in," in lines[1]
    assert lines[1].split(",")[1].startswith("2026-03-10")


@pytest.mark.parametrize(
    "query,message",
    [
        ({"from_date": "2026-02-31"}, "Enter the ‘from’ date as a real date"),
        ({"to_date": "yesterday"}, "Enter the ‘to’ date as a real date"),
        (
            {"from_date": "2026-03-01", "to_date": "2026-02-01"},
            "The ‘to’ date must be the same as or after the ‘from’ date",
        ),
    ],
)
def test_bad_dates_get_a_clear_error_on_the_page_and_the_export(client, world, query, message):
    verified_login(client, world.people["auditor"])
    before = AuditEntry.objects.count()
    page = client.get("/audit/", query)
    assert page.status_code == 400 and message in page.content.decode()
    assert "There is a problem" in page.content.decode()
    export = client.get("/audit/export.csv", query)
    assert export.status_code == 400 and message in export.content.decode()
    assert AuditEntry.objects.count() == before  # nothing was read, so nothing recorded


def test_bad_dates_do_not_reveal_the_page_to_others(client, world):
    verified_login(client, world.people["analyst"])
    assert client.get("/audit/", {"from_date": "nonsense"}).status_code == 403
    assert client.get("/audit/export.csv", {"from_date": "nonsense"}).status_code == 403
