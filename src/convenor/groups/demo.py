"""Demo organised crime groups, drawn from the seeds: a Preston county-lines group (seed 002,
Operation Genga), a West Midlands group in organised immigration crime and money laundering
through hand car washes and nail bars, a West Midlands firearms supply group (seed 003, NABIS),
and a Preston illicit tobacco group found by trading standards. Every group, member and score is
INVENTED; no real individual's personal data.

Recorded through the real services (so the audit record shows them), each with a history of
assessments. Members are linked to the threat demo's entities where that demo has a record of
the same name in the group's partnership. Running it again changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from convenor.core.access import visible
from convenor.core.demo import PRESTON, WEST_MIDLANDS
from convenor.core.models import Area, Organisation, Partnership, User

from . import services
from .models import HarmCharacteristic, OrganisedCrimeGroup, ThreatArea
from .reference import load as load_reference

IMPACT_FACTORS = ["physical", "psychological", "financial", "community", "environmental",
                  "reputational"]  # fmt: skip


def _scores(impacts: list[int], likelihood: int, capability: int, intent: int) -> dict[str, int]:
    values = {f"impact_{code}": value for code, value in zip(IMPACT_FACTORS, impacts, strict=True)}
    values.update(likelihood=likelihood, capability=capability, intent=intent)
    return values


# (months before today, scores, who assessed, rationale)
GROUPS = [
    {
        "name": "Ribble Valley Line",
        "owner": "Lancashire Constabulary",
        "partnership": PRESTON,
        "officer": "lee.barnes",
        "status": OrganisedCrimeGroup.Status.ACTIVE,
        "summary": "Runs a county line supplying crack cocaine and heroin from Preston into "
        "South Ribble and Blackpool. Uses children excluded from school as runners and "
        "takes over the homes of vulnerable adults (cuckooing); launders cash through a council "
        "contractor and moves drugs in a licensed taxi. Intelligence shared through Operation "
        "Genga.",
        "threat_areas": ["drugs-supply", "modern-slavery"],
        "harm": ["serious-violence", "exercise-of-control", "community-safety"],
        "areas": ["E07000123", "E07000126", "E06000009"],
        "members": [
            ("Mark Doyle", "principal", "Controls the line phone and the supply."),
            (
                "Kyle Brennan",
                "significant",
                "Mark Doyle's associate; director of Ribble "
                "Groundworks Ltd, a council contractor, through which cash is laundered.",
            ),
            (
                "Ribble Groundworks Ltd",
                "significant",
                "Council contractor used to launder the line's cash.",
            ),
            (
                "Danny Whitlow",
                "peripheral",
                "Licensed taxi driver (as Daniel Whitlow) who moves "
                "drugs and runners between Preston and Blackpool.",
            ),
            (
                "Tyler Hargreaves",
                "peripheral",
                "Runner; referred to the Twilight Project.",
                16,  # years old today: his date of birth is worked out from it
            ),
        ],
        "assessments": [
            (
                11,
                _scores([4, 4, 3, 4, 1, 2], 4, 3, 4),
                "lee.barnes",
                "Line identified from test purchases and two stabbings linked to debt collection. "
                "Runners under 18 seen at three addresses.",
            ),
            (
                6,
                _scores([5, 4, 3, 5, 1, 2], 5, 4, 5),
                "lee.barnes",
                "Violence escalated after a rival line appeared; a firearm was reported by a "
                "Crimestoppers caller. Two further cuckooed addresses found by housing.",
            ),
            (
                1,
                _scores([3, 3, 3, 3, 1, 2], 4, 3, 3),
                "lee.barnes",
                "Principal's associate remanded after Operation Genga warrants; the line still "
                "runs but with fewer runners. Closure orders on two addresses.",
            ),
        ],
    },
    {
        "name": "Gleam Network",
        "owner": "West Midlands Regional Organised Crime Unit",
        "partnership": WEST_MIDLANDS,
        "officer": "priya.shah",
        "status": OrganisedCrimeGroup.Status.ACTIVE,
        "summary": "Brings people into the UK illegally and puts them to work in hand car "
        "washes and nail bars across Birmingham and Sandwell, laundering the proceeds through "
        "the same cash businesses.",
        "threat_areas": ["organised-immigration-crime", "modern-slavery", "money-laundering"],
        "harm": ["profit-or-loss", "exercise-of-control"],
        "areas": ["E08000025", "E08000028"],
        "members": [
            ("Arben Hoxha", "principal", "Owns or controls the businesses through nominees."),
            ("Sparkle Hand Car Wash Ltd", "significant", "Cash business used to launder."),
            ("Lena Marku", "significant", "Arranges accommodation and travel for workers."),
            ("Polished Nails and Beauty", "peripheral", "Nail bar employing trafficked workers."),
        ],
        "assessments": [
            (
                9,
                _scores([2, 4, 4, 3, 2, 2], 4, 4, 4),
                "priya.shah",
                "HMRC and DWP flags on the businesses; Home Office immigration enforcement visits "
                "found workers without the right to work and with no pay records.",
            ),
            (
                3,
                _scores([3, 5, 4, 3, 2, 3], 5, 4, 4),
                "priya.shah",
                "National Referral Mechanism referrals for five workers; evidence of debt bondage. "
                "Two new sites opened in Sandwell.",
            ),
        ],
    },
    {
        "name": "Foundry Lane Armourers",
        "owner": "West Midlands Regional Organised Crime Unit",
        "partnership": WEST_MIDLANDS,
        "officer": "priya.shah",
        "status": OrganisedCrimeGroup.Status.ACTIVE,
        "summary": "Converts blank-firing pistols and reactivates deactivated weapons for sale "
        "to street gangs; NABIS links several discharges across Birmingham and Walsall to its "
        "work.",
        "threat_areas": ["firearms"],
        "harm": ["serious-violence", "community-safety", "profit-or-loss"],
        "areas": ["E08000025", "E08000030"],
        "members": [
            ("Marcus Delaney", "principal", "Machinist; converts the weapons."),
            ("Jamal Okafor", "significant", "Sells to gangs; brokers ammunition."),
        ],
        "assessments": [
            (
                8,
                _scores([5, 4, 2, 4, 1, 2], 3, 3, 3),
                "priya.shah",
                "NABIS links two discharges to converted pistols of the same pattern.",
            ),
            (
                4,
                _scores([5, 5, 2, 5, 1, 3], 4, 4, 4),
                "priya.shah",
                "Four more discharges linked; the firearms surrender campaign recovered one "
                "converted pistol. Supply continues.",
            ),
            (
                0,
                _scores([5, 5, 2, 5, 1, 3], 4, 3, 4),
                "priya.shah",
                "Workshop premises identified and searched; equipment seized but the principal "
                "remains at large.",
            ),
        ],
    },
    {
        "name": "Fishergate Tobacco Suppliers",
        "owner": "Lancashire Constabulary",
        "partnership": PRESTON,
        "officer": "lee.barnes",
        "status": OrganisedCrimeGroup.Status.DORMANT,
        "summary": "Supplied illicit tobacco and counterfeit alcohol through convenience shops "
        "in Preston city centre; trading standards seizures and licence reviews since.",
        "threat_areas": ["counterfeit-illicit-goods", "money-laundering"],
        "harm": ["profit-or-loss", "community-safety"],
        "areas": ["E07000123"],
        "members": [
            ("Sandeep Gill", "principal", "Premises licence holder of Fishergate Food and Wine."),
            (
                "Fishergate Food and Wine",
                "significant",
                "Shop where trading standards seized illicit tobacco.",
            ),
        ],
        "assessments": [
            (
                10,
                _scores([1, 1, 3, 3, 1, 2], 4, 2, 3),
                "lee.barnes",
                "Trading standards seized 40,000 cigarettes from concealed compartments; links to "
                "suppliers outside the area.",
            ),
            (
                2,
                _scores([1, 1, 2, 2, 1, 1], 2, 2, 2),
                "lee.barnes",
                "Premises licences revoked after review; no sales seen at test purchases since. "
                "Marked dormant.",
            ),
        ],
    },
]


def _born_aged(years: int, today: datetime.date) -> datetime.date:
    """A date of birth that makes someone ``years`` old today (and for the next few months)."""
    return today - datetime.timedelta(days=round(365.25 * years) + 120)


def _link_entity(user: User, partnership: Partnership, name: str):
    """The threat demo's entity for ``name`` in the partnership, if it has one."""
    try:
        from convenor.threat.models import Entity, Record
    except ImportError:  # the threat app is not installed
        return None
    first, _, surname = name.rpartition(" ")
    records = visible(user, Record.objects.filter(dataset__partnership=partnership)).filter(
        entity__isnull=False, entity__kind__in=[Entity.Kind.PERSON, Entity.Kind.BUSINESS]
    )
    match = (
        records.filter(company_name__iexact=name).first()
        or records.filter(first_name__iexact=first, surname__iexact=surname).first()
    )
    return match.entity if match else None


@transaction.atomic
def load_demo() -> str:
    load_reference(ThreatArea, HarmCharacteristic)
    today = timezone.localdate()
    for spec in GROUPS:
        owner = Organisation.objects.get(name=spec["owner"])
        partnership = Partnership.objects.get(name=spec["partnership"])
        officer = User.objects.get(username=spec["officer"])
        group = OrganisedCrimeGroup.objects.filter(
            owning_organisation=owner, name=spec["name"]
        ).first()
        if group is None:
            group = services.record_group(
                officer,
                owner,
                {
                    "name": spec["name"],
                    "summary": spec["summary"],
                    "status": spec["status"],
                    "partnership": partnership,
                    "lead_responsible_officer": officer,
                    "threat_areas": list(ThreatArea.objects.filter(code__in=spec["threat_areas"])),
                    "harm_characteristics": list(
                        HarmCharacteristic.objects.filter(code__in=spec["harm"])
                    ),
                    "areas": list(Area.objects.filter(code__in=spec["areas"])),
                },
            )
        for name, role, notes, *age in spec["members"]:
            member = group.members.filter(name=name).first()
            if member is None:
                fields = {"name": name, "role": role, "notes": notes}
                if age:
                    fields["date_of_birth"] = _born_aged(age[0], today)
                member = services.add_member(officer, group, fields)
            if member.entity_id is None:
                entity = _link_entity(officer, partnership, name)
                if entity is not None:
                    services.change_member(officer, member, {"entity": entity})
        if not group.assessments.exists():
            for months_ago, scores, assessor, rationale in spec["assessments"]:
                services.record_assessment(
                    User.objects.get(username=assessor),
                    group,
                    inputs=scores,
                    rationale=rationale,
                    assessed_on=today - datetime.timedelta(days=30 * months_ago + 3),
                )
    groups = OrganisedCrimeGroup.objects.filter(name__in=[spec["name"] for spec in GROUPS])
    assessments = sum(group.assessments.count() for group in groups)
    return f"{groups.count()} organised crime groups, {assessments} assessments"
