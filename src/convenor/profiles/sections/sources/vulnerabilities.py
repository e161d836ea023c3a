"""Vulnerabilities: what the intelligence says about people and places at risk."""

from __future__ import annotations

from collections import Counter

from ...disclosure import count as published_count
from .. import BuildContext, SectionResult, public_view, section
from .common import INTELLIGENCE
from .intelligence import period_reports

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
    rows = period_reports(ctx)
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
