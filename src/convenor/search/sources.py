"""What search looks in: one :class:`Source` per kind of thing, each read only through
``access.visible`` (or a selector of its app built on it), pre-filtered in SQL and then scored
in Python (``matching.match``) on a bounded set of candidates.

A source's app may be left out of ``CONVENOR_APPS``; its source is then not offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from convenor.core.access import visible

from .matching import Match, Query

# At most this many rows of a kind are scored for one query (those matching a whole word of
# the query first), so a common name costs the same however many records hold it.
CANDIDATES = 300
PREFIX = 3  # a word's first letters, to find it mistyped further on


@dataclass(frozen=True)
class Hit:
    """One thing found: what it is, what to call it, where it is, why it matched."""

    kind: str
    label: str
    url: str
    detail: str
    match: Match
    obj: Any = None

    @property
    def order(self) -> tuple:
        return (-self.match.level, -self.match.score, self.label)


@dataclass(frozen=True)
class Source:
    kind: str  # the key in ?kinds=
    app: str  # the app that must be installed
    queryset: Callable[[Any], QuerySet]  # the user's visible rows, with what hits show
    names: tuple[str, ...]  # fields compared word by word
    identifiers: tuple[str, ...]  # fields compared whole, normalised
    hit: Callable[[Any, Match], Hit]

    @property
    def installed(self) -> bool:
        return django_apps.is_installed(self.app)

    def candidates(self, user: Any, query: Query) -> list:
        """The rows worth scoring: a word of the query (or a name it is a nickname of) in a name
        field, a name field starting as a word does, or an identifier equal to the query."""
        if not query.words and not self.identifiers:
            return []  # e.g. a phone number, and a source with names only
        whole, loose = Q(pk__in=[]), Q(pk__in=[])
        for word in query.words:
            for variant in query.variants(word)[:8]:
                for name in self.names:
                    whole |= Q(**{f"{name}__icontains": variant})
            if len(word) > PREFIX:
                for name in self.names:
                    loose |= Q(**{f"{name}__istartswith": word[:PREFIX]})
                    loose |= Q(**{f"{name}__icontains": f" {word[:PREFIX]}"})
        for name in self.identifiers:
            whole |= Q(**{f"{name}__iexact": query.text})
            if query.identifiers:
                whole |= Q(**{f"{name}__in": sorted(query.identifiers)})
        rows = (
            self.queryset(user)
            .filter(whole | loose)
            .annotate(
                _strength=Case(
                    When(whole, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("_strength", "pk")
        )
        return list(rows[:CANDIDATES])


# --- The sources -------------------------------------------------------------------------------


def _records(user):
    from convenor.threat.models import Record

    return visible(user, Record.objects.select_related("dataset", "entity"))


def _record_hit(record, match: Match) -> Hit:
    where = f"{record.dataset.title}, row {record.row_number}"
    if record.entity_id:
        return Hit(
            "entity", record.label, record.entity.get_absolute_url(), where, match, record.entity
        )
    return Hit("record", record.label, record.get_absolute_url(), where, match, record)


def _groups(user):
    from convenor.groups.models import OrganisedCrimeGroup

    return visible(user, OrganisedCrimeGroup.objects.select_related("owning_organisation"))


def _group_hit(group, match: Match) -> Hit:
    detail = f"{group.get_status_display()}, {group.owning_organisation.name}"
    return Hit("group", group.name, group.get_absolute_url(), detail, match, group)


def _members(user):
    from convenor.groups.models import GroupMember

    return visible(user, GroupMember.objects.select_related("group"))


def _member_hit(member, match: Match) -> Hit:
    detail = f"{member.get_role_display()} member of {member.group.name}"
    return Hit("member", member.name, member.group.get_absolute_url(), detail, match, member)


def _subjects(user):
    from convenor.intelligence.models import Subject
    from convenor.intelligence.selectors import readable_subjects

    return readable_subjects(user, Subject.objects.select_related("report"))


def _subject_hit(subject, match: Match) -> Hit:
    label = f"{subject.name} ({subject.identifier})" if subject.identifier else subject.name
    detail = f"{subject.get_kind_display()} in {subject.report}"
    return Hit("subject", label, subject.report.get_absolute_url(), detail, match, subject)


SOURCES: tuple[Source, ...] = (
    Source(
        "record",
        "convenor.threat",
        _records,
        ("first_name", "surname", "company_name", "address"),
        (
            "postcode",
            "phone",
            "email",
            "vehicle_registration",
            "company_number",
            "licence_number",
            "reference",
        ),
        _record_hit,
    ),
    Source("group", "convenor.groups", _groups, ("name",), (), _group_hit),
    Source("member", "convenor.groups", _members, ("name",), (), _member_hit),
    Source(
        "subject",
        "convenor.intelligence",
        _subjects,
        ("name",),
        ("identifier",),
        _subject_hit,
    ),
)

# The kinds of result (a record found within an entity is shown as the entity) and headings.
KINDS: dict[str, str] = {
    "entity": "People, businesses, vehicles and addresses",
    "record": "Records not yet linked to an entity",
    "group": "Organised crime groups",
    "member": "Group members",
    "subject": "Intelligence subjects",
}
# Which source answers each kind asked for in ?kinds= (entities are found by their records).
SOURCE_OF_KIND = {kind: "record" if kind == "entity" else kind for kind in KINDS}


def installed_sources() -> list[Source]:
    return [source for source in SOURCES if source.installed]
