"""Demo organised crime groups, drawn from the seeds: a Preston county-lines group (seed 002,
Operation Genga), a West Midlands group in organised immigration crime and money laundering
through hand car washes and nail bars, a West Midlands firearms supply group (seed 003, NABIS),
and a Preston illicit tobacco group found by trading standards. The county line has the
response of 2025: six disruptions (one awaiting verification) and two ancillary orders. Every
group, member and score is INVENTED; no real individual's personal data.

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
from convenor.core.models import Area, Membership, Organisation, Partnership, Role, User

from . import services
from .models import (
    AncillaryOrder,
    Disruption,
    DisruptionImpact,
    DisruptionType,
    HarmCharacteristic,
    OrderType,
    OrganisedCrimeGroup,
    ThreatArea,
)
from .reference import load as load_reference
from .reference import load_response as load_response_reference

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
        "areas": ["E07000123"],
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
    load_response_reference(
        {
            "DisruptionType": DisruptionType,
            "DisruptionImpact": DisruptionImpact,
            "OrderType": OrderType,
        }
    )
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
    line = OrganisedCrimeGroup.objects.get(
        owning_organisation__name="Lancashire Constabulary", name="Ribble Valley Line"
    )
    _load_response(line, today)
    groups = OrganisedCrimeGroup.objects.filter(name__in=[spec["name"] for spec in GROUPS])
    assessments = sum(group.assessments.count() for group in groups)
    return (
        f"{groups.count()} organised crime groups, {assessments} assessments, "
        f"{Disruption.objects.filter(group__in=groups).count()} disruptions, "
        f"{AncillaryOrder.objects.filter(group__in=groups).count()} ancillary orders"
    )


# The county line's response through 2025 (seed 002): (date, type, P, lead agency, contributing
# partners, members, quantity, value in pence, impact, description, rationale, verified).
DISRUPTIONS = [
    (datetime.date(2025, 2, 18), "drugs-seized", "pursue", "Lancashire Constabulary",
     ["Lancashire Constabulary SOC Project (Operation Genga)"], ["Mark Doyle"], 412, 1_850_000,
     "moderate", "Drugs warrant at the line's safe house: 412 g of crack cocaine and heroin.",
     "The line's stock for about a month; supply resumed within weeks from a new address.", True),
    (datetime.date(2025, 4, 3), "licence-revoked", "pursue", "Preston City Council Licensing",
     ["Lancashire Constabulary"], ["Danny Whitlow"], None, None, "minor",
     "Hackney carriage driver's licence revoked by council licensing on police information.",
     "Removes one vehicle the line used; the driver can still drive privately.", True),
    (datetime.date(2025, 5, 22), "premises-closed", "protect", "Lancashire Constabulary",
     ["Preston City Council Community Safety"], [], None, None, "moderate",
     "Closure order on a cuckooed flat on the Callon estate; the tenant was safeguarded.",
     "The line lost its main Preston address for three months.", True),
    (datetime.date(2025, 7, 9), "cash-seized", "pursue", "Lancashire Constabulary",
     ["HM Revenue and Customs"], ["Kyle Brennan"], None, 2_340_000, "minor",
     "£23,400 in cash seized from a car at a stop on the M6 (Proceeds of Crime Act 2002).",
     "A week's takings: limited on its own, but forfeiture proceedings follow.", True),
    (datetime.date(2025, 9, 19), "ancillary-order-obtained", "pursue", "Lancashire Constabulary",
     ["National Crime Agency"], ["Mark Doyle"], None, None, "major",
     "Serious Crime Prevention Order on the principal on conviction at Preston Crown Court.",
     "Limits the principal's phones, vehicles and cash for five years after release.", True),
    (datetime.date(2025, 10, 30), "safeguarding-of-a-victim", "prevent",
     "Preston Vocational Centre (Twilight Project)", ["Preston City Council Community Safety"],
     ["Tyler Hargreaves"], None, None, "minor",
     "A runner aged 16 referred to the Twilight Project; the referral was accepted.",
     "One runner out of the line; the line recruits others.", False),
]  # fmt: skip

VERIFIER = ("ruth.ainsworth", "Ruth", "Ainsworth", "Detective Sergeant, SOC Project")


def _verifier(organisation: Organisation) -> User:
    """A second analyst of the constabulary who verifies the line's disruptions (signs in only
    once an operator sets a password)."""
    username, first, last, title = VERIFIER
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "job_title": title,
                  "email": f"{username}@example.org"},
    )  # fmt: skip
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(
        user=user, organisation=organisation, role=Role.ANALYST,
        defaults={"started_on": datetime.date(2024, 4, 1)},
    )  # fmt: skip
    return user


def _load_response(line: OrganisedCrimeGroup, today: datetime.date) -> None:
    """Six disruptions of the county line through 2025 (one not yet verified) and two orders:
    one expiring next month, one breached."""
    recorder = line.lead_responsible_officer
    verifier = _verifier(line.owning_organisation)
    members = {m.name: m for m in line.members.all()}
    if not line.disruptions.exists():
        for (on, kind, p, lead, partners, concerned, quantity, value, impact, description,
             rationale, verified) in DISRUPTIONS:  # fmt: skip
            disruption = services.record_disruption(
                recorder,
                line,
                {
                    "occurred_on": on,
                    "disruption_type": DisruptionType.objects.get(code=kind),
                    "p": p,
                    "lead_agency": Organisation.objects.get(name=lead),
                    "contributing_partners": list(Organisation.objects.filter(name__in=partners)),
                    "members": [members[name] for name in concerned],
                    "quantity": quantity,
                    "value_pence": value,
                    "impact": DisruptionImpact.objects.get(code=impact),
                    "description": description,
                    "rationale": rationale,
                },
            )
            if verified:
                services.verify_disruption(verifier, disruption)
    if not line.orders.exists():
        services.record_order(
            recorder,
            line,
            {
                "order_type": OrderType.objects.get(code="cbo"),
                "subject": members["Danny Whitlow"],
                "court": "Preston Magistrates' Court",
                "made_on": datetime.date(2025, 4, 10),
                "expires_on": today + datetime.timedelta(days=30),
                "conditions": [
                    "Not to carry more than one mobile phone",
                    "Not to carry passengers for reward in any vehicle",
                ],
                "monitoring_officer": User.objects.get(username="jo.whittaker"),
            },
        )
        scpo = services.record_order(
            recorder,
            line,
            {
                "order_type": OrderType.objects.get(code="scpo"),
                "subject": members["Mark Doyle"],
                "court": "Preston Crown Court",
                "made_on": datetime.date(2025, 9, 19),
                "expires_on": datetime.date(2035, 9, 18),
                "conditions": [
                    "To hold no more than one mobile phone, registered in his own name",
                    "To declare every vehicle he uses to Lancashire Constabulary",
                    "Not to hold more than £1,000 in cash",
                ],
                "monitoring_officer": recorder,
            },
        )
        services.record_breach(
            recorder,
            scpo,
            {
                "occurred_on": datetime.date(2025, 11, 28),
                "description": "Found with two unregistered phones at a Preston address.",
                "outcome": "Arrested and charged with breach of the order; remanded in custody.",
            },
        )
