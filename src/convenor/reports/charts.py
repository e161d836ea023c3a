"""Charts as inline SVG, drawn in Python: no JavaScript, no network, the same markup on a page
and in a PDF.

Each chart is a ``<figure>`` holding an SVG (``role="img"`` with ``<title>`` and ``<desc>`` that
``aria-labelledby`` names) and, beside it, a GOV.UK table of the same numbers, so that nobody has
to read values off bars and colour is never the only carrier of meaning. Colours are SVG
presentation attributes, never ``style=`` (the content security policy forbids inline styles).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from numbers import Real

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Frontend colours with at least 3:1 contrast against white (WCAG 2.2 non-text contrast).
PALETTE = (
    "#1d70b8",  # blue
    "#00703c",  # green
    "#d4351c",  # red
    "#4c2c92",  # purple
    "#f47738",  # orange
    "#505a5f",  # dark grey
    "#28a197",  # turquoise
    "#d53880",  # pink
)

_ids = itertools.count(1)

LABEL_WIDTH = 220
BAR_HEIGHT = 22
BAR_GAP = 10
TOP = 12
CHAR_WIDTH = 7.2  # average width of a 13px system-font character, for truncating labels


# Characters XML 1.0 does not allow (SVG is XML): control characters, surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{where}: the value must be a number, not {value!r}")
    if value < 0:
        raise ValueError(f"{where}: bars cannot be negative ({value})")
    return float(value)


def _format(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _clip(label: str, room: float) -> str:
    most = max(4, int(room / CHAR_WIDTH))
    return label if len(label) <= most else label[: most - 1] + "…"


def _figure(
    svg: str, title: str, table_head: Sequence[str], table_rows: list[list[str]], table: bool
) -> SafeString:
    title = _clean(title)
    parts = [f'<figure class="convenor-chart">{svg}']
    if table:
        head = "".join(
            f'<th scope="col" class="govuk-table__header'
            f'{" govuk-table__header--numeric" if i else ""}">{escape(h)}</th>'
            for i, h in enumerate(table_head)
        )
        body = "".join(
            '<tr class="govuk-table__row">'
            + f'<th scope="row" class="govuk-table__header">{escape(row[0])}</th>'
            + "".join(
                f'<td class="govuk-table__cell govuk-table__cell--numeric">{escape(c)}</td>'
                for c in row[1:]
            )
            + "</tr>"
            for row in table_rows
        )
        parts.append(
            f'<table class="govuk-table convenor-chart__table">'
            f'<caption class="govuk-table__caption govuk-table__caption--s">{escape(title)}: '
            f"the figures</caption>"
            f'<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
            f'<tbody class="govuk-table__body">{body}</tbody></table>'
        )
    parts.append("</figure>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 (all text above is escaped)


def _open_svg(width: int, height: int, title: str, description: str) -> tuple[str, str]:
    title, description = _clean(title), _clean(description)
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="convenor-chart__svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="13">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    return head, "</svg>"


def _axis(top: float, height: int) -> str:
    """The line at the bars' left edge, from just above the first bar to just below the last."""
    return (
        f'<line x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{height - TOP + 4}" '
        f'stroke="#0b0c0c"/>'
    )


def bar_chart_svg(
    title: str,
    data: Sequence[tuple[str, float]],
    *,
    description: str | None = None,
    value_label: str = "Number",
    category_label: str = "",
    width: int = 640,
    colour: str = PALETTE[0],
    table: bool = True,
) -> SafeString:
    """A horizontal bar chart of ``[(label, value), ...]`` and a table of the same figures.

    Returns markup safe to embed in a page or a PDF. Labels are escaped; values must be numbers
    of zero or more (``TypeError``/``ValueError`` otherwise)."""
    rows = [(_clean(label), _number(value, f"{label!r}")) for label, value in data]
    if description is None:
        description = (
            "; ".join(f"{label}: {_format(value)}" for label, value in rows)
            if rows
            else "No figures to show."
        )
    largest = max((v for _, v in rows), default=0.0)
    plot = width - LABEL_WIDTH - 60
    height = TOP * 2 + max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP)
    head, tail = _open_svg(width, height, title, description)
    body = []
    if not rows:
        body.append(f'<text x="0" y="{TOP + 16}" fill="#0b0c0c">No figures to show.</text>')
    for i, (label, value) in enumerate(rows):
        y = TOP + i * (BAR_HEIGHT + BAR_GAP)
        length = 0 if largest == 0 else plot * value / largest
        body.append(
            f"<g><title>{escape(label)}: {escape(_format(value))}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" fill="#0b0c0c">'
            f"{escape(_clip(label, LABEL_WIDTH - 12))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}" fill="#0b0c0c">'
            f"{escape(_format(value))}</text></g>"
        )
    svg = head + "".join(body) + _axis(TOP, height) + tail
    return _figure(
        svg,
        title,
        [category_label or "Category", value_label],
        [[label, _format(value)] for label, value in rows],
        table,
    )


def stacked_bar_chart_svg(
    title: str,
    data: Sequence[tuple[str, Mapping[str, float]]],
    *,
    series: Sequence[str] | None = None,
    description: str | None = None,
    category_label: str = "",
    width: int = 640,
    colours: Sequence[str] = PALETTE,
    table: bool = True,
) -> SafeString:
    """A horizontal stacked bar chart: one bar per ``label``, split by series.

    ``data`` is ``[(label, {series: value, ...}), ...]``; ``series`` fixes the order (and lets a
    series with no values still appear in the legend); otherwise series appear in first-seen
    order. A legend is drawn and the table beside it has one column per series and a total."""
    order: list[str] = [_clean(s) for s in series] if series is not None else []
    rows: list[tuple[str, dict[str, float]]] = []
    for label, parts in data:
        values = {}
        for name, value in parts.items():
            name = _clean(name)
            if name not in order:
                if series is not None:
                    raise ValueError(f"{label!r}: {name!r} is not one of the series {order}")
                order.append(name)
            values[name] = _number(value, f"{label!r}, {name!r}")
        rows.append((_clean(label), values))
    colour_of = {name: colours[i % len(colours)] for i, name in enumerate(order)}
    totals = [sum(values.values()) for _, values in rows]
    if description is None:
        description = (
            "; ".join(
                f"{label}: "
                + ", ".join(f"{name} {_format(values.get(name, 0))}" for name in order)
                + f" (total {_format(total)})"
                for (label, values), total in zip(rows, totals, strict=True)
            )
            if rows
            else "No figures to show."
        )
    largest = max(totals, default=0.0)
    plot = width - LABEL_WIDTH - 60
    legend_rows = (len(order) + 2) // 3
    legend_height = legend_rows * 20 + 8
    height = TOP * 2 + legend_height + max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP)
    head, tail = _open_svg(width, height, title, description)
    body = []
    for i, name in enumerate(order):
        lx = (i % 3) * (width // 3)
        ly = TOP + (i // 3) * 20
        body.append(
            f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{escape(colour_of[name])}"/>'
            f'<text x="{lx + 20}" y="{ly + 12}" fill="#0b0c0c">'
            f"{escape(_clip(name, width / 3 - 26))}</text>"
        )
    top = TOP + legend_height
    if not rows:
        body.append(f'<text x="0" y="{top + 16}" fill="#0b0c0c">No figures to show.</text>')
    for i, ((label, values), total) in enumerate(zip(rows, totals, strict=True)):
        y = top + i * (BAR_HEIGHT + BAR_GAP)
        x = float(LABEL_WIDTH)
        segments = []
        for name in order:
            value = values.get(name, 0.0)
            if not value:
                continue
            length = plot * value / largest
            segments.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{escape(colour_of[name])}" stroke="#ffffff">'
                f"<title>{escape(label)}, {escape(name)}: {escape(_format(value))}</title></rect>"
            )
            x += length
        body.append(
            f'<g><text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" fill="#0b0c0c">'
            f"{escape(_clip(label, LABEL_WIDTH - 12))}</text>"
            + "".join(segments)
            + f'<text x="{x + 6:.1f}" y="{y + 16}" fill="#0b0c0c">{escape(_format(total))}</text>'
            "</g>"
        )
    svg = head + "".join(body) + _axis(top, height) + tail
    return _figure(
        svg,
        title,
        [category_label or "Category", *order, "Total"],
        [
            [label, *(_format(values.get(name, 0)) for name in order), _format(total)]
            for (label, values), total in zip(rows, totals, strict=True)
        ],
        table,
    )
