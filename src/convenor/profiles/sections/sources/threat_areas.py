"""Threat areas ranked by the harm of the groups that work in them."""

from __future__ import annotations

from collections import defaultdict

from ...wording import label_metrics
from .. import BuildContext, SectionResult, public_view, section
from .common import GROUPS, name_key

# --- Threat areas ranked by harm ----------------------------------------------------------

label_metrics({"threat_areas.with_groups": "Threat areas with groups operating in them"})


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
                entry = harm[name_key(name)]
                names.setdefault(name_key(name), name)
                entry["groups"] += 1
                entry["score"] += g["score"] or 0
                if g["band"] and (not entry["highest_band"] or g["band"] < entry["highest_band"]):
                    entry["highest_band"] = g["band"]
    if intelligence is not None:
        for t in intelligence.figures["by_threat_area"]:
            entry = harm[name_key(t["name"])]
            names.setdefault(name_key(t["name"]), t["name"])
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
