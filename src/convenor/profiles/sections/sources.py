"""Sections built from the other Convenor registers: organised crime groups (groups app),
intelligence reports (intelligence app) and partners' linked records (threat app), then the
threat areas ranked by harm, vulnerabilities and the opportunities for each P.

What goes into a profile is what its builder may see (the access policy decides), and what a
profile names is only what the partnership may share: groups shared in the profile's
partnership are named, other groups the builder sees are only counted; intelligence and
partner records appear only as counts, never as content or names.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from convenor.core.access import visible

from ..disclosure import count as published_count
from ..periods import Period
from . import BuildContext, SectionResult, Source, public_view, section
from .area import local_partners, register_point_source

GROUPS = "convenor.groups"
INTELLIGENCE = "convenor.intelligence"
THREAT = "convenor.threat"

P_ORDER = ["pursue", "prevent", "protect", "prepare"]
P_LABELS = {"pursue": "Pursue", "prevent": "Prevent", "protect": "Protect", "prepare": "Prepare"}


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def _latest(dates) -> str:
    dates = [d for d in dates if d]
    return max(dates).isoformat() if dates else ""


# --- Organised crime groups ---------------------------------------------------------------


@section(
    "groups",
    "Organised crime groups",
    20,
    needs=(GROUPS,),
    description="Groups operating in the area, with their band and threat areas as assessed by "
    "the end of the period. Groups shared in this partnership are named; other groups the "
    "builder may see are counted only.",
)
def groups_section(ctx: BuildContext) -> SectionResult:
    from convenor.groups.models import Assessment, GroupMember, OrganisedCrimeGroup

    latest = Assessment.objects.filter(
        group=OuterRef("pk"), assessed_on__lte=ctx.period.end
    ).order_by("-assessed_on", "-recorded_at", "-pk")
    groups = (
        visible(ctx.user, OrganisedCrimeGroup.objects.all())
        .filter(areas__code__in=ctx.area_codes)
        .exclude(status=OrganisedCrimeGroup.Status.ARCHIVED)
        .distinct()
        .annotate(
            period_score=Subquery(latest.values("score")[:1]),
            period_band=Subquery(latest.values("band")[:1]),
            period_band_label=Subquery(latest.values("band_label")[:1]),
            period_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .select_related("owning_organisation")
        .prefetch_related("threat_areas", "harm_characteristics")
    )
    groups = list(groups)
    shared = [g for g in groups if g.partnership_id == ctx.partnership.pk]
    members = Counter(
        (row["group"], row["role"])
        for row in GroupMember.objects.filter(group__in=[g.pk for g in shared]).values(
            "group", "role"
        )
    )
    listed = []
    for g in sorted(shared, key=lambda g: (-(g.period_score or -1), g.name)):
        listed.append(
            {
                "id": g.pk,
                "name": g.name,
                "status": g.get_status_display(),
                "active": g.status == OrganisedCrimeGroup.Status.ACTIVE,
                "score": float(g.period_score) if g.period_score is not None else None,
                "band": g.period_band or "",
                "band_label": g.period_band_label or "Not assessed",
                "assessed_on": g.period_assessed_on.isoformat() if g.period_assessed_on else "",
                "threat_areas": [t.name for t in g.threat_areas.all()],
                "harm_characteristics": [h.name for h in g.harm_characteristics.all()],
                "members": {
                    role: members[(g.pk, role)]
                    for role in ("principal", "significant", "peripheral")
                },
                "owner": g.owning_organisation.name,
            }
        )
    bands = Counter(g.period_band or "unassessed" for g in groups)
    band_labels = {g.period_band: g.period_band_label for g in groups if g.period_band}
    scores = [float(g.period_score) for g in groups if g.period_score is not None]
    metrics = {
        "groups.total": len(groups),
        "groups.active": sum(1 for g in groups if g.status == OrganisedCrimeGroup.Status.ACTIVE),
        "groups.unassessed": bands.get("unassessed", 0),
        "groups.highest_score": max(scores) if scores else 0,
        "groups.not_shared_here": len(groups) - len(shared),
    }
    for band in ("1", "2", "3"):
        metrics[f"groups.band_{band}"] = bands.get(band, 0)
    owners = sorted({g.owning_organisation.name for g in groups})
    return SectionResult(
        figures={
            "groups": listed,
            "not_shared_here": len(groups) - len(shared),
            "by_band": [
                {"band": b, "label": band_labels.get(b, "Not assessed"), "count": n}
                for b, n in sorted(bands.items())
            ],
        },
        sources=[
            Source(
                "Organised crime group register and assessments",
                "register",
                _latest(g.period_assessed_on for g in groups),
                ", ".join(owners),
            )
        ],
        metrics=metrics,
    )


@public_view(
    "groups",
    description="How many organised crime groups the partnership knows to operate in the area.",
)
def groups_public(figures: dict, threshold: int) -> dict:
    """How many groups, small numbers suppressed: no names (they may identify people) and no
    threat bands (the partnership's assessment is not published)."""
    total = sum(b["count"] for b in figures["by_band"])
    return {"total": published_count(total, threshold).text}


# --- Intelligence ----------------------------------------------------------------------------


def _area_ids(ctx: BuildContext) -> list[int]:
    from convenor.core.models import Area

    return ctx.cached(
        "area_ids",
        lambda: list(Area.objects.filter(code__in=ctx.area_codes).values_list("pk", flat=True)),
    )


def _window_reports(ctx: BuildContext) -> list[dict]:
    """Every intelligence report the builder may see about the area in the trend window (the
    period and the quarters before it), read once and shared by the sections that need it;
    each row carries the quarter it falls in. A report and its sanitised version count once."""

    def read() -> list[dict]:
        from convenor.intelligence.models import IntelligenceReport

        quarters = ctx.period.trailing(ctx.config.trend_quarters)
        start, end = quarters[0].start, ctx.period.end
        when = Q(occurred_on__gte=start, occurred_on__lte=end) | Q(
            occurred_on__isnull=True,
            created_at__gte=_day_start(start),
            created_at__lt=_day_start(end + datetime.timedelta(days=1)),
        )
        candidates = IntelligenceReport.objects.filter(area_id__in=_area_ids(ctx)).filter(when)
        rows = visible(ctx.user, candidates).values(
            "id",
            "sanitised_from",
            "threat_areas",
            "four_p",
            "postcode",
            "owner_organisation__name",
            "occurred_on",
            "created_at",
        )
        rows = _distinct_reports(rows)
        for row in rows:
            day = row["occurred_on"] or timezone.localtime(row["created_at"]).date()
            row["quarter"] = str(Period.containing(day))
        return rows

    return ctx.cached("intelligence_window", read)


def _distinct_reports(rows) -> list[dict]:
    """One row per piece of intelligence: a sanitised version and its original count once."""
    seen: dict[int, dict] = {}
    for row in rows:
        key = row["sanitised_from"] or row["id"]
        if key not in seen or row["sanitised_from"] is None:
            seen[key] = row
    return list(seen.values())


def _day_start(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _period_reports(ctx: BuildContext) -> list[dict]:
    period = str(ctx.period)
    return [r for r in _window_reports(ctx) if r["quarter"] == period]


@section(
    "intelligence",
    "Intelligence",
    30,
    needs=(INTELLIGENCE,),
    description="Intelligence reports about the area in the period, by threat area and by P, "
    "and the trend over recent quarters: counts only (a report and its sanitised version "
    "count once).",
)
def intelligence_section(ctx: BuildContext) -> SectionResult:
    from convenor.intelligence.grading import threat_area_choices

    labels = dict(threat_area_choices())
    rows = _period_reports(ctx)
    by_quarter = Counter(r["quarter"] for r in _window_reports(ctx))
    by_threat = Counter(t for r in rows for t in (r["threat_areas"] or []))
    by_p = Counter(p for r in rows for p in (r["four_p"] or []))
    by_owner = Counter(r["owner_organisation__name"] for r in rows)
    trend = []
    for quarter in ctx.period.trailing(ctx.config.trend_quarters):
        count = by_quarter.get(str(quarter), 0)
        trend.append({"period": str(quarter), "label": quarter.label, "count": count})
    previous = trend[-2]["count"] if len(trend) >= 2 else 0
    metrics = {
        "intelligence.reports": len(rows),
        "intelligence.previous_reports": previous,
    }
    if previous:
        metrics["intelligence.change_percent"] = round(100 * (len(rows) - previous) / previous, 1)
    for p in P_ORDER:
        metrics[f"intelligence.{p}"] = by_p.get(p, 0)
    return SectionResult(
        figures={
            "total": len(rows),
            "by_threat_area": [
                {"code": code, "name": labels.get(code, code), "count": n}
                for code, n in sorted(by_threat.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "by_p": [{"p": p, "label": P_LABELS[p], "count": by_p.get(p, 0)} for p in P_ORDER],
            "by_reporting_organisation": [
                {"name": name, "count": n} for name, n in by_owner.most_common()
            ],
            "trend": trend,
        },
        sources=[
            Source(
                "Intelligence reports (3x5x2 graded)",
                "register",
                _latest(r["created_at"].date() for r in rows),
                ", ".join(sorted(by_owner)),
            )
        ],
        metrics=metrics,
    )


@public_view(
    "intelligence",
    description="How many pieces of intelligence partners recorded about the area in the "
    "period, what they were about, and the trend over recent quarters. A report can be about "
    "more than one kind of crime, so the counts by kind do not add up to the total.",
)
def intelligence_public(figures: dict, threshold: int) -> dict:
    # The breakdowns count a report under each of its threat areas and Ps: no breakdown adds
    # up to the total, so each count is protected on its own (ADR 0051).
    def shown(n: int) -> str:
        return published_count(n, threshold).text

    return {
        "total": shown(figures["total"]),
        "by_threat_area": [
            {"name": t["name"], "count": shown(t["count"])} for t in figures["by_threat_area"]
        ],
        "by_p": [{"label": p["label"], "count": shown(p["count"])} for p in figures["by_p"]],
        "trend": [
            {"period": t["period"], "label": t["label"], "count": shown(t["count"])}
            for t in figures["trend"]
        ],
    }


def _intelligence_points(ctx: BuildContext):
    """Intelligence reports of the period at their postcode's grid reference."""
    from convenor.core.areas import PostcodeError, resolve_postcode

    points = []
    postcodes = Counter(r["postcode"] for r in _period_reports(ctx) if r["postcode"])
    for postcode, n in postcodes.items():
        try:
            location = resolve_postcode(postcode)
        except PostcodeError:
            continue
        if location.easting is not None and location.northing is not None:
            points.extend([(location.easting, location.northing)] * n)
    sources = list(ctx.results["intelligence"].sources) if "intelligence" in ctx.results else []
    return points, sources, "intelligence reports"


# --- Partners' data -----------------------------------------------------------------------


def _group_entity_ids(ctx: BuildContext) -> set[int] | None:
    """Entities that are members of the groups in this profile (None: no link recorded yet)."""
    from convenor.groups.models import GroupMember

    if "entity" not in {f.name for f in GroupMember._meta.get_fields()}:
        return None
    group_ids = (
        [g["id"] for g in ctx.results["groups"].figures["groups"]]
        if "groups" in (ctx.results)
        else []
    )
    return set(
        GroupMember.objects.filter(group__in=group_ids, entity__isnull=False).values_list(
            "entity_id", flat=True
        )
    )


def _network_records(ctx: BuildContext, entity_ids: set[int]):
    """Records of group members' entities and the records directly related to them (the
    businesses they direct, the licences they hold, the addresses they live at...)."""
    from convenor.threat.models import Record, Relation

    direct = Record.objects.filter(entity__in=entity_ids)
    related_to = Relation.objects.filter(from_record__entity__in=entity_ids).values("to_record")
    related_from = Relation.objects.filter(to_record__entity__in=entity_ids).values("from_record")
    return Record.objects.filter(
        Q(pk__in=direct.values("pk")) | Q(pk__in=related_to) | Q(pk__in=related_from)
    )


def _partner_records(ctx: BuildContext):
    from convenor.threat.models import Record

    return Record.objects.filter(
        dataset__partnership=ctx.partnership, local_authority_id__in=_area_ids(ctx)
    )


@section(
    "partner_data",
    "What partners' data shows",
    40,
    needs=(THREAT, GROUPS),
    description="Partners' records in the area (licences, contracts, tenancies, benefit and tax "
    "flags...) and how many are linked to the networks of the groups in this profile: counts "
    "only; the records themselves stay with those allowed to see them.",
)
def partner_data_section(ctx: BuildContext) -> SectionResult:
    from convenor.threat.models import Dataset

    kinds = dict(Dataset.Kind.choices)
    in_area = _partner_records(ctx)
    per_dataset = {
        row["dataset"]: row["n"] for row in in_area.values("dataset").annotate(n=Count("pk"))
    }
    dataset_rows = list(Dataset.objects.filter(pk__in=per_dataset).select_related("organisation"))
    totals: dict[tuple[str, str], int] = Counter()
    for d in dataset_rows:
        totals[(d.kind, d.organisation.name)] += per_dataset[d.pk]
    entity_ids = _group_entity_ids(ctx)
    linked: dict[tuple[str, str], int] = {}
    notes = []
    if entity_ids is None:
        notes.append("Group members are not linked to partners' records in this installation.")
    elif entity_ids:
        by_dataset = {d.pk: d for d in dataset_rows}
        linked = Counter()
        for row in _network_in_area(ctx, entity_ids).values("dataset").annotate(n=Count("pk")):
            d = by_dataset.get(row["dataset"])
            if d is not None:
                linked[(d.kind, d.organisation.name)] += row["n"]
    rows = [
        {
            "kind": kind,
            "label": kinds.get(kind, kind),
            "holder": holder,
            "records": n,
            "linked_to_groups": linked.get((kind, holder), 0),
        }
        for (kind, holder), n in sorted(totals.items())
    ]
    return SectionResult(
        figures={"datasets": rows, "linked_total": sum(linked.values())},
        sources=[
            Source(
                f"{d.title} ({kinds.get(d.kind, d.kind)})",
                "dataset",
                (d.extracted_on.isoformat() if getattr(d, "extracted_on", None) else ""),
                d.organisation.name,
            )
            for d in sorted(dataset_rows, key=lambda d: d.title)
        ],
        metrics={
            "partner_data.records": sum(totals.values()),
            "partner_data.linked_records": sum(linked.values()),
        },
        notes=notes,
    )


@public_view(
    "partner_data",
    description="The kinds of records partners shared with the partnership for this profile.",
)
def partner_data_public(figures: dict, threshold: int) -> dict:
    """Which partners' data the profile draws on; no counts (how many of a trade's records are
    linked to groups is for the partnership, not for the public)."""
    return {
        "datasets": [
            {"label": d["label"], "holder": d["holder"], "records": "", "linked_to_groups": ""}
            for d in figures["datasets"]
        ],
        "public": True,
    }


def _network_in_area(ctx: BuildContext, entity_ids: set[int]):
    return _network_records(ctx, entity_ids).filter(
        dataset__partnership=ctx.partnership, local_authority_id__in=_area_ids(ctx)
    )


def _network_points(ctx: BuildContext):
    entity_ids = _group_entity_ids(ctx)
    if not entity_ids:
        return [], [], "partner records linked to group networks"
    rows = (
        _network_in_area(ctx, entity_ids)
        .exclude(easting__isnull=True)
        .exclude(northing__isnull=True)
        .values_list("easting", "northing")
    )
    partner = ctx.results.get("partner_data")
    return (
        list(rows),
        list(partner.sources) if partner else [],
        ("partner records linked to group networks"),
    )


# --- Threat areas ranked by harm ----------------------------------------------------------


@section(
    "threat_areas",
    "Threat areas ranked by harm",
    35,
    needs=(GROUPS,),
    description="Each threat area ranked by the summed threat scores of the groups operating "
    "here in it; ties broken by the number of intelligence reports in the period.",
)
def threat_areas_section(ctx: BuildContext) -> SectionResult:
    groups = ctx.results.get("groups")
    intelligence = ctx.results.get("intelligence")
    harm: dict[str, dict] = defaultdict(
        lambda: {"score": 0.0, "groups": 0, "highest_band": "", "intelligence": 0}
    )
    names: dict[str, str] = {}
    if groups is not None:
        for g in groups.figures["groups"]:
            for name in g["threat_areas"]:
                entry = harm[_name_key(name)]
                names.setdefault(_name_key(name), name)
                entry["groups"] += 1
                entry["score"] += g["score"] or 0
                if g["band"] and (not entry["highest_band"] or g["band"] < entry["highest_band"]):
                    entry["highest_band"] = g["band"]
    if intelligence is not None:
        for t in intelligence.figures["by_threat_area"]:
            entry = harm[_name_key(t["name"])]
            names.setdefault(_name_key(t["name"]), t["name"])
            entry["intelligence"] += t["count"]
    ranked = sorted(
        harm.items(), key=lambda kv: (-kv[1]["score"], -kv[1]["intelligence"], names[kv[0]])
    )
    rows = [
        {
            "rank": i,
            "name": names[key],
            "harm_score": round(v["score"], 1),
            "groups": v["groups"],
            "highest_band": v["highest_band"],
            "intelligence_reports": v["intelligence"],
        }
        for i, (key, v) in enumerate(ranked, start=1)
    ]
    sources = []
    for part in (groups, intelligence):
        if part is not None:
            sources.extend(part.sources)
    return SectionResult(
        figures={"ranked": rows},
        sources=sources,
        metrics={"threat_areas.with_groups": sum(1 for r in rows if r["groups"])},
    )


@public_view(
    "threat_areas",
    description="The kinds of serious and organised crime that cause the most harm here, most "
    "harmful first.",
)
def threat_areas_public(figures: dict, threshold: int) -> dict:
    # The order of threat areas is public; scores and counts are not.
    return {"ranked": [{"rank": r["rank"], "name": r["name"]} for r in figures["ranked"]]}


# --- Vulnerabilities -----------------------------------------------------------------------


@section(
    "vulnerabilities",
    "Vulnerabilities",
    50,
    needs=(INTELLIGENCE,),
    description="Places, sectors and people at risk, from intelligence (referrals are not yet "
    "recorded in Convenor): reports in the threat areas where people are exploited, the "
    "postcode districts where reports concentrate, and the sectors partners' records tie to "
    "group networks.",
)
def vulnerabilities_section(ctx: BuildContext) -> SectionResult:
    from convenor.intelligence.grading import threat_area_choices

    labels = dict(threat_area_choices())
    wanted = set(ctx.config.vulnerability_threat_areas)
    rows = _period_reports(ctx)
    people = Counter(t for r in rows for t in (r["threat_areas"] or []) if t in wanted)
    districts = Counter(
        r["postcode"].split(" ")[0].upper() for r in rows if r["postcode"] and " " in r["postcode"]
    )
    sectors = []
    partner = ctx.results.get("partner_data")
    if partner is not None:
        sectors = [
            {"label": d["label"], "holder": d["holder"], "linked": d["linked_to_groups"]}
            for d in partner.figures["datasets"]
            if d["linked_to_groups"]
        ]
    return SectionResult(
        figures={
            "people_at_risk": [
                {"name": labels.get(code, code), "reports": n} for code, n in people.most_common()
            ],
            "places": [{"district": d, "reports": n} for d, n in districts.most_common(10)],
            "sectors": sectors,
        },
        sources=list(ctx.results["intelligence"].sources) if "intelligence" in ctx.results else [],
        metrics={"vulnerabilities.exploitation_reports": sum(people.values())},
    )


@public_view(
    "vulnerabilities",
    description="The kinds of exploitation partners' intelligence points to, and the trades "
    "and services organised crime reaches into.",
)
def vulnerabilities_public(figures: dict, threshold: int) -> dict:
    return {
        "people_at_risk": [
            {"name": p["name"], "reports": published_count(p["reports"], threshold).text}
            for p in figures["people_at_risk"]
        ],
        # Places are left out of the public summary: a district with few reports could point to
        # a household.
        "places": [],
        "sectors": [{"label": s["label"], "holder": s["holder"]} for s in figures["sectors"]],
    }


# --- Opportunities for each P -------------------------------------------------------------


def _best_placed(ctx: BuildContext, p: str, exclude: set[str] = frozenset()) -> str:
    """The partner best placed to act on a P: the first organisation of the partnership working
    in the area whose kind comes first in the configured preference for that P."""
    preference = ctx.config.best_placed.get(p, [])
    members = list(local_partners(ctx))
    members += [
        o for o in ctx.partnership.organisations.all() if o not in members
    ]  # national partners too, after local ones
    for kind in preference:
        for org in members:
            if org.kind == kind and org.name not in exclude:
                return org.name
    return ctx.partnership.lead_organisation.name


@section(
    "opportunities",
    "Opportunities for each P",
    60,
    needs=(GROUPS,),
    description="What the figures point to under Pursue, Prevent, Protect and Prepare, with the "
    "partner best placed to act (the group's owner, the holder of the records, or the partner "
    "whose work it is, from the configured preferences).",
)
def opportunities_section(ctx: BuildContext) -> SectionResult:
    items: list[dict] = []
    groups = ctx.results.get("groups")
    if groups is not None:
        for g in groups.figures["groups"]:
            if g["band"] in ("1", "2") and g["active"]:
                items.append(
                    {
                        "p": "pursue",
                        "text": f"Disrupt {g['name']} ({g['band_label']}): "
                        + ", ".join(g["threat_areas"][:3]),
                        "partner": g["owner"],
                        "basis": f"Group assessed {g['assessed_on'] or 'not yet'}",
                        "threat_areas": g["threat_areas"],
                    }
                )
    partner = ctx.results.get("partner_data")
    if partner is not None:
        for d in partner.figures["datasets"]:
            if d["linked_to_groups"]:
                items.append(
                    {
                        "p": "protect",
                        "text": f"Review the {d['linked_to_groups']} {d['label'].lower()} "
                        "records linked to group networks (licence reviews, contract "
                        "checks, tenancy enforcement)",
                        "partner": d["holder"],
                        "basis": f"{d['label']} held by {d['holder']}",
                        "threat_areas": [],
                    }
                )
    vulnerabilities = ctx.results.get("vulnerabilities")
    if vulnerabilities is not None:
        for v in vulnerabilities.figures["people_at_risk"][:3]:
            items.append(
                {
                    "p": "prevent",
                    "text": f"Identify and divert people at risk of {v['name'].lower()} "
                    "(referral pathways, diversion programmes)",
                    "partner": _best_placed(ctx, "prevent"),
                    "basis": f"{v['reports']} intelligence report(s) in the period",
                    "threat_areas": [v["name"]],
                    "public": True,
                }
            )
        for place in vulnerabilities.figures["places"][:2]:
            items.append(
                {
                    "p": "prepare",
                    "text": f"Community reassurance and resilience in {place['district']}, "
                    "where intelligence reports concentrate",
                    "partner": _best_placed(ctx, "prepare"),
                    "basis": f"{place['reports']} intelligence report(s) in the period",
                    "threat_areas": [],
                }
            )
    intelligence = ctx.results.get("intelligence")
    if intelligence is not None:
        top = intelligence.figures["by_threat_area"][:1]
        protect = next((p for p in intelligence.figures["by_p"] if p["p"] == "protect"), None)
        if protect and protect["count"] and top:
            items.append(
                {
                    "p": "protect",
                    "text": f"Protect businesses and services from {top[0]['name'].lower()} "
                    "(desktop audits of council services, awareness for licensed trades)",
                    "partner": _best_placed(ctx, "protect"),
                    "basis": f"{protect['count']} intelligence report(s) point to Protect",
                    "threat_areas": [top[0]["name"]],
                }
            )
    items.sort(key=lambda i: P_ORDER.index(i["p"]))
    for number, item in enumerate(items, start=1):
        item["number"] = number
        item["p_label"] = P_LABELS[item["p"]]
    counts = Counter(i["p"] for i in items)
    sources: list[Source] = []
    for key in ("groups", "partner_data", "intelligence"):
        part = ctx.results.get(key)
        if part is not None:
            sources.extend(s for s in part.sources if s not in sources)
    return SectionResult(
        figures={"opportunities": items},
        sources=sources,
        metrics={f"opportunities.{p}": counts.get(p, 0) for p in P_ORDER},
    )


@public_view(
    "opportunities",
    description="What partners will do to prevent people being drawn into organised crime.",
)
def opportunities_public(figures: dict, threshold: int) -> dict:
    # Pursue names groups and counts their bands, Protect counts records and Prepare names
    # places: the public sees only the opportunities marked public (Prevent's), and no count
    # per P (how many Pursue opportunities there are is how many high-band groups there are).
    return {
        "opportunities": [
            {"p_label": o["p_label"], "text": o["text"], "partner": o["partner"]}
            for o in figures["opportunities"]
            if o.get("public")
        ],
    }


register_point_source(_intelligence_points, needs=(INTELLIGENCE,))
register_point_source(_network_points, needs=(THREAT, GROUPS))
