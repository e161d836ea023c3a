"""Disruption statistics: one pure function (no Django) for the SOC local profile's section and a
board's monitoring report. Unverified disruptions are never counted (ADR 0024)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DisruptionFact:
    """What the statistics need of one disruption (labels or codes, as the caller likes)."""

    disruption_type: str
    p: str
    impact: str
    partners: frozenset[str] = frozenset()  # the lead agency and the contributing partners
    verified: bool = True


@dataclass(frozen=True)
class DisruptionStatistics:
    total: int
    by_type: dict[str, int] = field(default_factory=dict)
    by_p: dict[str, int] = field(default_factory=dict)
    by_impact: dict[str, int] = field(default_factory=dict)
    # A disruption counts once for each organisation that led or contributed to it, so these
    # do not add up to the total.
    by_partner: dict[str, int] = field(default_factory=dict)
    unverified_left_out: int = 0


def _sorted(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def disruption_statistics(facts: Iterable[DisruptionFact]) -> DisruptionStatistics:
    """Counts of verified disruptions by type, P, impact and partner (largest first)."""
    by_type, by_p, by_impact, by_partner = Counter(), Counter(), Counter(), Counter()
    total = unverified = 0
    for fact in facts:
        if not fact.verified:
            unverified += 1
            continue
        total += 1
        by_type[fact.disruption_type] += 1
        by_p[fact.p] += 1
        by_impact[fact.impact] += 1
        by_partner.update(set(fact.partners))
    return DisruptionStatistics(
        total=total,
        by_type=_sorted(by_type),
        by_p=_sorted(by_p),
        by_impact=_sorted(by_impact),
        by_partner=_sorted(by_partner),
        unverified_left_out=unverified,
    )
