"""`{% scrolling_tables %}`: base.html wraps the page's content in it so that every table scrolls
inside its own focusable, labelled region at narrow widths, with no edit to any app's template."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

TABLE_TAG = re.compile(r"<table\b|</table\s*>", re.IGNORECASE)
CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption\s*>", re.IGNORECASE | re.DOTALL)
HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th\s*>", re.IGNORECASE | re.DOTALL)


def _label(table: str) -> str:
    """The table's caption, or else its column headings, as the scrolling region's name."""
    caption = CAPTION.search(table)
    if caption and strip_tags(caption.group(1)).strip():
        return " ".join(strip_tags(caption.group(1)).split())
    headings = [" ".join(strip_tags(h).split()) for h in HEADER_CELL.findall(table)[:4]]
    return "Table: " + ", ".join(h for h in headings if h) if any(headings) else "Table"


def wrap_tables(html: str) -> str:
    """Wrap each outermost <table> in a scrolling region; nested tables are left as they are."""
    pieces, depth, start, cursor = [], 0, 0, 0
    for match in TABLE_TAG.finditer(html):
        if match.group(0)[1] != "/":
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                table = html[start : match.end()]
                pieces.append(html[cursor:start])
                pieces.append(
                    f'<div class="convenor-table-scroll" role="region" tabindex="0" '
                    f'aria-label="{escape(_label(table))}">{table}</div>'
                )
                cursor = match.end()
    pieces.append(html[cursor:])
    return "".join(pieces)


class ScrollingTablesNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        # The content was escaped as it rendered; the wrapper adds only an escaped label.
        return mark_safe(wrap_tables(self.nodelist.render(context)))  # noqa: S308  # nosec B308 B703


@register.tag
def scrolling_tables(parser, token):
    nodelist = parser.parse(("endscrolling_tables",))
    parser.delete_first_token()
    return ScrollingTablesNode(nodelist)


@register.simple_tag
def table_head(*headings: str, numeric: str = "", hidden: str = "") -> str:
    """A GOV.UK table's column headings, ``<thead>`` and all, written once:
    ``{% table_head "Group" "Band" "Score" numeric="Score" %}``. ``numeric`` and ``hidden`` name
    headings (separated by ``|``) that are right-aligned, or read only by screen readers."""
    right, unseen = set(numeric.split("|")) - {""}, set(hidden.split("|")) - {""}
    cells = []
    for heading in headings:
        css = "govuk-table__header" + (" govuk-table__header--numeric" if heading in right else "")
        text = escape(heading)
        if heading in unseen:
            text = f'<span class="govuk-visually-hidden">{text}</span>'
        cells.append(f'<th scope="col" class="{css}">{text}</th>')
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>',
        mark_safe("".join(cells)),  # noqa: S308  # nosec B308 B703 (each heading escaped above)
    )
