"""Intelligence reports: counted by quarter, grading and P, never their content."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from convenor.core.access import visible

from ...disclosure import count as published_count
from ...periods import Period
from ...wording import label_metrics
from .. import BuildContext, SectionResult, Source, public_view, section
from ..area import register_point_source
from .common import INTELLIGENCE, P_LABELS, P_ORDER, area_ids, latest_iso

# --- Intelligence ----------------------------------------------------------------------------

label_metrics(
    {
        "intelligence.reports": "Intelligence reports in the period",
        "intelligence.previous_reports": "Intelligence reports in the quarter before",
        "intelligence.change_percent": "Change in intelligence reports on the quarter before (%)",
        **{f"intelligence.{p}": f"Intelligence reports pointing to {P_LABELS[p]}" for p in P_ORDER},
    }
)


def window_reports(ctx: BuildContext) -> list[dict]:
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
        candidates = IntelligenceReport.objects.filter(area_id__in=area_ids(ctx)).filter(when)
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


def period_reports(ctx: BuildContext) -> list[dict]:
    period = str(ctx.period)
    return [r for r in window_reports(ctx) if r["quarter"] == period]


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
    rows = period_reports(ctx)
    by_quarter = Counter(r["quarter"] for r in window_reports(ctx))
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
                latest_iso(r["created_at"].date() for r in rows),
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
    postcodes = Counter(r["postcode"] for r in period_reports(ctx) if r["postcode"])
    for postcode, n in postcodes.items():
        try:
            location = resolve_postcode(postcode)
        except PostcodeError:
            continue
        if location.easting is not None and location.northing is not None:
            points.extend([(location.easting, location.northing)] * n)
    sources = list(ctx.results["intelligence"].sources) if "intelligence" in ctx.results else []
    return points, sources, "intelligence reports"


register_point_source(_intelligence_points, needs=(INTELLIGENCE,))
