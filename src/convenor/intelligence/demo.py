"""Demo intelligence, invented from the seeds: counterfeit goods at Preston's markets shared with
trading standards (seed 002), a county line from Birmingham into Preston, a suspected
infiltrated contractor reported on the council's integrity line, and anonymous reports waiting in
triage. Every name, business, vehicle and address here is invented."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from convenor.core.demo import PRESTON, WEST_MIDLANDS, demo_account
from convenor.core.models import (
    InformationSharingAgreement,
    Organisation,
    Partnership,
    Role,
    User,
)

from . import services
from .models import AnonymousSubmission, IntelligenceReport, ReportingChannel

TRADING_STANDARDS = "Lancashire County Council Trading Standards"
FRAUD_TEAM = "Preston City Council Fraud Team"


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _report(author: str, title: str, **fields) -> IntelligenceReport:
    existing = IntelligenceReport.objects.filter(title=title).first()
    if existing:
        return existing
    fields["title"] = title
    subjects = fields.pop("subjects", [])
    organisation = fields.pop("organisation", None)
    return services.submit_report(
        _user(author),
        fields,
        subjects=subjects,
        organisation=_org(organisation) if organisation else None,
    )


@transaction.atomic
def load_demo() -> str:
    today = timezone.localdate()
    review = today + datetime.timedelta(days=365)

    # Trading standards joins the Preston partnership and its agreement (seed 002: share
    # with Trading Standards).
    trading_standards, _ = Organisation.objects.update_or_create(
        name=TRADING_STANDARDS,
        defaults={"slug": "lancashire-county-council-trading-standards", "kind": "council_service"},
    )
    preston = Partnership.objects.get(name=PRESTON)
    preston.organisations.add(trading_standards)
    for agreement in InformationSharingAgreement.objects.filter(partnership=preston).current():
        agreement.parties.add(trading_standards)

    # The integrity line's triage analyst at the council's fraud team.
    analyst, account = demo_account(
        "pat.quinn", "Pat", "Quinn", "Corporate Fraud Investigator", [(FRAUD_TEAM, Role.ANALYST)]
    )

    counterfeit = _report(
        "lee.barnes",
        "Counterfeit tobacco and clothing sold from stalls at Preston markets",
        content="Two stalls on the covered market sell counterfeit branded clothing and "
        "illicit hand-rolling tobacco on Saturdays. Stock arrives early morning in a white "
        "panel van and is moved to a lock-up off the market square. Cash only; staff change "
        "weekly. Believed linked to a wider supply network operating across Lancashire markets.",
        occurred_on=today - datetime.timedelta(days=12),
        location="Preston covered market",
        postcode="PR1 2HE",
        threat_areas=["counterfeit_illicit_goods", "money_laundering"],
        four_p=["pursue", "protect"],
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="C",
        handling_conditions="For trading standards and licensing enforcement planning only. Not "
        "to be disclosed to market traders or the market operator. No action without first "
        "consulting the Lancashire Constabulary SOC Project (Operation Genga).",
        classification="official_sensitive",
        legal_basis="cda_s115",
        review_date=review,
        subjects=[
            {"kind": "business", "name": "Northgate Bargain Traders (invented)"},
            {"kind": "vehicle", "name": "White panel van", "identifier": "XX00 DEMO"},
            {"kind": "address", "name": "Lock-up, Demo Yard, Preston", "identifier": "PR1 2HE"},
        ],
    )
    if not counterfeit.disseminations.exists():
        services.disseminate(
            _user("lee.barnes"),
            counterfeit,
            organisations=[trading_standards, _org("Preston City Council Licensing")],
        )
    if not counterfeit.sanitised_versions.exists():
        version = services.create_sanitised_version(
            _user("lee.barnes"),
            counterfeit,
            {
                "title": "Counterfeit goods sold at Preston markets (sanitised)",
                "content": "Counterfeit clothing and illicit tobacco are being sold from market "
                "stalls in Preston city centre, believed to be part of a wider supply network. "
                "Partners are asked to report related observations to the SOC Project.",
                "handling_code": "P",
                "handling_conditions": "",
            },
        )
        services.disseminate(_user("lee.barnes"), version, partnerships=[preston])

    county_line = _report(
        "priya.shah",
        "County line supplying Preston from Birmingham",
        content="A drugs line branded with a nickname is supplying crack cocaine and heroin in "
        "Preston, run from Birmingham. Young people from Birmingham travel by train and stay in "
        "the flats of vulnerable adults (cuckooing). Runners are replaced every two weeks.",
        occurred_on=today - datetime.timedelta(days=30),
        location="Birmingham to Preston",
        postcode="",
        threat_areas=["drugs_supply", "modern_slavery", "child_sexual_exploitation"],
        four_p=["pursue", "prevent", "protect"],
        source_evaluation="1",
        intelligence_assessment="C",
        handling_code="P",
        classification="official_sensitive",
        legal_basis="dpa_part3",
        review_date=review,
        subjects=[
            {"kind": "person", "name": "'Demo' (nickname, invented)", "description": "Line holder"},
        ],
    )
    if not county_line.disseminations.exists():
        services.disseminate(
            _user("priya.shah"),
            county_line,
            partnerships=[Partnership.objects.get(name=WEST_MIDLANDS)],
        )

    public, _ = ReportingChannel.objects.update_or_create(
        slug="preston",
        defaults={
            "name": "Report serious and organised crime in Preston anonymously",
            "kind": ReportingChannel.Kind.PUBLIC,
            "introduction": "Tell us what you know about drug dealing, exploitation, counterfeit "
            "goods or other organised crime in Preston. You stay anonymous: we do not ask who "
            "you are and cannot find out. Your report goes to the Lancashire Constabulary "
            "serious and organised crime team.",
            "receiving_organisation": _org("Lancashire Constabulary"),
            "retention_days": 365,
        },
    )
    integrity, _ = ReportingChannel.objects.update_or_create(
        slug="preston-integrity-line",
        defaults={
            "name": "Preston City Council Integrity Line",
            "kind": ReportingChannel.Kind.INTEGRITY,
            "introduction": "For council staff and contractors: report suspected fraud, bribery "
            "or infiltration of council services by organised crime. Your report goes only to "
            "the council's internal fraud and integrity team, not to your manager.",
            "receiving_organisation": _org(FRAUD_TEAM),
            "retention_days": 730,
        },
    )
    # Demo submissions are recreated on every run, so a fresh receipt code can be printed.
    AnonymousSubmission.objects.filter(channel__in=[public, integrity]).delete()
    services.submit_anonymous(
        public,
        {
            "what": "Fake designer trainers and cheap cigarettes sold from the back of a stall "
            "every Saturday. They keep the tobacco in holdalls under the table.",
            "where": "Preston covered market, the stall nearest the fish market entrance",
            "when": "Every Saturday morning",
            "who": "Two men in their thirties; one drives a white van",
            "how_known": "I have seen it myself",
        },
    )
    services.submit_anonymous(
        public,
        {
            "what": "Teenagers who are not from round here come and go from my neighbour's flat "
            "at all hours. My neighbour seems scared and has stopped going out.",
            "where": "A block of flats near Deepdale (invented for the demo)",
            "when": "The last three weeks",
            "who": "",
            "how_known": "I live nearby",
        },
    )
    contractor, code = services.submit_anonymous(
        integrity,
        {
            "what": "A grounds maintenance contractor keeps winning council work below cost. "
            "Its new director was introduced by someone I believe is linked to an organised "
            "crime group, and a colleague in procurement has been told to 'look after them'.",
            "where": "Council procurement",
            "when": "Since the spring",
            "who": "The contractor (invented for the demo) and a procurement colleague",
            "how_known": "I work in the team",
        },
    )
    services.analyst_replies(
        analyst,
        contractor,
        "Thank you. Can you say which contracts were awarded, without saying who you are?",
    )
    return (
        "2 reporting channels at /intelligence/report/, 3 anonymous reports in triage, "
        f"{IntelligenceReport.objects.count()} intelligence reports. Integrity line triage: "
        f"pat.quinn, password {account.password}, TOTP secret {account.totp_secret}. "
        f"Receipt code of the integrity line report (shown once): {code}"
    )
