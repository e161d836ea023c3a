"""A built profile's figures, checked against a small world counted by hand: groups (shared,
not shared, hidden, elsewhere, archived, assessed after the period), intelligence reports (in
the period, before it, elsewhere, hidden, a sanitised version of one), partners' records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from convenor.core.models import LegalBasis
from convenor.groups.models import Assessment, GroupMember, OrganisedCrimeGroup, ThreatArea
from convenor.intelligence.models import IntelligenceReport
from convenor.threat.models import Dataset, DatasetImport, Record
from tests.profiles.conftest import build

D = datetime.date


def _group(world, name, owner, partnership, areas, threat_areas, status="active"):
    group = OrganisedCrimeGroup.objects.create(
        name=name,
        owning_organisation=owner,
        partnership=partnership,
        lead_responsible_officer=world.people["analyst"],
        status=status,
    )
    group.areas.set(areas)
    group.threat_areas.set(ThreatArea.objects.filter(code__in=threat_areas))
    return group


def _assess(world, group, on, score, band):
    labels = {"1": "Band 1 (high)", "2": "Band 2 (medium)", "3": "Band 3 (low)"}
    return Assessment.objects.create(
        group=group,
        assessed_on=on,
        assessed_by=world.people["analyst"],
        assessor_organisation=group.owning_organisation,
        rationale="Test",
        inputs={},
        score=Decimal(score),
        band=band,
        band_label=labels[band],
        breakdown={},
        model_version="test",
        model_snapshot={},
    )


def _report(world, owner, area, on, threat_areas, ps, postcode="", sanitised_from=None):
    return IntelligenceReport.objects.create(
        owner_organisation=owner,
        author=world.people["analyst"] if owner == world.own else world.people["outside_person"],
        title="Report",
        content="Content that must never reach a profile",
        occurred_on=on,
        postcode=postcode,
        area=area,
        threat_areas=threat_areas,
        four_p=ps,
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="P",
        legal_basis=LegalBasis.CDA_S115,
        review_date=D(2030, 1, 1),
        sanitised_from=sanitised_from,
    )


@pytest.fixture
def counted(profiles):
    w = profiles.world
    preston = profiles.preston
    chorley = preston.__class__.objects.get(code="E07000118")
    g1 = _group(
        w, "Fishergate Crew", w.own, w.shared, [preston], ["drugs-supply", "modern-slavery"]
    )
    _assess(w, g1, D(2025, 11, 1), "72.0", "1")
    _assess(w, g1, D(2026, 1, 15), "10.0", "3")  # after the period: not used
    GroupMember.objects.create(group=g1, name="A. Principal", role="principal")
    GroupMember.objects.create(group=g1, name="B. Peripheral", role="peripheral")
    GroupMember.objects.create(group=g1, name="C. Peripheral", role="peripheral")
    g2 = _group(w, "Ribble Traders", w.partner, w.shared, [preston], ["counterfeit-illicit-goods"])
    _assess(w, g2, D(2025, 10, 10), "40.0", "2")
    g3 = _group(w, "Unshared Group", w.own, None, [preston], ["drugs-supply"])
    _assess(w, g3, D(2025, 10, 1), "20.0", "3")
    _group(w, "Outside Group", w.outside, w.elsewhere, [preston], ["firearms"])
    _group(w, "Chorley Group", w.own, w.shared, [chorley], ["firearms"])
    _group(w, "Archived Group", w.own, w.shared, [preston], ["firearms"], status="archived")

    r1 = _report(w, w.own, preston, D(2025, 10, 5), ["drugs_supply"], ["pursue"], "PR1 2HE")
    _report(
        w,
        w.own,
        preston,
        D(2025, 11, 20),
        ["drugs_supply", "modern_slavery"],
        ["prevent", "pursue"],
        "PR1 2HE",
    )
    r3 = _report(
        w, w.own, preston, D(2025, 12, 1), ["counterfeit_illicit_goods"], ["protect"], "PR1 3DA"
    )
    _report(
        w,
        w.own,
        preston,
        D(2025, 12, 2),
        ["counterfeit_illicit_goods"],
        ["protect"],
        "PR1 3DA",
        sanitised_from=r3,
    )
    _report(w, w.own, preston, D(2025, 8, 1), ["drugs_supply"], ["pursue"], "PR2 0TE")
    _report(w, w.own, chorley, D(2025, 11, 1), ["firearms"], ["pursue"])
    _report(w, w.outside, preston, D(2025, 11, 1), ["firearms"], ["pursue"])

    return {"g1": g1, "r1": r1}


@pytest.fixture
def dataset(profiles, counted):
    w = profiles.world
    dataset = Dataset.objects.create(
        organisation=w.partner,
        partnership=w.shared,
        agreement=w.shared_agreement,
        legal_basis=LegalBasis.CDA_S115,
        kind="taxi_licences",
        title="Taxi and private hire licences",
        contact=w.people["partner_person"],
        extracted_on=D(2025, 12, 15),
        created_by=w.people["partner_person"],
    )
    upload = DatasetImport.objects.create(
        dataset=dataset,
        file_name="taxis.csv",
        content_sha256="0" * 64,
        created_by=w.people["partner_person"],
    )
    chorley = profiles.preston.__class__.objects.get(code="E07000118")
    for row, area in enumerate([profiles.preston] * 3 + [chorley], start=2):
        Record.objects.create(
            dataset=dataset,
            dataset_import=upload,
            row_number=row,
            kind="person",
            first_name="Test",
            surname=f"Driver{row}",
            local_authority=area,
        )
    return dataset


def test_figures_match_the_hand_count(profiles, counted, dataset):
    version = build(profiles.world.people["analyst"], profiles.profile, "2025Q4")
    assert version.status == "built", version.error
    f = version.figures
    sections = f["sections"]

    groups = sections["groups"]["figures"]
    assert [g["name"] for g in groups["groups"]] == ["Fishergate Crew", "Ribble Traders"]
    crew = groups["groups"][0]
    assert (crew["band"], crew["score"], crew["assessed_on"]) == ("1", 72.0, "2025-11-01")
    assert crew["members"] == {"principal": 1, "significant": 0, "peripheral": 2}
    assert groups["not_shared_here"] == 1  # Unshared Group: counted, not named
    assert {b["band"]: b["count"] for b in groups["by_band"]} == {"1": 1, "2": 1, "3": 1}

    m = f["metrics"]
    assert m["groups.total"] == 3 and m["groups.active"] == 3
    assert (m["groups.band_1"], m["groups.band_2"], m["groups.band_3"]) == (1, 1, 1)
    assert m["groups.highest_score"] == 72.0

    intelligence = sections["intelligence"]["figures"]
    assert intelligence["total"] == 3  # r1, r2, r3 (its sanitised version counts once)
    assert {t["code"]: t["count"] for t in intelligence["by_threat_area"]} == {
        "drugs_supply": 2,
        "modern_slavery": 1,
        "counterfeit_illicit_goods": 1,
    }
    assert {p["p"]: p["count"] for p in intelligence["by_p"]} == {
        "pursue": 2,
        "prevent": 1,
        "protect": 1,
        "prepare": 0,
    }
    assert [t["count"] for t in intelligence["trend"]] == [0, 0, 1, 3]
    assert m["intelligence.change_percent"] == 200.0
    assert "Content that must never reach a profile" not in str(f)

    ranked = sections["threat_areas"]["figures"]["ranked"]
    assert [(r["name"], r["harm_score"], r["intelligence_reports"]) for r in ranked] == [
        ("Drugs supply (including county lines)", 72.0, 2),
        ("Modern slavery and human trafficking", 72.0, 1),
        ("Counterfeit and illicit goods (tobacco, alcohol)", 40.0, 1),
    ]

    partner = sections["partner_data"]["figures"]
    assert partner["datasets"] == [
        {
            "kind": "taxi_licences",
            "label": "Taxi and private hire licences",
            "holder": "Partner Council",
            "records": 3,
            "linked_to_groups": 0,
        }
    ]
    source = sections["partner_data"]["sources"][0]
    assert (source["as_of"], source["owner"]) == ("2025-12-15", "Partner Council")

    vulnerabilities = sections["vulnerabilities"]["figures"]
    assert {p["name"]: p["reports"] for p in vulnerabilities["people_at_risk"]} == {
        "Drugs supply (including county lines)": 2,
        "Modern slavery and human trafficking": 1,
    }
    assert vulnerabilities["places"] == [{"district": "PR1", "reports": 3}]

    # The map: r1 and r2 at PR1 2HE (SD 53 29), r3 at PR1 3DA (SD 54 29): all suppressed.
    cells = {c["grid_reference"]: c["shown"] for c in sections["map"]["figures"]["cells"]}
    assert cells == {"SD 53 29": "fewer than 5", "SD 54 29": "fewer than 5"}

    opportunities = sections["opportunities"]["figures"]["opportunities"]
    pursue = [o for o in opportunities if o["p"] == "pursue"]
    assert [(o["partner"], o["text"].split(" (")[0]) for o in pursue] == [
        ("Own Police", "Disrupt Fishergate Crew"),
        ("Partner Council", "Disrupt Ribble Traders"),
    ]
    assert {o["p"] for o in opportunities} == {"pursue", "prevent", "prepare", "protect"}
    assert all(o["partner"] for o in opportunities)

    # Every figure says where it came from.
    for key, sec in sections.items():
        assert sec["sources"], f"{key} names no source"
        assert all(src["name"] and src["kind"] for src in sec["sources"])
    assert sections["partner_data"]["sources"][0]["as_of"] == "2025-12-15"

    response = f["response"]
    assert response["level"] == "priority"
    texts = [r["text"] for r in response["reasons"]]
    assert "1 organised crime group in band 1 (the highest threat) operates here" in texts
    assert "3 active organised crime groups operate here" in texts
    assert "Intelligence reports rose by 200% on the quarter before" in texts


def test_bands_are_those_assessed_by_the_end_of_the_period(profiles, counted):
    version = build(profiles.world.people["analyst"], profiles.profile, "2025Q3")
    groups = version.figures["sections"]["groups"]["figures"]
    assert [(g["name"], g["band_label"]) for g in groups["groups"]] == [
        ("Fishergate Crew", "Not assessed"),
        ("Ribble Traders", "Not assessed"),
    ]
    assert version.figures["metrics"]["groups.unassessed"] == 3
    assert version.figures["metrics"]["groups.band_1"] == 0
    later = build(profiles.world.people["analyst"], profiles.profile, "2026Q1")
    crew = later.figures["sections"]["groups"]["figures"]["groups"]
    assert ("Fishergate Crew", "3") in [(g["name"], g["band"]) for g in crew]


def test_public_summary_of_the_counted_world(profiles, counted, dataset):
    from convenor.profiles import services

    version = build(profiles.world.people["analyst"], profiles.profile, "2025Q4")
    summary = services.prepare_public_summary(profiles.world.people["analyst"], version)
    text = str(summary.figures)
    for secret in ("Fishergate Crew", "Ribble Traders", "PR1", "Driver"):
        assert secret not in text
    sections = summary.figures["sections"]
    assert sections["partner_data"]["figures"]["datasets"] == [
        {
            "label": "Taxi and private hire licences",
            "holder": "Partner Council",
            "records": "",
            "linked_to_groups": "",
        }
    ]
    assert sections["intelligence"]["figures"]["total"] == "fewer than 5"
    assert sections["groups"]["figures"]["total"] == "fewer than 5"
    assert [r["name"] for r in sections["threat_areas"]["figures"]["ranked"]][0].startswith(
        "Drugs supply"
    )
    assert {o["p_label"] for o in sections["opportunities"]["figures"]["opportunities"]} <= {
        "Prevent",
        "Prepare",
    }
    reasons = [r["text"] for r in summary.figures["response"]["reasons"]]
    assert "Intelligence reports rose markedly on the quarter before" in reasons
    assert not any("200" in r for r in reasons)
    # Band 1 is the partnership's assessment: its rule has no public wording, so it is not a
    # public reason, and no band is named anywhere in public.
    assert "Active organised crime groups operate here" in reasons
    assert "band" not in text.lower()
    assert "by_band" not in sections["groups"]["figures"]
    assert timezone.now()


def test_partner_records_linked_to_group_networks(profiles, counted, dataset):
    """A group member's entity: its own records in the area and the records related to them
    count as linked; a record of the same entity outside the area does not."""
    from convenor.threat.models import Entity, Relation

    w = profiles.world
    records = list(Record.objects.filter(dataset=dataset).order_by("row_number"))
    member_entity = Entity.objects.create(partnership=w.shared, kind="person")
    preston_1, preston_2, preston_3, chorley = records
    preston_1.entity = member_entity
    preston_1.easting, preston_1.northing = 353463, 429675
    preston_1.save()
    chorley.entity = member_entity
    chorley.save()
    Relation.objects.create(
        kind="associate_of", from_record=preston_1, to_record=preston_2, source_record=preston_1
    )
    GroupMember.objects.create(
        group=counted["g1"], name="D. Driver", role="significant", entity=member_entity
    )
    version = build(w.people["analyst"], profiles.profile, "2025Q4")
    partner = version.figures["sections"]["partner_data"]["figures"]
    assert partner["datasets"][0]["records"] == 3
    assert partner["datasets"][0]["linked_to_groups"] == 2  # preston_1 and its associate
    assert version.figures["metrics"]["partner_data.linked_records"] == 2
    opportunities = version.figures["sections"]["opportunities"]["figures"]["opportunities"]
    protect = [o for o in opportunities if o["p"] == "protect" and "group networks" in o["text"]]
    assert protect[0]["partner"] == "Partner Council"
    assert protect[0]["text"].startswith(
        "Review the 2 records in Taxi and private hire licences (Partner Council) linked to "
        "group networks"
    )
    vulnerabilities = version.figures["sections"]["vulnerabilities"]["figures"]
    assert vulnerabilities["sectors"] == [
        {"label": "Taxi and private hire licences", "holder": "Partner Council", "linked": 2}
    ]
    # Response: 2 linked records call for an enhanced response (the priority rule needs 25).
    reasons = [r["rule"] for r in version.figures["response"]["reasons"]]
    assert "partner_data.linked_records at least 1 → enhanced" in reasons
    assert "partner_data.linked_records at least 25 → priority" not in reasons
    # The public summary says so in its own words, without the count.
    from convenor.profiles import services

    summary = services.prepare_public_summary(w.people["analyst"], version)
    public = [r["text"] for r in summary.figures["response"]["reasons"]]
    assert (
        "Partner records (licences, contracts, tenancies, claims) are linked to organised crime "
        "groups" in public
    )
    assert not any("2 partner" in r for r in public)


def test_an_opportunity_becomes_a_board_action_in_one_step(client, login, profiles, counted):
    from convenor.core.models import AuditEntry
    from convenor.governance.models import Action, Board

    w = profiles.world
    version = build(w.people["analyst"], profiles.profile, "2025Q4")
    board = Board.objects.create(
        name="Shared SOC Board",
        slug="shared-soc-board",
        kind="soc_board",
        partnership=w.shared,
        organisation=w.own,
        terms_of_reference="Oversee the partnership's work against SOC",
        meeting_frequency="quarterly",
    )
    opportunities = version.figures["sections"]["opportunities"]["figures"]["opportunities"]
    first = opportunities[0]
    url = f"/profiles/{profiles.profile.pk}/versions/1/opportunities/{first['number']}/action/"

    # The analyst runs no board: no link on the page, and the form says so.
    login(w.people["analyst"])
    assert "/action/" not in client.get(version.get_absolute_url()).content.decode()
    assert "You run no board" in client.get(url).content.decode()

    login(w.people["partnership_administrator"])  # administrator of the board's organisation
    page = client.get(version.get_absolute_url()).content.decode()
    assert url in page
    response = client.post(
        url,
        {
            "board": board.pk,
            "owner_organisation": w.own.pk,
            "owner": w.people["practitioner"].pk,
            "due_on": "2026-03-31",
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.title == first["text"][:200]
    assert action.ps == [first["p"]]
    assert action.threat_areas == ["drugs-supply", "modern-slavery"]
    assert list(action.areas.values_list("code", flat=True)) == ["E07000123"]
    assert action.source == f"profiles.profileversion:{version.pk}#opportunity-1"
    assert AuditEntry.objects.filter(action="profile_opportunity_actioned").exists()

    # Bad input: explained, nothing made.
    response = client.post(
        url,
        {
            "board": board.pk,
            "owner_organisation": w.partner.pk,
            "owner": w.people["practitioner"].pk,  # holds no role in the partner council
            "due_on": "31/02/2026",
        },
    )
    text = response.content.decode()
    assert "Enter a real date, for example 2026-03-31" in text
    assert Action.objects.count() == 1
    response = client.post(
        url,
        {
            "board": board.pk,
            "owner_organisation": w.partner.pk,
            "owner": w.people["practitioner"].pk,
            "due_on": "2026-03-31",
        },
    )
    assert "holds no current role in Partner Council" in response.content.decode()
    assert Action.objects.count() == 1
    # An opportunity that is not there, and a profile the user cannot see.
    bad = f"/profiles/{profiles.profile.pk}/versions/1/opportunities/99/action/"
    assert client.get(bad).status_code == 404
    outside = build(w.people["outside_person"], profiles.outside_profile)
    assert (
        client.get(
            f"/profiles/{profiles.outside_profile.pk}/versions/{outside.number}/opportunities/1/action/"
        ).status_code
        == 404
    )


def test_what_changed_between_two_quarters(client, login, profiles, counted):
    """2025Q3: both shared groups unassessed; 2025Q4: Fishergate Crew band 1, Ribble Traders
    band 2; 2026Q1: Fishergate Crew reassessed to band 3."""
    from convenor.profiles.compare import compare_versions

    analyst = profiles.world.people["analyst"]
    q3 = build(analyst, profiles.profile, "2025Q3")
    q4 = build(analyst, profiles.profile, "2025Q4")
    q1 = build(analyst, profiles.profile, "2026Q1")
    changes = compare_versions(q3, q4)
    assert {(g["name"], g["before"], g["after"]) for g in changes["groups"]} == {
        ("Fishergate Crew", "Not assessed", "Band 1 (high)"),
        ("Ribble Traders", "Not assessed", "Band 2 (medium)"),
    }
    assert changes["response"]["changed"]
    assert compare_versions(q4, q1)["groups"] == [
        {
            "name": "Fishergate Crew",
            "change": "band",
            "before": "Band 1 (high)",
            "after": "Band 3 (low)",
        }
    ]
    metrics = {m.key: m for m in changes["metrics"]}
    assert (metrics["groups.band_1"].before, metrics["groups.band_1"].after) == (0, 1)
    assert metrics["groups.band_1"].direction == "up"
    login(analyst)
    text = client.get(
        f"/profiles/{profiles.profile.pk}/compare/", {"before": q4.number, "after": q1.number}
    ).content.decode()
    assert "Fishergate Crew" in text and "Band 3 (low)" in text
