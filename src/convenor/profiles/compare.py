"""Two versions of a profile side by side: "what changed since last quarter".

Every metric either version holds is listed with both values and the change; the response
level and its reasons are compared; sections that one version has and the other lacks (a
source that arrived or went) are named.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricChange:
    key: str
    label: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        if self.change is None:
            return "new" if self.before is None else "gone"
        if self.change > 0:
            return "up"
        if self.change < 0:
            return "down"
        return "same"


def metric_label(key: str) -> str:
    section, _, name = key.partition(".")
    return f"{section.replace('_', ' ').capitalize()}: {name.replace('_', ' ')}"


def compare_versions(before, after) -> dict:
    a, b = before.figures or {}, after.figures or {}
    am, bm = a.get("metrics", {}), b.get("metrics", {})
    metrics = [
        MetricChange(key, metric_label(key), am.get(key), bm.get(key))
        for key in sorted(set(am) | set(bm))
    ]
    a_sections, b_sections = set(a.get("sections", {})), set(b.get("sections", {}))
    ar, br = a.get("response", {}), b.get("response", {})
    a_reasons = {r.get("rule") for r in ar.get("reasons", [])}
    b_reasons = {r.get("rule") for r in br.get("reasons", [])}
    return {
        "before": before,
        "after": after,
        "metrics": metrics,
        "changed": [m for m in metrics if m.direction != "same"],
        "response": {
            "before": ar,
            "after": br,
            "changed": ar.get("level") != br.get("level"),
            "new_reasons": [r for r in br.get("reasons", []) if r.get("rule") not in a_reasons],
            "gone_reasons": [r for r in ar.get("reasons", []) if r.get("rule") not in b_reasons],
        },
        "sections_added": sorted(b_sections - a_sections),
        "sections_removed": sorted(a_sections - b_sections),
    }
