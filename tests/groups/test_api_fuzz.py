"""Schemathesis over the groups endpoints only, with groups, members and assessments in place so
that generated ids hit real records: no generated request may cause a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from convenor.core.tokens import issue_api_token
from convenor.groups.models import GroupMember, HarmCharacteristic, ThreatArea
from convenor.groups.reference import load as load_reference
from tests.factories import (
    AgreementFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.groups.conftest import area, assess, inputs, make_group


@pytest.fixture
def groups_api_schema(live_server, transactional_db):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")


@pytest.fixture
def token_for_group_editor(transactional_db):
    load_reference(ThreatArea, HarmCharacteristic)
    own = OrganisationFactory(name="Own Police", kind="police_force")
    partner = OrganisationFactory(name="Partner Council")
    partnership = PartnershipFactory(name="Shared", lead_organisation=own)
    partnership.organisations.set([own, partner])
    AgreementFactory(partnership=partnership).parties.set([own, partner])
    user = UserFactory(username="api-analyst")
    MembershipFactory(user=user, organisation=own, role="analyst")
    MembershipFactory(user=user, organisation=own, role="partnership_administrator")
    preston = area("E07000123", "Preston")
    for number in range(3):
        group = make_group(
            f"Group {number}", own, partnership=partnership, officer=user, areas=[preston]
        )
        GroupMember.objects.create(group=group, name=f"Member {number}", role="principal")
        assess(group, user, inputs())
    return issue_api_token(user)


schema = schemathesis.pytest.from_fixture("groups_api_schema").include(
    path_regex=r"^/api/v1/(groups|group-members|group-assessments|group-rankings|"
    r"group-disruptions|group-orders|group-order-breaches|"
    r"threat-areas|harm-characteristics)/"
)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_groups_request_causes_a_server_error(case, token_for_group_editor):
    case.call_and_validate(
        headers={"Authorization": f"Token {token_for_group_editor}"},
        checks=[not_a_server_error],
    )
