"""Vulnerabilities: the exploitation the groups operating here and the intelligence show, and
the people, places and sectors at risk."""

from __future__ import annotations

from collections import Counter

from django.apps import apps

from ...disclosure import count as published_count
from ...exploitation import GroupFacts, MemberFacts, evidence
from ...wording import label_metrics
from .. import BuildContext, SectionResult, public_view, section
from .common import GROUPS, INTELLIGENCE
from .intelligence import period_reports

# --- Vulnerabilities -----------------------------------------------------------------------

label_metrics(
    {
        "vulnerabilities.exploitation_reports": "Intelligence reports about exploitation",
        "vulnerabilities.exploitation_kinds": "Kinds of exploitation seen",
        "vulnerabilities.exploiting_groups": "Groups exploiting people",
    }
)


def _group_facts(ctx: BuildContext) -> list[tuple[object, GroupFacts]]:
    """Each group the builder may see operating here, with what the exploitation rules test:
    its threat areas, harm characteristics, description and members' roles and dates of birth."""
    if not apps.is_installed(GROUPS):
        return []
    from convenor.groups.models import GroupMember

    from .groups import groups_in_area

    groups = groups_in_area(ctx)
    roles = dict(GroupMember.MemberRole.choices)
    members: dict[int, list[MemberFacts]] = {g.pk: [] for g in groups}
    for row in GroupMember.objects.filter(group__in=list(members)).values(
        "group", "role", "date_of_birth"
    ):
        members[row["group"]].append(
            MemberFacts(row["role"], roles.get(row["role"], row["role"]), row["date_of_birth"])
        )
    facts = []
    for g in groups:
        areas, harms = list(g.threat_areas.all()), list(g.harm_characteristics.all())
        facts.append(
            (
                g,
                GroupFacts(
                    threat_areas=frozenset(t.code for t in areas),
                    harm_characteristics=frozenset(h.code for h in harms),
                    names={x.code: x.name for x in [*areas, *harms]},
                    description=g.summary,
                    members=tuple(members[g.pk]),
                ),
            )
        )
    return facts


def _exploitation(ctx: BuildContext, rows: list[dict]) -> tuple[list[dict], int]:
    """The kinds of exploitation seen, each with the groups showing it (named with what shows it
    when shared in this partnership, otherwise counted only) and the reports of the period in
    its threat areas; and how many groups show any."""
    from .groups import shared_here

    facts = _group_facts(ctx)
    exploiting: set[int] = set()
    seen = []
    for rule in ctx.config.exploitation:
        named, not_named = [], 0
        for group, group_facts in facts:
            shown = evidence(rule, group_facts, ctx.period.end) if rule.has_group_tests else []
            if not shown:
                continue
            exploiting.add(group.pk)
            if shared_here(ctx, group):
                named.append({"id": group.pk, "name": group.name, "evidence": shown})
            else:
                not_named += 1
        wanted = set(rule.intelligence_threat_areas)
        reports = sum(1 for r in rows if wanted & set(r["threat_areas"] or []))
        if named or not_named or reports:
            seen.append(
                {
                    "code": rule.code,
                    "name": rule.name,
                    "groups": len(named) + not_named,
                    "named": sorted(named, key=lambda n: n["name"]),
                    "not_named": not_named,
                    "intelligence_reports": reports,
                    "prevent": rule.prevent,
                    "public": rule.public,
                }
            )
    return seen, len(exploiting)


@section(
    "vulnerabilities",
    "Vulnerabilities",
    50,
    needs=(INTELLIGENCE,),
    description="Exploitation and the people, places and sectors at risk: the kinds of "
    "exploitation the groups operating here show (their members' ages and roles, threat areas, "
    "harm characteristics and descriptions, by the configured rules) and the intelligence "
    "shows; reports in the threat areas where people are exploited; the postcode districts "
    "where reports concentrate; and the sectors partners' records tie to group networks. "
    "Groups not shared in this partnership are counted, not named.",
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
    exploitation, exploiting_groups = _exploitation(ctx, rows)
    sources = []
    for key in ("groups", "intelligence"):
        part = ctx.results.get(key)
        if part is not None:
            sources.extend(s for s in part.sources if s not in sources)
    return SectionResult(
        figures={
            "exploitation": exploitation,
            "people_at_risk": [
                {"name": labels.get(code, code), "reports": n} for code, n in people.most_common()
            ],
            "places": [{"district": d, "reports": n} for d, n in districts.most_common(10)],
            "sectors": sectors,
        },
        sources=sources,
        metrics={
            "vulnerabilities.exploitation_reports": sum(people.values()),
            "vulnerabilities.exploitation_kinds": len(exploitation),
            "vulnerabilities.exploiting_groups": exploiting_groups,
        },
    )


@public_view(
    "vulnerabilities",
    description="The kinds of exploitation partners' intelligence and knowledge of organised "
    "crime groups point to, and the trades and services organised crime reaches into.",
)
def vulnerabilities_public(figures: dict, threshold: int) -> dict:
    return {
        # Only the kinds the partnership chose to publish, by name: no group, member or count
        # (how many groups exploit children is a breakdown of the groups' count; ADR 0051).
        "exploitation": [
            {"name": e["name"]} for e in figures.get("exploitation", []) if e.get("public")
        ],
        "people_at_risk": [
            {"name": p["name"], "reports": published_count(p["reports"], threshold).text}
            for p in figures["people_at_risk"]
        ],
        # Places are left out of the public summary: a district with few reports could point to
        # a household.
        "places": [],
        "sectors": [{"label": s["label"], "holder": s["holder"]} for s in figures["sectors"]],
    }
