"""Two versions of a profile side by side: "what changed since last quarter".

Every metric either version holds is listed with both values and the change; the response
level and its reasons are compared; sections that one version has and the other lacks (a
source that arrived or went) are named.
"""

from __future__ import annotations

from dataclasses import dataclass

from .wording import metric_label


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


def _groups(figures: dict) -> dict[str, dict]:
    section = figures.get("sections", {}).get("groups")
    return {g["name"]: g for g in section["figures"]["groups"]} if section else {}


def group_changes(a: dict, b: dict) -> list[dict]:
    """Groups new in the later version, gone from it, or whose band changed."""
    before, after = _groups(a), _groups(b)
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None:
            changes.append(
                {"name": name, "change": "new", "before": "", "after": new["band_label"]}
            )
        elif new is None:
            changes.append(
                {"name": name, "change": "gone", "before": old["band_label"], "after": ""}
            )
        elif old["band_label"] != new["band_label"]:
            changes.append(
                {
                    "name": name,
                    "change": "band",
                    "before": old["band_label"],
                    "after": new["band_label"],
                }
            )
    return changes


def rank_changes(a: dict, b: dict) -> list[dict]:
    """Threat areas whose rank by harm moved between the versions."""

    def ranks(figures: dict) -> dict[str, int]:
        section = figures.get("sections", {}).get("threat_areas")
        return {r["name"]: r["rank"] for r in section["figures"]["ranked"]} if section else {}

    before, after = ranks(a), ranks(b)
    return [
        {"name": name, "before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after), key=lambda n: after.get(n, 999))
        if before.get(name) != after.get(name)
    ]


def _titles(figures: dict, keys: set[str]) -> list[str]:
    """The titles of a version's sections (what the reader knows them by), not their keys."""
    sections = figures.get("sections", {})
    return sorted(sections[k].get("title") or k.replace("_", " ").capitalize() for k in keys)


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
        "groups": group_changes(a, b),
        "threat_areas": rank_changes(a, b),
        "sections_added": _titles(b, b_sections - a_sections),
        "sections_removed": _titles(a, a_sections - b_sections),
    }
