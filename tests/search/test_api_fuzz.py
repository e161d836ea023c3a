"""Schemathesis over the search endpoint only, with a group and members to find: no generated
query (any text, kinds, limit) may cause a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from convenor.core.tokens import issue_api_token
from convenor.groups.models import GroupMember, HarmCharacteristic, ThreatArea
from convenor.groups.reference import load as load_reference
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.groups.conftest import make_group


@pytest.fixture
def search_api_schema(live_server, transactional_db):
    # A generous timeout: the schema is built once per process, slowly on a busy machine.
    return schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/?format=json", timeout=120
    )


@pytest.fixture
def token_for_searcher(transactional_db):
    load_reference(ThreatArea, HarmCharacteristic)
    own = OrganisationFactory(name="Own Police", kind="police_force")
    user = UserFactory(username="api-searcher")
    MembershipFactory(user=user, organisation=own, role="analyst")
    group = make_group("Fishergate crew", own, officer=user)
    for name in ("William Hartley", "Sandeep Gill", "Siân O'Brien"):
        GroupMember.objects.create(group=group, name=name, role="principal")
    return issue_api_token(user)


schema = schemathesis.pytest.from_fixture("search_api_schema").include(
    path_regex=r"^/api/v1/search/"
)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_search_causes_a_server_error(case, token_for_searcher):
    case.call_and_validate(
        headers={"Authorization": f"Token {token_for_searcher}"},
        checks=[not_a_server_error],
    )
