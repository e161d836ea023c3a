"""Governance demo, drawn from the seeds: the Preston Crime and Disorder Committee's scrutiny study
of serious and organised crime with its ten recommendations, the management and Cabinet
responses and the actions that followed (seed 002); the Birmingham Local Policing and Crime Board
and the West Midlands Partnerships Summit with SOC as a standing item (seed 000); the Regional
Governance Group with its four quarterly reports (ROCU, CTU, CMPG, NPAS) as agenda papers (seed
003). People are invented; follow-up responses and actions after the Cabinet minute are invented
for the demo and say so."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from convenor.core import audit
from convenor.core.demo import PRESTON, WEST_MIDLANDS, person_fields
from convenor.core.models import Area, Membership, Organisation, Partnership, Role, User

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Exemption,
    Meeting,
    Paper,
    Part,
    Recommendation,
    Response,
)
from .services import renumber

PCC = "Office of the West Midlands Police and Crime Commissioner"
PRESTON_COUNCIL = "Preston City Council"

# Invented people who sit on the demo boards (no sign-in: they have no usable password).
BOARD_PEOPLE = [
    (
        "ruth.ashworth",
        "Ruth",
        "Ashworth",
        "Councillor, Chair of the Crime and Disorder Committee",
        PRESTON_COUNCIL,
    ),
    ("imran.qureshi", "Imran", "Qureshi", "Councillor", PRESTON_COUNCIL),
    ("helen.doyle", "Helen", "Doyle", "Councillor", PRESTON_COUNCIL),
    ("nadia.frost", "Nadia", "Frost", "Assistant Chief Constable", "West Midlands Police"),
    (
        "gareth.lloyd",
        "Gareth",
        "Lloyd",
        "Chief Executive, Police and Crime Commissioner's office",
        "Staffordshire Police",
    ),
    ("olivia.brandt", "Olivia", "Brandt", "Deputy Chief Constable", "Warwickshire Police"),
    ("david.marsh", "David", "Marsh", "Assistant Chief Constable", "West Mercia Police"),
]

STUDY = "Serious Organised Crime work plan study"
# Seed 002's ten recommendations: (text, addressee, Ps).
RECOMMENDATIONS = [
    (
        "Following a recent award of funding, the Twilight Project has been extended. As such, "
        "this Council encourages its partners to make referrals to Twilight as the Project is "
        "mapped out. Referrals should ideally be considered prior to final expulsion from "
        "schools in order to ensure that young people may benefit from such a "
        "successful project at Preston Vocational Centre.",
        "Preston Vocational Centre (Twilight Project)",
        ["prevent"],
    ),
    (
        "That Officers be requested to approach the Crimestoppers charity with a view to "
        "discussing a potential partnership approach to develop resilience to internal fraud.",
        "Preston City Council Fraud Team",
        ["protect"],
    ),
    (
        "That multi-agency partners be encouraged to identify and publicise organisations that "
        "accept referrals for people who have been affected by Serious Organised Crime and "
        "additionally encourage and support local organisations to develop programmes to further "
        "assist children and young people affected by SOC.",
        "Preston City Council Community Safety",
        ["prevent", "prepare"],
    ),
    (
        "That the Desktop Audit on Environmental Health and Licensing, delivered by the Chief "
        "Environmental Health Officer/Deputy Director, be delivered to all Members on a Member "
        "Training evening and be based on the English 4P Model of Pursue, Prevent, Protect and "
        "Prepare.",
        "Preston City Council Environmental Health",
        ["protect", "prepare"],
    ),
    (
        "That as per the Durham model, the Police be encouraged to communicate more effectively "
        "with members of the public focussing on the overt rather than covert, thus engaging and "
        "reassuring the community and building trust between the two.",
        "Lancashire Constabulary",
        ["prepare"],
    ),
    (
        "That the Senior Management Team at Preston Police be invited to meet with all elected "
        "Members to discuss experiences and ideas relating to Serious Organised Crime and the "
        "management thereof.",
        "Lancashire Constabulary",
        ["pursue", "prepare"],
    ),
    (
        "That officers be encouraged to work with different organisations sharing intelligence "
        "leading to a greater understanding on how SOC is being committed on a daily basis.",
        PRESTON_COUNCIL,
        ["pursue"],
    ),
    (
        "That the Community Safety Partnership be requested to consider discussing SOC on a "
        "regular basis giving the opportunity for intelligence to be shared and exchanged "
        "securely.",
        "Preston City Council Community Safety",
        ["pursue", "protect"],
    ),
    (
        "That Legal officers be requested to consider the Council's Section 17 duties; that is "
        "that, without prejudice to any other obligation imposed on it, it shall be the duty of "
        "the Council to exercise its various functions with due regard to the likely effect of the "
        "exercise of those functions on, and the need to do all that it reasonably can to "
        "prevent, crime and disorder in its area.",
        PRESTON_COUNCIL,
        ["protect"],
    ),
    (
        "That the Council supports Operation Genga but the Police and multi-agency partners be "
        "recommended to further publicise Operation Genga to the wider community.",
        "Lancashire Constabulary SOC Project (Operation Genga)",
        ["pursue", "prevent"],
    ),
]

CMT_RESPONSE = (
    "The Council's Section 17 duty is not discharged by the Legal Service but by the Council as a "
    "whole. In practice each service considers the duty when preparing its service plan "
    "(annually published each April). The Legal Service advises on the discharge of the duty. "
    "Services meet the duty in a variety of ways e.g. graffiti removal; diversionary activities. "
    "With regard to serious and organised crime services such as Revenues and Benefits and "
    "Environmental Health, they are responsive to requests and initiatives pursued by the Police."
)

DEMO_BOARDS = [
    "preston-crime-and-disorder-committee",
    "birmingham-lpcb",
    "west-midlands-partnerships-summit",
    "west-midlands-regional-governance-group",
]


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _areas(*codes: str):
    return Area.objects.filter(code__in=codes)


def _clear() -> None:
    boards = Board.objects.filter(slug__in=DEMO_BOARDS)
    Action.objects.filter(board__in=boards).delete()
    Recommendation.objects.filter(board__in=boards).delete()
    Meeting.objects.filter(board__in=boards).delete()
    boards.delete()


def _people(today: datetime.date) -> None:
    for username, first, last, title, organisation in BOARD_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                **person_fields(username, first, last, title),
                "password": make_password(None),
            },
        )
        Membership.objects.get_or_create(
            user=user,
            organisation=_org(organisation),
            role=Role.BOARD_MEMBER,
            defaults={"started_on": today - datetime.timedelta(days=365)},
        )
    # The OPCC's partnerships manager also sits on the Preston partnership's boards as an
    # observer; Kim Patel represents Community Safety.


def _board(
    slug,
    name,
    kind,
    partnership,
    organisation,
    tor,
    frequency,
    quorum,
    areas,
    priorities,
    threats,
    chair=None,
) -> Board:
    board = Board.objects.create(
        slug=slug,
        name=name,
        kind=kind,
        partnership=Partnership.objects.get(name=partnership),
        organisation=_org(organisation),
        terms_of_reference=tor,
        meeting_frequency=frequency,
        quorum=quorum,
        priorities=priorities,
        threat_areas=threats,
        chair=_user(chair) if chair else None,
    )
    board.areas.set(_areas(*areas))
    return board


def _exempt(part: str) -> Exemption | None:
    """The demo's Part B items are about serious and organised crime: Schedule 12A, paragraph 7
    (action in connection with the prevention, investigation or prosecution of crime)."""
    return Exemption.CRIME if part == Part.CONFIDENTIAL else None


def _standing_items(board, *items) -> None:
    """Standing items in order: (title, part) or (title, part, description)."""
    for order, (title, part, *description) in enumerate(items, start=1):
        board.standing_items.create(
            order=order * 10,
            title=title,
            part=part,
            exemption=_exempt(part),
            description="".join(description),
        )


def _seat(board, username, organisation, status=BoardMember.Status.VOTING, position="", since=None):
    return BoardMember.objects.create(
        board=board,
        person=_user(username),
        organisation=_org(organisation),
        status=status,
        position=position,
        started_on=since or datetime.date(2016, 1, 1),
    )


def _meeting(board, starts_at, title, location, published=True) -> Meeting:
    meeting = Meeting.objects.create(
        board=board,
        starts_at=starts_at,
        title=title,
        location=location,
        published_at=starts_at + datetime.timedelta(days=7) if published else None,
    )
    meeting.start_agenda_from_standing_items()
    return meeting


def _item(meeting, title, part=Part.PUBLIC, description="", minutes="") -> AgendaItem:
    """An item at the end of its part (Part A numbered from 1, Part B after it)."""
    items = list(meeting.agenda_items.order_by("number"))
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=len(items) + 1,
        title=title,
        part=part,
        exemption=_exempt(part),
        description=description,
        minutes=minutes,
    )
    renumber([*items, item])
    return item


def _paper(item, title, author, text) -> Paper:
    return Paper.objects.create(
        agenda_item=item,
        title=title,
        author_organisation=_org(author),
        file_name=title.lower().replace(" ", "-").replace(",", "")[:60] + ".txt",
        content_type="text/plain",
        content=text.encode("utf-8"),
    )


def _present(meeting, members, status=Attendance.Status.PRESENT):
    for member in members:
        Attendance.objects.create(meeting=meeting, member=member, status=status)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _preston(today: datetime.date) -> Board:
    board = _board(
        "preston-crime-and-disorder-committee",
        "Preston City Council Crime and Disorder Committee",
        Board.Kind.SCRUTINY,
        PRESTON,
        PRESTON_COUNCIL,
        "Scrutinises the Council's and its partners' work on crime and disorder, including the "
        "Council's duty under section 17 of the Crime and Disorder Act 1998. Runs work plan "
        "studies (scoping, evidence sessions, desktop audits), makes recommendations to Cabinet "
        "and monitors their progress with a six-month report.",
        Board.Frequency.BIMONTHLY,
        3,
        ["E07000123"],
        ["soc-pursue", "soc-prevent", "soc-protect", "soc-prepare"],
        ["drugs-supply", "child-sexual-exploitation", "fraud", "counterfeit-illicit-goods"],
        chair="ruth.ashworth",
    )
    _standing_items(
        board,
        (
            "Serious and organised crime",
            Part.PUBLIC,
            "Progress of the work plan study and its recommendations.",
        ),
        (
            "Serious and organised crime local profile: briefing",
            Part.CONFIDENTIAL,
            "Part B — excluded from press and public.",
        ),
    )
    chair = _seat(board, "ruth.ashworth", PRESTON_COUNCIL, position="Chair")
    members = [
        chair,
        _seat(board, "imran.qureshi", PRESTON_COUNCIL),
        _seat(board, "helen.doyle", PRESTON_COUNCIL),
    ]
    _seat(
        board,
        "kim.patel",
        "Preston City Council Community Safety",
        BoardMember.Status.OBSERVER,
        "Community Safety Manager (officer)",
    )
    lee = _seat(board, "lee.barnes", "Lancashire Constabulary", BoardMember.Status.OBSERVER)

    evidence = _meeting(
        board,
        _at(datetime.date(2016, 11, 22), 18),
        "Work plan study: evidence session",
        "Town Hall, Preston",
    )
    _present(evidence, [*members, lee])
    soc = evidence.agenda_items.get(number=1)
    soc.minutes = (
        "The Fraud Manager presented how the Council's Fraud Team tackles fraud. "
        "Lancashire Constabulary presented Operation Genga and its multi-agency "
        "approach to tackling SOC. Feedback from the desktop audit section was "
        "received with a request that the audit be delivered to all Members following "
        "the English model."
    )
    soc.save()
    soc.decisions.create(
        text="A sub-group with a membership of 4:2:1 to "
        "consider the conclusions and recommendations of the work plan study.",
    )
    part_b = evidence.agenda_items.get(number=2)
    _paper(
        part_b,
        "Serious Harm Reduction Strategy (summary)",
        "Lancashire Constabulary",
        "OFFICIAL-SENSITIVE. Demo paper: a summary of the serious harm reduction strategy "
        "circulated to Members in Part B (excluded from press and public).",
    )
    _paper(
        part_b,
        "Serious and organised crime local profile: South Lancashire",
        "Lancashire Constabulary",
        "OFFICIAL-SENSITIVE. Demo paper: the local profile for South "
        "Lancashire, circulated in Part B (excluded from press and public).",
    )

    made_on = datetime.date(2016, 12, 6)
    recommendations = []
    for number, (text, addressee, ps) in enumerate(RECOMMENDATIONS, start=1):
        recommendation = Recommendation.objects.create(
            board=board,
            source_kind=Recommendation.SourceKind.SCRUTINY,
            source_title=STUDY,
            number=number,
            text=text,
            addressee=_org(addressee),
            ps=ps,
            made_on=made_on,
        )
        recommendation.responses.create(
            responder="Cabinet",
            outcome=Response.Outcome.UNDER_REVIEW,
            decision_minute="Minute CA94",
            responded_on=datetime.date(2017, 1, 25),
            reasons="Cabinet endorsed the report and undertook to review the recommendations. "
            "Cabinet has a duty to consider Work Plan Studies and the reports therein.",
        )
        recommendations.append(recommendation)
    recommendations[8].responses.create(
        responder="Corporate Management Team",
        outcome=Response.Outcome.PARTLY_ACCEPTED,
        reasons=CMT_RESPONSE,
        responded_on=datetime.date(2017, 1, 10),
    )
    # Invented for the demo: the review Cabinet undertook, recorded a few months before today.
    review_on = today - datetime.timedelta(days=150)
    for index in (0, 1, 2, 3, 4, 7, 9):
        recommendations[index].responses.create(
            responder="Cabinet (demo follow-up review)",
            outcome=Response.Outcome.ACCEPTED,
            responded_on=review_on,
            decision_minute="Demo minute CA131",
        )
    recommendations[5].responses.create(
        responder="Cabinet (demo follow-up review)",
        outcome=Response.Outcome.REJECTED,
        responded_on=review_on,
        reasons="Demo: Members meet the police through the Community Safety Partnership instead.",
    )

    kim, jo, morgan, lee_user = (
        _user(u) for u in ("kim.patel", "jo.whittaker", "morgan.ellis", "lee.barnes")
    )
    plan = [
        (
            0,
            "Brief head teachers on Twilight referrals before exclusion",
            morgan,
            "Preston Vocational Centre (Twilight Project)",
            -40,
            Action.Status.IN_PROGRESS,
            ["drugs-supply", "child-sexual-exploitation"],
        ),
        (
            1,
            "Meet Crimestoppers on a partnership approach to internal fraud",
            _user("kim.patel"),
            "Preston City Council Community Safety",
            20,
            Action.Status.NOT_STARTED,
            ["fraud"],
        ),
        (
            2,
            "Publish a directory of organisations accepting SOC referrals",
            kim,
            "Preston City Council Community Safety",
            -10,
            Action.Status.NOT_STARTED,
            ["child-sexual-exploitation"],
        ),
        (
            3,
            "Deliver the environmental health and licensing desktop audit to all Members",
            jo,
            "Preston City Council Licensing",
            -60,
            Action.Status.COMPLETE,
            ["counterfeit-illicit-goods"],
        ),
        (
            7,
            "Make SOC a standing item of the Community Safety Partnership",
            kim,
            "Preston City Council Community Safety",
            -90,
            Action.Status.COMPLETE,
            [],
        ),
        (
            9,
            "Publicise Operation Genga at ward surgeries",
            lee_user,
            "Lancashire Constabulary",
            45,
            Action.Status.IN_PROGRESS,
            ["drugs-supply"],
        ),
    ]
    for index, title, owner, organisation, due_in, status, threats in plan:
        recommendation = recommendations[index]
        action = Action.objects.create(
            board=board,
            title=title,
            description=recommendation.text,
            owner=owner,
            owner_organisation=_org(organisation),
            due_on=today + datetime.timedelta(days=due_in),
            ps=recommendation.ps,
            threat_areas=threats,
            status=status,
            recommendation=recommendation,
            created_at=timezone.now() - datetime.timedelta(days=140),
            completed_on=today - datetime.timedelta(days=30) if status == "complete" else None,
        )
        action.areas.set(_areas("E07000123"))
        if status != Action.Status.NOT_STARTED:
            action.updates.create(
                author=owner,
                status=status,
                at=timezone.now() - datetime.timedelta(days=30),
                note="Demo update: "
                + (
                    "done; see the evidence."
                    if status == "complete"
                    else "work under way with partners."
                ),
            )
    training = Action.objects.get(board=board, recommendation=recommendations[3])
    training.evidence_link = "https://www.preston.gov.uk/"
    training.save()

    coming = _meeting(
        board,
        _at(today + datetime.timedelta(days=21), 18),
        "Six-month monitoring of the SOC work plan study",
        "Town Hall, Preston",
        published=False,
    )
    _item(
        coming,
        "Six-month report on the recommendations",
        description="Officers report progress on the approved recommendations.",
    )
    return board


def _west_midlands(today: datetime.date) -> list[Board]:
    lpcb = _board(
        "birmingham-lpcb",
        "Birmingham Local Policing and Crime Board",
        Board.Kind.LPCB,
        WEST_MIDLANDS,
        PCC,
        "The focal point for partnership work against serious and organised crime in "
        "Birmingham (formerly the Community Safety Partnership), with community representation "
        "and an outward-facing approach. Considers the SOC local profile for Birmingham and "
        "agrees the local response.",
        Board.Frequency.QUARTERLY,
        3,
        ["E08000025"],
        ["soc-pursue", "soc-prevent", "knife-crime"],
        ["drugs-supply", "firearms", "modern-slavery"],
        chair="sam.okoro",
    )
    _standing_items(
        lpcb,
        (
            "Serious and organised crime",
            Part.PUBLIC,
            "Standing item: threat, opportunities and actions.",
        ),
    )
    lpcb_members = [
        _seat(lpcb, "sam.okoro", "Birmingham City Council", position="Chair"),
        _seat(lpcb, "tom.hughes", "West Midlands Police"),
        _seat(lpcb, "alex.morgan", PCC),
    ]
    meeting = _meeting(
        lpcb,
        _at(today - datetime.timedelta(days=35), 10),
        "Quarterly meeting",
        "Council House, Birmingham",
    )
    _present(meeting, lpcb_members)
    Action.objects.create(
        board=lpcb,
        title="Map knife crime hotspots against the SOC local profile",
        owner=_user("tom.hughes"),
        owner_organisation=_org("West Midlands Police"),
        due_on=today + datetime.timedelta(days=30),
        ps=["pursue", "prevent"],
        threat_areas=["drugs-supply"],
        status=Action.Status.IN_PROGRESS,
    ).areas.set(_areas("E08000025"))

    summit = _board(
        "west-midlands-partnerships-summit",
        "West Midlands Partnerships Summit",
        Board.Kind.SUMMIT,
        WEST_MIDLANDS,
        PCC,
        "The Police and Crime Commissioner's annual summit of the Local Policing and Crime "
        "Boards: shares good practice, receives a briefing from the police and partner agencies "
        "on the threat and the opportunities for joint working, with the national bodies that "
        "support local activity (National Crime Agency, DVLA, DWP, HMRC).",
        Board.Frequency.ANNUALLY,
        4,
        ["E12000005"],
        ["soc-pursue", "soc-prevent", "soc-protect", "soc-prepare"],
        ["drugs-supply", "fraud", "money-laundering", "organised-acquisitive-crime"],
        chair="alex.morgan",
    )
    _standing_items(
        summit,
        (
            "Serious and organised crime",
            Part.PUBLIC,
            "Standing item at every summit: the threat, local good practice and common challenges.",
        ),
    )
    summit_members = [
        _seat(summit, "alex.morgan", PCC, position="Chair"),
        _seat(summit, "sam.okoro", "Birmingham City Council"),
        _seat(summit, "tom.hughes", "West Midlands Police"),
        _seat(summit, "priya.shah", "West Midlands Regional Organised Crime Unit"),
        _seat(summit, "chris.evans", "HM Revenue and Customs", BoardMember.Status.OBSERVER),
        _seat(summit, "nadia.frost", "West Midlands Police"),
    ]
    meeting = _meeting(
        summit,
        _at(today - datetime.timedelta(days=120), 9),
        "Annual Partnerships Summit",
        "Birmingham",
    )
    _present(meeting, summit_members)
    soc = meeting.agenda_items.get(number=1)
    _paper(
        soc,
        "Briefing: the serious and organised crime threat in the West Midlands",
        "West Midlands Regional Organised Crime Unit",
        "Demo paper: the region's threat picture and opportunities for joint working.",
    )
    soc.decisions.create(
        text="Each Local Policing and Crime Board to agree "
        "its local approach once its SOC local profile is in place.",
    )

    rgg = _board(
        "west-midlands-regional-governance-group",
        "West Midlands Regional Governance Group",
        Board.Kind.REGIONAL_GOVERNANCE,
        WEST_MIDLANDS,
        PCC,
        "Quarterly oversight by the four Police and Crime Commissioners, their Chief Executives "
        "and the four Chief Constables of the regional collaborations: the Regional Organised "
        "Crime Unit, the Counter Terrorism Unit, the Central Motorway Policing Group and roads "
        "policing, and the National Police Air Service. Reports give operational and "
        "performance analysis so that PCCs can judge value for money and protection from harm.",
        Board.Frequency.QUARTERLY,
        4,
        ["E12000005"],
        ["soc-pursue", "soc-protect"],
        [
            "drugs-supply",
            "firearms",
            "cyber-crime",
            "fraud",
            "modern-slavery",
            "child-sexual-exploitation",
        ],
        chair="alex.morgan",
    )
    _standing_items(
        rgg,
        ("Regional Organised Crime Unit quarterly report", Part.CONFIDENTIAL),
        ("Counter Terrorism Unit quarterly report", Part.CONFIDENTIAL),
        ("Central Motorway Policing Group and roads policing quarterly report", Part.PUBLIC),
        ("National Police Air Service quarterly report", Part.PUBLIC),
        ("Emergency Services Mobile Communications Programme", Part.PUBLIC),
    )
    rgg_members = [
        _seat(rgg, "alex.morgan", PCC, position="Chair"),
        _seat(rgg, "nadia.frost", "West Midlands Police"),
        _seat(rgg, "gareth.lloyd", "Staffordshire Police"),
        _seat(rgg, "olivia.brandt", "Warwickshire Police"),
        _seat(rgg, "david.marsh", "West Mercia Police"),
        _seat(
            rgg,
            "priya.shah",
            "West Midlands Regional Organised Crime Unit",
            BoardMember.Status.OBSERVER,
            "Report author",
        ),
    ]
    meeting = _meeting(
        rgg,
        _at(today - datetime.timedelta(days=50), 14),
        "Quarterly meeting",
        "Lloyd House, Birmingham",
    )
    _present(meeting, rgg_members[:4])
    _present(meeting, rgg_members[4:5], Attendance.Status.APOLOGIES)
    reports = [
        (
            "Regional Organised Crime Unit",
            "ROCU quarterly report: performance and value for money",
            "West Midlands Regional Organised Crime Unit",
        ),
        ("Counter Terrorism Unit", "CTU quarterly report", "West Midlands Police"),
        ("Central Motorway", "CMPG and roads policing quarterly report", "Staffordshire Police"),
        ("National Police Air Service", "NPAS quarterly report", PCC),
    ]
    for standing, title, author in reports:
        _paper(
            meeting.agenda_items.get(title__startswith=standing),
            title,
            author,
            f"Demo paper: {title}. Key performance data, deep dives and baseline findings "
            "prepared to the Regional Policy Officers' specification.",
        )
    # Seed 001: the PCC's response to the HMICFRS inspection of ROCUs, held by the group.
    inspection = "HMICFRS inspection of the effectiveness of ROCUs: the PCC's response"
    hmicfrs = [
        (
            "A single, national multi-year serious and organised crime grant for each ROCU, in "
            "place of fragmented annual funding streams.",
            PCC,
            ["pursue"],
        ),
        (
            "A lead force model for the ROCU, its budget held by a single force, as for counter-"
            "terrorism.",
            "West Midlands Police",
            ["pursue"],
        ),
        (
            "National Crime Agency tasking of the ROCU to be answerable, with a two-way discussion "
            "of the local implications of national tasking decisions.",
            "National Crime Agency",
            ["pursue", "prepare"],
        ),
    ]
    made = today - datetime.timedelta(days=200)
    inspection_recs = []
    for number, (text, addressee, ps) in enumerate(hmicfrs, start=1):
        rec = Recommendation.objects.create(
            board=rgg,
            source_kind=Recommendation.SourceKind.INSPECTION,
            source_title=inspection,
            number=number,
            text=text,
            addressee=_org(addressee),
            ps=ps,
            made_on=made,
        )
        inspection_recs.append(rec)
    inspection_recs[0].responses.create(
        responder="Home Office (demo)",
        outcome=Response.Outcome.UNDER_REVIEW,
        responded_on=made + datetime.timedelta(days=60),
        reasons="Demo: to be considered in the next spending review.",
    )
    inspection_recs[2].responses.create(
        responder="Regional Governance Group (demo)",
        outcome=Response.Outcome.PARTLY_ACCEPTED,
        responded_on=made + datetime.timedelta(days=90),
        reasons="Demo: a quarterly discussion at the group; statutory powers are for Government.",
        decision_minute="Demo minute RGG/14",
    )
    Action.objects.create(
        board=rgg,
        recommendation=inspection_recs[2],
        title="Deep dive on ROCU tasking by the National Crime Agency",
        owner=_user("priya.shah"),
        owner_organisation=_org("West Midlands Regional Organised Crime Unit"),
        due_on=today - datetime.timedelta(days=5),
        ps=["pursue"],
        threat_areas=["drugs-supply"],
    ).areas.set(_areas("E12000005"))
    _meeting(
        rgg,
        _at(today + datetime.timedelta(days=40), 14),
        "Quarterly meeting",
        "Lloyd House, Birmingham",
        published=False,
    )
    return [lpcb, summit, rgg]


@transaction.atomic
def load_demo() -> str:
    today = timezone.localdate()
    _clear()
    _people(today)
    boards = [_preston(today), *_west_midlands(today)]
    audit.record("governance_demo_loaded", detail={"boards": [b.slug for b in boards]})
    return f"{len(boards)} boards, {Action.objects.filter(board__in=boards).count()} actions"
