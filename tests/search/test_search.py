"""Search finds what the user may see, tolerant of typing slips and nicknames, and nothing
else; every search is audited; bad input is a clear 400."""

from __future__ import annotations

import pytest
from django.test import Client

from convenor.core.models import AuditEntry
from convenor.intelligence import services as intelligence
from convenor.search import selectors, services
from convenor.search.matching import Level
from tests.conftest import verified_login
from tests.factories import UserFactory


def _found(results, kind: str) -> set:
    return {hit.obj.pk for hit in results.by_kind.get(kind, [])}


def _people(found, who: str):
    people = found.core.people
    return {
        "own_analyst": people["analyst"],
        "partner_practitioner": people["partner_person"],
        "outside_practitioner": people["outside_person"],
        "outside_analyst": found.threat.outside_analyst,
        "nobody's": UserFactory(username="no-organisation"),
    }[who]


# Who finds what for "Sandeep Gill", every cell written out: entities (threat records, analysts
# of the ISA's parties only), group members (groups the user may see) and intelligence subjects
# (reports the user may see and read now: code C only once the conditions are acknowledged).
MATRIX = {
    "own_analyst": ({"gill"}, {"own_member"}, {"own_report", "conditions_report"}),
    "partner_practitioner": (set(), {"own_member"}, {"own_report"}),
    "outside_practitioner": (set(), {"outside_member"}, set()),
    "outside_analyst": ({"outside_gill"}, {"outside_member"}, {"outside_report"}),
    "nobody's": (set(), set(), set()),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_each_user_finds_only_what_they_may_see(found, who):
    entities, members, reports = MATRIX[who]
    results = selectors.search(_people(found, who), "Sandeep Gill")
    assert _found(results, "entity") == {getattr(found, name).pk for name in entities}
    assert _found(results, "member") == {getattr(found, name).pk for name in members}
    subjects = {getattr(found, name).subjects.get().pk for name in reports}
    assert _found(results, "subject") == subjects
    assert _found(results, "record") == set()  # every record is in an entity


def test_a_code_c_subject_is_found_once_its_conditions_are_acknowledged(found):
    partner = found.core.people["partner_person"]
    intelligence.acknowledge_conditions(partner, found.conditions_report)
    results = selectors.search(partner, "Sandeep Gill", kinds=["subject"])
    assert _found(results, "subject") == {
        found.own_report.subjects.get().pk,
        found.conditions_report.subjects.get().pk,
    }


def test_groups_are_found_by_name_within_the_policy(found):
    assert _found(selectors.search(found.core.people["analyst"], "fishergate"), "group") == {
        found.own_group.pk
    }
    outsider = found.core.people["outside_person"]
    assert _found(selectors.search(outsider, "Fishergate crew"), "group") == set()
    assert _found(selectors.search(outsider, "crew"), "group") == {found.outside_group.pk}


@pytest.mark.parametrize(
    "query, level",
    [
        ("Sandeep Gill", Level.EXACT),
        ("gill sandeep", Level.EXACT),
        ("Sandep Gil", Level.NORMALISED),  # sounds alike (metaphone)
        ("Sandeeep Gill", Level.NORMALISED),
        ("Sadneep Gill", Level.FUZZY),  # letters swapped
        ("PR1 2HE", Level.EXACT),
        ("pr12he", Level.EXACT),
        ("+44 7700 900555", Level.EXACT),
    ],
)
def test_typing_slips_and_other_spellings_find_the_person(found, query, level):
    results = selectors.search(found.core.people["analyst"], query, kinds=["entity"])
    hits = {hit.obj.pk: hit for hit in results.by_kind["entity"]}
    assert hits[found.gill.pk].match.level == level
    assert found.outside_gill.pk not in hits and found.hartley.pk not in hits


def test_a_nickname_finds_the_full_name_and_exact_matches_come_first(found):
    analyst = found.core.people["analyst"]
    hits = selectors.search(analyst, "Bill Hartley", kinds=["entity"]).by_kind["entity"]
    assert [hit.obj.pk for hit in hits] == [found.hartley.pk]
    assert hits[0].match.level == Level.NORMALISED and hits[0].label == "William Hartley"
    assert _found(selectors.search(analyst, "Bill"), "entity") == {found.hartley.pk}
    assert _found(selectors.search(analyst, "Bob Hartley"), "entity") == set()
    hits = selectors.search(analyst, "Gill").by_kind["member"]
    assert hits[0].match.level == Level.EXACT


def test_the_page_groups_results_by_kind_and_audits_the_query(client, found):
    analyst = found.core.people["analyst"]
    verified_login(client, analyst)
    response = client.get("/search/", {"q": "Sandep Gil"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-kind="entity"' in page and found.gill.get_absolute_url() in page
    assert 'data-kind="member"' in page and 'data-kind="subject"' in page
    assert found.outside_group.get_absolute_url() not in page
    assert found.outside_report.get_absolute_url() not in page
    entry = AuditEntry.objects.filter(action="search_run", actor=analyst).latest("id")
    assert entry.detail["query"] == "Sandep Gil"
    assert entry.detail["found"]["entity"] == 1
    assert 'role="search"' in page and 'name="q"' in page  # the header's box


def test_the_search_page_without_a_query_shows_the_form_and_audits_nothing(client, found):
    verified_login(client, found.core.people["analyst"])
    before = AuditEntry.objects.filter(action="search_run").count()
    assert client.get("/search/").status_code == 200
    assert AuditEntry.objects.filter(action="search_run").count() == before


@pytest.mark.parametrize(
    "q, message",
    [
        ("", "Enter a name, registration, postcode or phone number to search for"),
        ("   ", "Enter a name, registration, postcode or phone number to search for"),
        ("x" * 201, "Enter at most 200 characters"),
        ("Gill " * 2_000_000, "Enter at most 200 characters"),
    ],
)
def test_bad_queries_are_explained_and_not_searched(client, found, q, message):
    verified_login(client, found.core.people["analyst"])
    response = client.get("/search/", {"q": q})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="search_run").exists()


@pytest.mark.parametrize(
    "q", ["Ωμέγα", "😀", "'; DROP TABLE threat_record; --", "%_%", "Siân O'Brien"]
)
def test_odd_queries_find_nothing_without_failing(client, found, q):
    verified_login(client, found.core.people["analyst"])
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert "Nothing you may see matches" in response.content.decode()


def test_an_unknown_kind_is_refused(client, found):
    verified_login(client, found.core.people["analyst"])
    response = client.get("/search/", {"q": "Gill", "kinds": "secrets"})
    assert response.status_code == 400 and "Choose from the list" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(found):
    response = Client().get("/search/", {"q": "Gill"})
    assert response.status_code == 302 and "/search/" not in response["Location"].split("?")[0]


def test_the_service_audits_what_was_found(found):
    analyst = found.core.people["analyst"]
    results = services.run_search(analyst, "Gill", ["member"])
    entry = AuditEntry.objects.filter(action="search_run").latest("id")
    assert entry.actor == analyst and entry.detail["kinds"] == ["member"]
    assert entry.detail["found"] == {"member": 1} == results.counts()


def test_the_longest_query_of_common_nicknames_is_answered(client, found):
    verified_login(client, found.core.people["analyst"])
    q = "Bill Bob Will Liz Kate Jim Tom Dick Harry Sue Meg Pat"  # more words than are used
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


def test_a_phone_number_is_searched_across_every_kind(client, found):
    verified_login(client, found.core.people["analyst"])
    response = client.get("/search/", {"q": "07700 900555"})
    assert response.status_code == 200
    assert found.gill.get_absolute_url() in response.content.decode()
