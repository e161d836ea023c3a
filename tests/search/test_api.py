"""GET /api/v1/search/: the page's search as JSON, audited, with bad input a 400 that says
what is wrong."""

from __future__ import annotations

import pytest
from django.test import Client

from convenor.core.models import AuditEntry
from convenor.core.tokens import issue_api_token


@pytest.fixture
def api(found):
    key = issue_api_token(found.core.people["analyst"])
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_api_finds_what_the_page_finds(api, found):
    response = api.get("/api/v1/search/", {"q": "Sandep Gil", "kinds": ["entity", "member"]})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "Sandep Gil"
    assert [hit["id"] for hit in body["results"]["entity"]] == [found.gill.pk]
    assert [hit["id"] for hit in body["results"]["member"]] == [found.own_member.pk]
    assert body["results"]["entity"][0]["match"] == "same name or sound"
    assert set(body["results"]) == {"entity", "member"}
    entry = AuditEntry.objects.filter(action="search_run").latest("id")
    assert entry.detail["query"] == "Sandep Gil"


def test_the_api_is_listed_in_the_index(api, found):
    assert "search" in api.get("/api/v1/").json()


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({}, "q", "Enter a name, registration, postcode or phone number to search for"),
        ({"q": ""}, "q", "Enter a name, registration, postcode or phone number to search for"),
        ({"q": "x" * 10_000_000}, "q", "Enter at most 200 characters"),
        ({"q": "Gill", "kinds": "nothing"}, "kinds", "Choose from the list"),
        ({"q": "Gill", "limit": "0"}, "limit", "Give a number from 1 to 100"),
        ({"q": "Gill", "limit": "²"}, "limit", "Give a number from 1 to 100"),
        ({"q": "Gill", "limit": "9" * 5000}, "limit", "Give a number from 1 to 100"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, params, field, message):
    response = api.get("/api/v1/search/", params)
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not AuditEntry.objects.filter(action="search_run").exists()


def test_the_api_needs_a_token(found):
    assert Client().get("/api/v1/search/", {"q": "Gill"}).status_code in (401, 403)
