"""The 4Ps, national priorities and threat areas, read from ``reference/priorities.yaml``.

Boards and actions store the codes; labels come from here, so a partnership can reword them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REFERENCE = Path(__file__).parent / "reference" / "priorities.yaml"


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    description: str = ""


@cache
def _load() -> dict[str, list[Term]]:
    raw = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return {
        key: [
            Term(str(item["code"]), str(item["label"]), str(item.get("description", "")))
            for item in raw[key]
        ]
        for key in ("ps", "national_priorities", "threat_areas")
    }


def ps() -> list[Term]:
    return _load()["ps"]


def national_priorities() -> list[Term]:
    return _load()["national_priorities"]


def threat_areas() -> list[Term]:
    return _load()["threat_areas"]


def choices(terms: list[Term]) -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in terms]


def labels(terms: list[Term], codes: list[str]) -> list[str]:
    by_code = {t.code: t.label for t in terms}
    return [by_code.get(code, code) for code in codes]


def unknown(terms: list[Term], codes: object) -> list[str]:
    """The codes (as given) that are not in ``terms``; a non-list counts as all wrong."""
    if not isinstance(codes, list | tuple):
        return [repr(codes)]
    known = {t.code for t in terms}
    return [str(c) for c in codes if not isinstance(c, str) or c not in known]
