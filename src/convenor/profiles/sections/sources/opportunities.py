"""Opportunities for each P, each with the partner best placed to take it."""

from __future__ import annotations

from collections import Counter

from ...wording import choose, label_metrics, plural
from .. import BuildContext, SectionResult, Source, public_view, section
from ..area import local_partners
from .common import GROUPS, P_LABELS, P_ORDER

label_metrics({f"opportunities.{p}": f"{P_LABELS[p]} opportunities" for p in P_ORDER})

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


def _exploitation_basis(kind: dict) -> str:
    """Why a Prevent opportunity is offered, in counts only (no group, member or age)."""
    parts = []
    if kind["groups"]:
        parts.append(
            f"{kind['name']}: seen in {plural(kind['groups'], 'organised crime group')} "
            "operating here"
        )
    if kind["intelligence_reports"]:
        lead = "" if parts else f"{kind['name']}: "
        parts.append(f"{lead}{plural(kind['intelligence_reports'], 'intelligence report')}")
    return " and ".join(parts) + (" in the period" if kind["intelligence_reports"] else "")


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
                        "text": f"Review the {plural(d['linked_to_groups'], 'record')} in "
                        f"{d['label']} ({d['holder']}) linked to group networks (licence "
                        "reviews, contract checks, tenancy enforcement)",
                        "partner": d["holder"],
                        "basis": f"{d['label']} held by {d['holder']}",
                        "threat_areas": [],
                    }
                )
    vulnerabilities = ctx.results.get("vulnerabilities")
    if vulnerabilities is not None:
        for kind in vulnerabilities.figures.get("exploitation", []):
            if kind["prevent"]:
                items.append(
                    {
                        "p": "prevent",
                        "text": kind["prevent"],
                        "partner": _best_placed(ctx, "prevent"),
                        "basis": _exploitation_basis(kind),
                        "threat_areas": [],
                        "public": kind["public"],
                    }
                )
        for v in vulnerabilities.figures["people_at_risk"][:3]:
            items.append(
                {
                    "p": "prevent",
                    "text": f"Identify and divert people at risk of {v['name'].lower()} "
                    "(referral pathways, diversion programmes)",
                    "partner": _best_placed(ctx, "prevent"),
                    "basis": f"{plural(v['reports'], 'intelligence report')} in the period",
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
                    "basis": f"{plural(place['reports'], 'intelligence report')} in the period",
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
                    "basis": f"{plural(protect['count'], 'intelligence report')} "
                    f"{choose(protect['count'], 'points', 'point')} to Protect",
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
