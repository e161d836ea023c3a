"""Sections every profile has: the area itself and its map."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

from convenor.core.models import Area, InformationSharingAgreement

from ..mapping import map_figure, outlines_for, public_map_figure
from ..wording import label_metrics
from . import BuildContext, SectionResult, Source, public_view, section

label_metrics(
    {
        "area.local_authorities": "Local authorities in the profile",
        "area.partners": "Partners working in the area",
        "map.located": "Records and reports placed on the map",
    }
)

# Providers of located points for the map: fn(ctx) -> (points, sources, description), each
# with the Convenor apps it needs.
_POINT_SOURCES: list[tuple[Callable, tuple[str, ...]]] = []


def register_point_source(fn: Callable, needs: tuple[str, ...] = ()) -> Callable:
    """Add located records to the profile map (a section module of a source app does this)."""
    if all(f is not fn for f, _ in _POINT_SOURCES):
        _POINT_SOURCES.append((fn, needs))
    return fn


def point_sources() -> list[Callable]:
    return [fn for fn, needs in _POINT_SOURCES if all(apps.is_installed(a) for a in needs)]


def covering_area_ids(ctx: BuildContext) -> set[int]:
    """The profile's local authorities and every area that contains them (upper tier, police
    force area, region): an organisation working in any of them works here."""

    def compute() -> set[int]:
        ids: set[int] = set()
        for area in Area.objects.filter(code__in=ctx.area_codes).prefetch_related(
            "police_force_areas"
        ):
            ids.add(area.pk)
            if area.parent_id:
                ids.add(area.parent_id)
            for force in area.police_force_areas.all():
                ids.add(force.pk)
                if force.parent_id:
                    ids.add(force.parent_id)
        return ids

    return ctx.cached("covering_area_ids", compute)


def local_partners(ctx: BuildContext):
    """The partnership's organisations working in the area."""
    return (
        ctx.partnership.organisations.filter(areas__in=covering_area_ids(ctx))
        .distinct()
        .order_by("name")
    )


@section(
    "area",
    "The area",
    10,
    description="The local authorities, their upper tier and police force area, and the "
    "partners working there under the partnership's information sharing agreement.",
)
def area_section(ctx: BuildContext) -> SectionResult:
    areas = list(
        Area.objects.filter(code__in=ctx.area_codes)
        .select_related("parent")
        .prefetch_related("police_force_areas")
        .order_by("name")
    )
    partners = local_partners(ctx)
    agreements = InformationSharingAgreement.objects.current(ctx.period.end).filter(
        partnership=ctx.partnership
    )
    if not agreements.exists():
        agreements = InformationSharingAgreement.objects.current().filter(
            partnership=ctx.partnership
        )
    figures = {
        "local_authorities": [
            {
                "code": a.code,
                "name": a.name,
                "upper_tier": a.parent.name if a.parent else "",
                "police_force_areas": [f.name for f in a.police_force_areas.all()],
            }
            for a in areas
        ],
        "partners_working_here": [o.name for o in partners],
        "agreements": [
            {"title": a.title, "starts_on": a.starts_on.isoformat(), "review_date": a.review_date}
            for a in agreements
        ],
    }
    for agreement in figures["agreements"]:
        agreement["review_date"] = agreement["review_date"].isoformat()
    return SectionResult(
        figures=figures,
        sources=[
            Source("ONS local authority lookup (LTLA21–UTLA21)", "reference", "2021-12-31"),
            *[
                Source(
                    f"Information sharing agreement: {a.title}",
                    "agreement",
                    a.starts_on.isoformat(),
                )
                for a in agreements
            ],
        ],
        metrics={"area.local_authorities": len(areas), "area.partners": partners.count()},
    )


@section(
    "map",
    "Map",
    55,
    description="Where located records lie, counted per grid square with small numbers "
    "suppressed, over the area's extent from the ONS Postcode Directory.",
)
def map_section(ctx: BuildContext) -> SectionResult:
    grid = ctx.config.grid_metres
    outlines = outlines_for(ctx.area_codes, grid)
    points: list[tuple[int, int]] = []
    sources: list[Source] = []
    described: list[str] = []
    providers = point_sources()
    for provider in providers:
        found, found_sources, what = provider(ctx)
        points.extend(found)
        sources.extend(found_sources)
        described.append(what)
    what = " and ".join(described) if described else "located records"
    figure = map_figure(outlines, points, grid, ctx.config.suppression_threshold, what)
    notes = []
    if not providers:
        notes.append("No source of located records is installed: the map shows the extent only.")
    missing = [c for c in ctx.area_codes if c not in outlines]
    if missing:
        notes.append(f"No postcodes found for {', '.join(missing)}: no extent drawn for it.")
    out_source = {o.source for o in outlines.values()}
    return SectionResult(
        figures=figure,
        sources=[*(Source(s, "reference") for s in sorted(out_source)), *sources],
        metrics={"map.located": len(points)},
        notes=notes,
    )


@public_view(
    "area",
    description="The local authorities this profile covers and the partners working there.",
)
def area_public(figures: dict, threshold: int) -> dict:
    return {
        "local_authorities": figures["local_authorities"],
        "partners_working_here": figures["partners_working_here"],
    }


@public_view(
    "map",
    description="Where the records behind this profile lie, counted per grid square. Small "
    "numbers are not shown, and the total is given as a range wherever an exact total would "
    "let anyone work them out.",
)
def map_public(figures: dict, threshold: int) -> dict:
    return public_map_figure(figures, threshold)
