"""The demo partnership, drawn from the seed documents: West Midlands (seeds 000, 001, 003) and
Preston and Lancashire (seed 002). Invented people only; no real individual's personal data."""

from __future__ import annotations

import base64
import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .areas import load_areas
from .models import (
    Area,
    InformationSharingAgreement,
    LegalBasis,
    Membership,
    Organisation,
    Partnership,
    Role,
    Signatory,
    User,
)

K = Organisation.Kind

# name, kind, parent name, area codes
ORGANISATIONS: list[tuple[str, str, str | None, list[str]]] = [
    ("Office of the West Midlands Police and Crime Commissioner", K.OPCC, None, ["E23000014"]),
    ("West Midlands Police", K.POLICE_FORCE, None, ["E23000014"]),
    ("Staffordshire Police", K.POLICE_FORCE, None, ["E23000015"]),
    ("Warwickshire Police", K.POLICE_FORCE, None, ["E23000017"]),
    ("West Mercia Police", K.POLICE_FORCE, None, ["E23000016"]),
    ("West Midlands Regional Organised Crime Unit", K.ROCU, None, ["E12000005"]),
    ("Birmingham City Council", K.COUNCIL, None, ["E08000025"]),
    ("Preston City Council", K.COUNCIL, None, ["E07000123"]),
    ("Preston City Council Licensing", K.COUNCIL_SERVICE, "Preston City Council", ["E07000123"]),
    (
        "Preston City Council Environmental Health",
        K.COUNCIL_SERVICE,
        "Preston City Council",
        ["E07000123"],
    ),
    ("Preston City Council Fraud Team", K.COUNCIL_SERVICE, "Preston City Council", ["E07000123"]),
    (
        "Preston City Council Community Safety",
        K.COUNCIL_SERVICE,
        "Preston City Council",
        ["E07000123"],
    ),
    ("Lancashire Constabulary", K.POLICE_FORCE, None, ["E23000003"]),
    (
        "Lancashire Constabulary SOC Project (Operation Genga)",
        K.OTHER,
        "Lancashire Constabulary",
        ["E23000003"],
    ),
    ("National Crime Agency", K.NATIONAL_AGENCY, None, []),
    ("HM Revenue and Customs", K.NATIONAL_AGENCY, None, []),
    ("Department for Work and Pensions", K.NATIONAL_AGENCY, None, []),
    ("Driver and Vehicle Licensing Agency", K.NATIONAL_AGENCY, None, []),
    ("Crimestoppers", K.CHARITY, None, []),
    ("Preston Vocational Centre (Twilight Project)", K.EDUCATION, None, ["E07000123"]),
]

WEST_MIDLANDS = "West Midlands Serious and Organised Crime Partnership"
PRESTON = "Preston Community Safety Partnership"

PARTNERSHIPS = {
    WEST_MIDLANDS: {
        "lead": "Office of the West Midlands Police and Crime Commissioner",
        "purpose": "Local Policing and Crime Boards as the focal point of partnership work against "
        "serious and organised crime across the West Midlands, with SOC a standing item at the "
        "annual Partnerships Summit and SOC local profiles for each local authority.",
        "areas": ["E12000005"],
        "members": [
            "Office of the West Midlands Police and Crime Commissioner",
            "West Midlands Police",
            "Staffordshire Police",
            "Warwickshire Police",
            "West Mercia Police",
            "West Midlands Regional Organised Crime Unit",
            "Birmingham City Council",
            "National Crime Agency",
            "HM Revenue and Customs",
            "Department for Work and Pensions",
            "Driver and Vehicle Licensing Agency",
            "Crimestoppers",
        ],
    },
    PRESTON: {
        "lead": "Preston City Council",
        "purpose": "Intelligence shared and exchanged securely through the Community Safety "
        "Partnership so that partners understand how serious and organised crime is committed in "
        "Preston, and act together against it (Operation Genga).",
        "areas": ["E07000123"],
        "members": [
            "Preston City Council",
            "Preston City Council Licensing",
            "Preston City Council Environmental Health",
            "Preston City Council Fraud Team",
            "Preston City Council Community Safety",
            "Lancashire Constabulary",
            "Lancashire Constabulary SOC Project (Operation Genga)",
            "National Crime Agency",
            "HM Revenue and Customs",
            "Department for Work and Pensions",
            "Crimestoppers",
            "Preston Vocational Centre (Twilight Project)",
        ],
    },
}

# username, first, last, job title, [(organisation, role)]
PEOPLE: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    (
        "alex.morgan",
        "Alex",
        "Morgan",
        "Partnerships Manager",
        [
            (
                "Office of the West Midlands Police and Crime Commissioner",
                Role.PARTNERSHIP_ADMINISTRATOR,
            )
        ],
    ),
    (
        "dana.reid",
        "Dana",
        "Reid",
        "Data Protection Officer",
        [("Office of the West Midlands Police and Crime Commissioner", Role.AUDITOR)],
    ),
    (
        "priya.shah",
        "Priya",
        "Shah",
        "Intelligence Analyst",
        [("West Midlands Regional Organised Crime Unit", Role.ANALYST)],
    ),
    (
        "tom.hughes",
        "Tom",
        "Hughes",
        "Detective Inspector",
        [("West Midlands Police", Role.PRACTITIONER)],
    ),
    (
        "sam.okoro",
        "Sam",
        "Okoro",
        "Cabinet Member for Community Safety",
        [("Birmingham City Council", Role.BOARD_MEMBER)],
    ),
    (
        "kim.patel",
        "Kim",
        "Patel",
        "Community Safety Manager",
        [
            ("Preston City Council", Role.PARTNERSHIP_ADMINISTRATOR),
            ("Preston City Council Community Safety", Role.BOARD_MEMBER),
        ],
    ),
    (
        "jo.whittaker",
        "Jo",
        "Whittaker",
        "Licensing Officer",
        [("Preston City Council Licensing", Role.PRACTITIONER)],
    ),
    (
        "lee.barnes",
        "Lee",
        "Barnes",
        "SOC Project Analyst",
        [("Lancashire Constabulary", Role.ANALYST)],
    ),
    (
        "chris.evans",
        "Chris",
        "Evans",
        "Fraud Investigator",
        [("HM Revenue and Customs", Role.PRACTITIONER)],
    ),
    (
        "morgan.ellis",
        "Morgan",
        "Ellis",
        "Twilight Project Coordinator",
        [("Preston Vocational Centre (Twilight Project)", Role.PRACTITIONER)],
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    roles: str
    password: str
    totp_secret: str


def person_fields(username: str, first: str, last: str, title: str) -> dict[str, str]:
    """The name, job title and (example.org) e-mail of an invented demo person."""
    return {
        "first_name": first,
        "last_name": last,
        "job_title": title,
        "email": f"{username}@example.org",
    }


def demo_account(
    username: str, first: str, last: str, title: str, roles: list[tuple[str, str]]
) -> tuple[User, DemoAccount]:
    """An invented person, active, holding ``roles`` ((organisation name, role), ...) since a
    year ago, with a new one-time password and a confirmed authenticator: the user, and what
    the demo tells about their account."""
    today = timezone.localdate()
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={**person_fields(username, first, last, title), "is_active": True},
    )
    for organisation_name, role in roles:
        Membership.objects.get_or_create(
            user=user,
            organisation=_organisation(organisation_name),
            role=role,
            defaults={"started_on": today - datetime.timedelta(days=365)},
        )
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.must_change_password = True  # a one-time password: changed at the first sign-in
    user.save()
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    return user, DemoAccount(
        username=username,
        name=f"{first} {last}",
        roles="; ".join(f"{Role(role).label}, {org}" for org, role in roles),
        password=password,
        totp_secret=base64.b32encode(device.bin_key).decode(),
    )


def _organisation(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create or refresh the demo partnership. Every run issues new one-time passwords."""
    load_areas()
    for name, kind, parent, area_codes in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=name,
            defaults={
                "slug": slugify(name)[:80],
                "kind": kind,
                "parent": _organisation(parent) if parent else None,
            },
        )
        organisation.areas.set(Area.objects.filter(code__in=area_codes))

    today = timezone.localdate()
    for name, spec in PARTNERSHIPS.items():
        partnership, _ = Partnership.objects.update_or_create(
            name=name,
            defaults={
                "slug": slugify(name)[:80],
                "purpose": spec["purpose"],
                "lead_organisation": _organisation(spec["lead"]),
            },
        )
        members = [_organisation(m) for m in spec["members"]]
        partnership.organisations.set(members)
        partnership.areas.set(Area.objects.filter(code__in=spec["areas"]))
        _agreement(
            partnership,
            f"{name} information sharing agreement",
            members,
            starts_on=today - datetime.timedelta(days=200),
            review_date=today + datetime.timedelta(days=165),
        )

    _agreement(
        Partnership.objects.get(name=PRESTON),
        "Operation Genga pilot information sharing agreement (2022)",
        [_organisation("Preston City Council"), _organisation("Lancashire Constabulary")],
        starts_on=datetime.date(2022, 4, 1),
        review_date=datetime.date(2023, 3, 31),
    )

    accounts = [demo_account(*person)[1] for person in PEOPLE]
    audit.record("demo_loaded", detail={"accounts": len(accounts)})
    return accounts


def _agreement(partnership, title, parties, *, starts_on, review_date):
    agreement, _ = InformationSharingAgreement.objects.update_or_create(
        partnership=partnership,
        title=title,
        defaults={
            "purpose": "To prevent, detect and disrupt serious and organised crime in the "
            "partnership's area by sharing information about threats, people at risk and "
            "opportunities to act (Pursue, Prevent, Protect, Prepare).",
            "legal_bases": [LegalBasis.CDA_S115, LegalBasis.DPA_PART3, LegalBasis.UK_GDPR_6_1_E],
            "data_categories": "Intelligence reports graded 3x5x2; nominal records; "
            "licence holders; "
            "council contractors and their directors; housing tenancies; benefit and tax flags.",
            "retention": "Reviewed under MoPI periods; shared copies destroyed when no longer "
            "needed for the purpose, and at the latest at the agreement's review date.",
            "security": "OFFICIAL-SENSITIVE. Held in Convenor only; access on a need-to-know basis "
            "through named roles; every view and export audited.",
            "starts_on": starts_on,
            "review_date": review_date,
        },
    )
    agreement.parties.set(parties)
    lead = partnership.lead_organisation
    Signatory.objects.get_or_create(
        agreement=agreement,
        organisation=lead,
        defaults={"name": "A. Signatory", "position": "Chief Executive", "signed_on": starts_on},
    )
    return agreement
