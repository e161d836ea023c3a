"""The sanitised public summary of a built profile version (seed 002, recommendation 5:
communicate overtly). Only what the partnership chose to publish, in plain language:

* only sections that declare a public view, each with its public description (the analysts'
  descriptions speak of scores, bands and registers);
* figures protected by :mod:`convenor.profiles.disclosure`: small counts suppressed, and no
  suppressed count recoverable from a total (ADR 0051);
* the response level, with only the reasons whose rule has public wording (``public_reason``
  in the configuration): a reason's own wording names bands and exact counts;
* sources named plainly: reference data by name, partners' registers and records as what
  partners shared, never an agreement or a dataset's internal title.
"""

from __future__ import annotations

from .disclosure import check_threshold
from .sections import public_description_of, public_view_of

SHARED_BY_PARTNERS = "Information partners shared with the partnership"


def _public_sources(sources: list[dict]) -> list[dict]:
    public: list[dict] = []
    shared_as_of = ""
    for source in sources:
        if source["kind"] == "reference":
            public.append({"name": source["name"], "as_of": source.get("as_of", "")})
        elif source["kind"] in ("register", "dataset"):
            shared_as_of = max(shared_as_of, source.get("as_of", "") or "")
    if any(s["kind"] in ("register", "dataset") for s in sources):
        public.append({"name": SHARED_BY_PARTNERS, "as_of": shared_as_of})
    return public


def public_reasons(response: dict) -> list[dict]:
    """The reasons for the response level in the partnership's public wording only."""
    return [
        {"label": r.get("label", ""), "text": r["public_text"]}
        for r in response.get("reasons", [])
        if r.get("public_text")
    ]


def sanitise(figures: dict, threshold: int) -> dict:
    check_threshold(threshold)
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
            "description": public_description_of(key),
            "figures": public_figures,
            "sources": _public_sources(sec.get("sources", [])),
        }
    response = figures.get("response", {})
    return {
        "schema": figures.get("schema", 1),
        "disclosure": 2,  # small counts suppressed and totals protected (ADR 0051)
        "period": figures.get("period"),
        "period_label": figures.get("period_label"),
        "area_codes": figures.get("area_codes", []),
        "partnership": figures.get("partnership", ""),
        "suppression_threshold": threshold,
        "response": {
            "level": response.get("level", ""),
            "label": response.get("label", ""),
            "reasons": public_reasons(response),
        },
        "sections": sections,
    }
