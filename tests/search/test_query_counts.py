"""The search page makes a fixed number of queries however many rows match: one per kind of
thing searched, never one per result."""

from __future__ import annotations

from convenor.groups.models import GroupMember
from tests.conftest import verified_login


def test_search_page_query_count(client, found, pin_queries):
    for n in range(5):  # more members named alike: a query per row would show
        GroupMember.objects.create(
            group=found.own_group, name=f"Sandeep Gill {n}", role="peripheral"
        )
    verified_login(client, found.core.people["analyst"])
    client.get("/search/", {"q": "Sandeep Gill"})
    # Session, user, device, lockout, standing (5), one query per kind searched (4), the audit
    # entry (5 with its savepoints), the menu and the session save.
    response = pin_queries(22, client.get, "/search/", {"q": "Sandeep Gill"})
    assert response.content.decode().count("Sandeep Gill") >= 6
