"""A world to search: records, groups, members and intelligence subjects named alike in the
shared partnership and outside it, so a search shows whether the policy holds."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from convenor.groups.models import (
    GroupMember,
    HarmCharacteristic,
    OrganisedCrimeGroup,
    ThreatArea,
)
from convenor.groups.reference import load as load_reference
from convenor.intelligence import services as intelligence
from convenor.threat import services as threat_services
from convenor.threat.models import Entity
from tests.groups.conftest import make_group
from tests.intelligence.conftest import report_fields
from tests.threat.conftest import NOMINALS_MAPPING, areas, build_threat  # noqa: F401  (fixture)

HEADER = "Nominal ID,Forename,Surname,DOB,Address,Postcode,Mobile,Associate of\n"
OWN_CSV = (
    HEADER
    + "S1,Sandeep,Gill,02/03/1985,1 Church Road,PR1 2HE,07700 900555,\n"
    + "S2,William,Hartley,,,,,\n"
    + "S3,Margaret,Ashworth,,,,,\n"
)
OUTSIDE_CSV = HEADER + "X1,Sandeep,Gill,,,,,\nX2,William,Outhwaite,,,,07700 900555,\n"


@dataclass
class SearchWorld:
    core: object
    threat: object
    gill: Entity  # own dataset, shared partnership
    hartley: Entity
    outside_gill: Entity  # outside's dataset
    own_group: OrganisedCrimeGroup  # A's, shared in `shared`
    outside_group: OrganisedCrimeGroup
    own_member: GroupMember  # Sandeep Gill in own_group, linked to `gill`
    outside_member: GroupMember
    own_report: object  # A's, subject Sandeep Gill linked to `gill`, shared with B
    conditions_report: object  # A's, handling code C, shared with B, subject Sandeep Gill
    outside_report: object  # C's, subject Sandeep Gill


def _import(analyst, dataset, csv: str) -> None:
    threat_services.import_file(analyst, dataset, "people.csv", csv.encode(), NOMINALS_MAPPING)


def _entity(dataset, surname: str) -> Entity:
    return Entity.objects.get(records__dataset=dataset, records__surname=surname)


@pytest.fixture
def found(world, areas) -> SearchWorld:  # noqa: F811
    threat = build_threat(world)
    load_reference(ThreatArea, HarmCharacteristic)
    _import(threat.own_analyst, threat.own_dataset, OWN_CSV)
    _import(threat.outside_analyst, threat.outside_dataset, OUTSIDE_CSV)
    gill = _entity(threat.own_dataset, "Gill")
    outside_gill = _entity(threat.outside_dataset, "Gill")
    own_group = make_group(
        "Fishergate crew", world.own, partnership=world.shared, officer=threat.own_analyst
    )
    outside_group = make_group(
        "Outside crew", world.outside, partnership=world.elsewhere, officer=threat.outside_analyst
    )
    own_member = GroupMember.objects.create(
        group=own_group, name="Sandeep Gill", role="principal", entity=gill
    )
    outside_member = GroupMember.objects.create(
        group=outside_group, name="Sandeep Gill", role="principal", entity=outside_gill
    )
    analyst = world.people["analyst"]
    subject = [{"kind": "person", "name": "Sandeep Gill", "identifier": "02/03/1985"}]
    own_report = intelligence.submit_report(
        analyst, report_fields(title="Gill seen at the car wash"), subjects=subject
    )
    intelligence.link_subject(analyst, own_report.subjects.get(), gill.pk)
    intelligence.disseminate(analyst, own_report, organisations=[world.partner])
    conditions_report = intelligence.submit_report(
        analyst,
        report_fields(
            title="Gill under conditions",
            handling_code="C",
            handling_conditions="Ask the originator before acting",
        ),
        subjects=subject,
    )
    intelligence.link_subject(analyst, conditions_report.subjects.get(), gill.pk)
    intelligence.disseminate(analyst, conditions_report, organisations=[world.partner])
    outside_report = intelligence.submit_report(
        threat.outside_analyst, report_fields(title="Outside Gill"), subjects=subject
    )
    return SearchWorld(
        world,
        threat,
        gill,
        _entity(threat.own_dataset, "Hartley"),
        outside_gill,
        own_group,
        outside_group,
        own_member,
        outside_member,
        own_report,
        conditions_report,
        outside_report,
    )
