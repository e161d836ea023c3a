"""Turning frozen figures into what pages and the PDF show: one template per section (falling
back to a generic one), the map as SVG and charts from :mod:`convenor.reports`."""

from __future__ import annotations

from collections.abc import Callable

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils.safestring import mark_safe

from .mapping import render_map_svg
from .wording import metric_label

_EXTRAS: dict[str, Callable[[dict, dict], dict]] = {}


def extras_for(key: str):
    """Register what a section's template needs beyond its figures (charts, an SVG)."""

    def register(fn: Callable[[dict, dict], dict]):
        _EXTRAS[key] = fn
        return fn

    return register


@extras_for("map")
def _map_extras(figures: dict, options: dict) -> dict:
    title = options.get("map_title", "Map of the area")
    svg = render_map_svg(figures, title, id_prefix=options.get("prefix", "map"))
    return {"svg": mark_safe(svg)}  # noqa: S308  # nosec B308 B703 (every text in it is escaped)


def _count_chart(title: str, rows: list[dict], label: str, value_label: str, category: str):
    """A bar chart of a section's counted rows (``{label: ..., "count": n}``)."""
    from convenor.reports import bar_chart_svg

    data = [(row[label], row["count"]) for row in rows]
    return bar_chart_svg(title, data, value_label=value_label, category_label=category)


@extras_for("groups")
def _groups_extras(figures: dict, options: dict) -> dict:
    if options.get("public") or not figures.get("by_band"):
        return {}
    title = "Organised crime groups operating here, by band"
    return {"chart": _count_chart(title, figures["by_band"], "label", "Groups", "Band")}


@extras_for("intelligence")
def _intelligence_extras(figures: dict, options: dict) -> dict:
    if options.get("public"):
        return {}
    return {
        "chart_threat_areas": _count_chart(
            "Intelligence reports by threat area",
            figures["by_threat_area"],
            "name",
            "Reports",
            "Threat area",
        ),
        "chart_p": _count_chart(
            "Intelligence reports by P", figures["by_p"], "label", "Reports", "P"
        ),
        "chart_trend": _count_chart(
            "Intelligence reports per quarter", figures["trend"], "label", "Reports", "Quarter"
        ),
    }


def _template_for(key: str) -> str:
    try:
        return select_template([f"profiles/sections/{key}.html"]).template.name
    except TemplateDoesNotExist:
        return "profiles/sections/_generic.html"


def section_context(figures: dict, *, public: bool = False, version=None, prefix: str = "") -> dict:
    sections = []
    for key, sec in (figures or {}).get("sections", {}).items():
        options = {"public": public, "prefix": f"{prefix}{key}"}
        item = {
            "key": key,
            "anchor": f"{prefix}{key}",
            "title": sec.get("title", key),
            "description": sec.get("description", ""),
            "figures": sec.get("figures", {}),
            "sources": sec.get("sources", []),
            "notes": sec.get("notes", []),
            "template": _template_for(key),
            "public": public,
        }
        if key in _EXTRAS:
            item.update(_EXTRAS[key](item["figures"], options))
        sections.append(item)
    response = dict((figures or {}).get("response", {}))
    # Frozen versions hold metric keys; the reader sees their labels.
    response["not_evaluated"] = [metric_label(k) for k in response.get("not_evaluated", [])]
    return {
        "sections": sections,
        "response": response,
        "missing_sections": (figures or {}).get("missing_sections", []),
        "figures": figures or {},
    }


def pdf_available() -> bool:
    try:
        import convenor.reports  # noqa: F401
    except ImportError:  # pragma: no cover - the reports package ships with Convenor
        return False
    return True


def render_version_pdf(version, base_url: str | None = None, figures: dict | None = None) -> bytes:
    """The version as a PDF; ``figures``: as its reader may read them (selectors)."""
    from convenor.reports import render_pdf

    context = {"version": version, "profile": version.profile}
    figures = version.figures if figures is None else figures
    context.update(section_context(figures, version=version, prefix="pdf-"))
    html = render_to_string("profiles/version_pdf.html", context)
    return render_pdf(html, base_url=base_url)


def render_summary_pdf(summary, base_url: str | None = None) -> bytes:
    from convenor.reports import render_pdf

    context = {"summary": summary, "version": summary.version, "profile": summary.version.profile}
    context.update(section_context(summary.public_figures, public=True, prefix="pdf-"))
    html = render_to_string("profiles/public_summary_pdf.html", context)
    return render_pdf(html, base_url=base_url)
