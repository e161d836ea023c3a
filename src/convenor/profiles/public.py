"""The sanitised public summary of a built profile version (seed 002, recommendation 5:
communicate overtly): only sections that declare a public view, no personal data, and every
count from 1 to the suppression threshold shown as "fewer than N+1"."""

from __future__ import annotations

from .sections import public_view_of
from .suppression import suppress


def _suppressed_reason(reason: dict, threshold: int) -> str:
    """A reason as the public may read it: the rule's own public wording when it has one, else
    its wording with the count suppressed; a percentage (of possibly small numbers) is never
    shown."""
    if reason.get("public_text"):
        return reason["public_text"]
    value = reason.get("value")
    template = reason.get("template") or reason.get("text", "")
    if reason.get("metric", "").endswith("_percent"):
        return f"{reason.get('label', 'This level')}: a marked change on the quarter before"
    if value is None:
        return reason.get("text", "")
    if float(value).is_integer() and value >= 0:
        return template.replace("{value}", suppress(int(value), threshold).text)
    return reason.get("text", "")


def sanitise(figures: dict, threshold: int) -> dict:
    sections = {}
    for key, sec in figures.get("sections", {}).items():
        view = public_view_of(key)
        if view is None:
            continue
        public_figures = view(sec["figures"], threshold)
        if public_figures is None:
            continue
        sections[key] = {
            "title": sec["title"],
            "description": sec.get("description", ""),
            "figures": public_figures,
            "sources": [
                {"name": s["name"], "kind": s["kind"], "as_of": s.get("as_of", "")}
                for s in sec.get("sources", [])
                if s["kind"] != "agreement"
            ],
        }
    response = figures.get("response", {})
    return {
        "schema": figures.get("schema", 1),
        "period": figures.get("period"),
        "period_label": figures.get("period_label"),
        "area_codes": figures.get("area_codes", []),
        "partnership": figures.get("partnership", ""),
        "suppression_threshold": threshold,
        "response": {
            "level": response.get("level", ""),
            "label": response.get("label", ""),
            "reasons": [
                {"label": r.get("label", ""), "text": _suppressed_reason(r, threshold)}
                for r in response.get("reasons", [])
            ],
        },
        "sections": sections,
    }
