"""The threat world: the core `world` plus analysts in every organisation and a dataset held by
each, shared under the organisations' agreements."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from convenor.core.areas import load_areas
from convenor.threat import services
from convenor.threat.models import Dataset
from tests.factories import MembershipFactory, UserFactory

NOMINALS_CSV = (
    "Nominal ID,Forename,Surname,DOB,Address,Postcode,Mobile,Associate of\n"
    "N1,Daniel,Whitlow,14/02/1988,12 Fishergate,PR1 2HE,07700 900123,\n"
    "N2,Kyle,Brennan,1990-07-03,4 Ribbleton Lane,PR1 5EP,,N1\n"
)
NOMINALS_MAPPING = {
    "reference": "Nominal ID",
    "first_name": "Forename",
    "surname": "Surname",
    "date_of_birth": "DOB",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Mobile",
    "associate_reference": "Associate of",
}
TAXI_CSV = (
    "Licence,First name,Last name,Date of birth,Vehicle,Phone\n"
    "TX-1001,Danny,Whitlow,14 Feb 1988,PN19 ABC,+44 7700 900123\n"
)
TAXI_MAPPING = {
    "licence_number": "Licence",
    "first_name": "First name",
    "surname": "Last name",
    "date_of_birth": "Date of birth",
    "vehicle_registration": "Vehicle",
    "phone": "Phone",
}


@dataclass
class ThreatWorld:
    core: object
    own_analyst: object
    partner_analyst: object
    outside_analyst: object
    own_dataset: Dataset
    partner_dataset: Dataset
    outside_dataset: Dataset


def make_dataset(organisation, partnership, agreement, analyst, title, kind="police_nominals"):
    return services.create_dataset(
        analyst,
        {
            "organisation": organisation,
            "partnership": partnership,
            "agreement": agreement,
            "legal_basis": agreement.legal_bases[0],
            "kind": kind,
            "title": title,
            "contact": analyst,
        },
    )


@pytest.fixture
def areas(db):
    return load_areas()


@pytest.fixture
def threat(world) -> ThreatWorld:
    return build_threat(world)


def build_threat(world) -> ThreatWorld:
    own_analyst = world.people["analyst"]
    partner_analyst = UserFactory(username="partner-analyst", first_name="Priya", last_name="Shah")
    MembershipFactory(user=partner_analyst, organisation=world.partner, role="analyst")
    outside_analyst = UserFactory(username="outside-analyst")
    MembershipFactory(user=outside_analyst, organisation=world.outside, role="analyst")
    own = make_dataset(world.own, world.shared, world.shared_agreement, own_analyst, "Own nominals")
    partner = make_dataset(
        world.partner,
        world.shared,
        world.shared_agreement,
        partner_analyst,
        "Partner taxi licences",
        kind="taxi_licences",
    )
    outside = make_dataset(
        world.outside,
        world.elsewhere,
        world.elsewhere_agreement,
        outside_analyst,
        "Outside nominals",
    )
    return ThreatWorld(world, own_analyst, partner_analyst, outside_analyst, own, partner, outside)


@pytest.fixture
def imported(threat, areas):
    return import_all(threat)


def import_all(threat: ThreatWorld) -> ThreatWorld:
    """Both shared datasets imported; the two Whitlow records are the same man."""
    services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "nominals.csv",
        NOMINALS_CSV.encode(),
        NOMINALS_MAPPING,
    )
    services.import_file(
        threat.partner_analyst,
        threat.partner_dataset,
        "taxi.csv",
        TAXI_CSV.encode(),
        TAXI_MAPPING,
    )
    services.import_file(
        threat.outside_analyst,
        threat.outside_dataset,
        "outside.csv",
        NOMINALS_CSV.encode(),
        NOMINALS_MAPPING,
    )
    return threat
