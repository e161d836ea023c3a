"""A profile is built from sections. Each section is a function of the build context (the area
codes, the period, the user building it, the partnership) that returns its figures, the sources
they came from (with their dates) and the metrics the response-level rules and the version
comparison read.

A section that needs another Convenor app names it in ``needs``; while that app is not installed
the section is listed on the profile as not available, never faked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Source:
    """Where a figure came from: a partner dataset, reference data or a Convenor register."""

    name: str
    kind: str  # "dataset", "reference", "register" or "agreement" (never shown publicly)
    as_of: str = ""  # ISO 8601 date the data is current to ("" when not known)
    owner: str = ""  # the organisation that holds it

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SectionResult:
    figures: dict[str, Any]
    sources: list[Source] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class BuildContext:
    area_codes: list[str]
    period: Any  # periods.Period
    user: Any
    partnership: Any
    config: Any  # config.ProfileConfig
    results: dict[str, SectionResult] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # shared reads between sections

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    build: Callable[[BuildContext], SectionResult]
    needs: tuple[str, ...] = ()
    description: str = ""

    @property
    def available(self) -> bool:
        return all(apps.is_installed(app) for app in self.needs)


_SECTIONS: dict[str, Section] = {}


def section(key: str, title: str, order: int, needs: tuple[str, ...] = (), description: str = ""):
    """Register a section builder: ``@section("groups", "Organised crime groups", 20, ...)``."""

    def register(fn: Callable[[BuildContext], SectionResult]):
        _SECTIONS[key] = Section(key, title, order, fn, needs, description)
        return fn

    return register


_PUBLIC: dict[str, tuple[Callable[[dict, int], dict | None], str]] = {}


def public_view(key: str, description: str = ""):
    """Register how a section appears in the sanitised public summary:
    ``fn(figures, threshold) -> figures`` with no personal data and small numbers protected
    (:mod:`convenor.profiles.disclosure`), and the plain-language ``description`` the public
    reads in place of the analysts' one. A section with no public view is left out of the
    public summary."""

    def register(fn: Callable[[dict, int], dict | None]):
        _PUBLIC[key] = (fn, description)
        return fn

    return register


def public_view_of(key: str) -> Callable[[dict, int], dict | None] | None:
    view = _PUBLIC.get(key)
    return view[0] if view else None


def public_description_of(key: str) -> str:
    view = _PUBLIC.get(key)
    return view[1] if view else ""


def all_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


def available_sections() -> list[Section]:
    return [s for s in all_sections() if s.available]


def missing_sections() -> list[Section]:
    return [s for s in all_sections() if not s.available]
