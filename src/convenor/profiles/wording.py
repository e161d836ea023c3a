"""The words generated text is made of, in one place: counts with the right plural ("1 record",
"14 records", never "record(s)"), reason templates that choose their words by the value, and the
reader's label for every figure (a reader never sees an internal name like
``intelligence.change_percent``)."""

from __future__ import annotations

import re

_CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")

_METRIC_LABELS: dict[str, str] = {}


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """``plural(14, "record")`` is "14 records"; ``plural(1, "person", "people")`` "1 person"."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{_number(count)} {word}"


def choose(count: int | float, singular: str, plural_form: str) -> str:
    """The word alone: ``choose(n, "operates", "operate")``."""
    return singular if count == 1 else plural_form


def fill(template: str, value: int | float) -> str:
    """A configured reason with its value: ``{value}`` is the number and ``{one|many}`` the
    word for it, e.g. ``"{value} organised crime {group|groups} {operates|operate} here"``."""
    text = _CHOICE.sub(lambda m: m.group(1) if value == 1 else m.group(2), template)
    return text.replace("{value}", _number(value))


def unbalanced_braces(template: str) -> bool:
    """True when a template has a brace that is neither ``{value}`` nor a ``{one|many}``."""
    rest = _CHOICE.sub("", template).replace("{value}", "")
    return "{" in rest or "}" in rest


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def label_metrics(labels: dict[str, str]) -> None:
    """Register the reader's label of each metric a section produces (at import)."""
    _METRIC_LABELS.update(labels)


def metric_label(key: str) -> str:
    """What the reader sees for a metric: its registered label, else words made from its key
    (never the dotted key itself)."""
    if key in _METRIC_LABELS:
        return _METRIC_LABELS[key]
    section, _, name = key.partition(".")
    words = f"{section.replace('_', ' ')}: {name.replace('_', ' ')}" if name else section
    return words.replace("_", " ").capitalize()
