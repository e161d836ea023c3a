"""The board landscape (seed 004: streamline groups and boards, align them with national
priorities): who sits on which board, where boards overlap in areas, remit and membership, and
which national priorities no board covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from convenor.core import access
from convenor.core.models import Area, Partnership, User

from . import reference
from .models import Board, BoardMember, current_seat

# Two boards are suggested for merging only when they sit at the same tier, cover mostly the same
# ground (shared local authorities over all the local authorities either covers, the Jaccard
# index, at least this) and serve a priority or threat area in common (ADR 0043).
MERGE_AREA_OVERLAP = 0.5

# The tier of each kind of board: only boards of one tier are ever suggested for merging (never a
# local board with a regional group, nor a scrutiny committee with the boards it scrutinises, nor
# an annual summit with a standing board).
TIERS = {
    Board.Kind.LPCB: "local partnership",
    Board.Kind.CSP: "local partnership",
    Board.Kind.CDP: "local partnership",
    Board.Kind.SOC_BOARD: "local partnership",
    Board.Kind.LCJB: "local partnership",
    Board.Kind.SCRUTINY: "scrutiny",
    Board.Kind.REGIONAL_GOVERNANCE: "regional governance",
    Board.Kind.SUMMIT: "summit",
}


def local_authorities(area: Area) -> frozenset[str]:
    """The lower-tier local authority codes an area covers (itself for a lower tier)."""
    if area.kind == Area.Kind.LOWER_TIER:
        return frozenset({area.code})
    if area.kind == Area.Kind.UPPER_TIER:
        return frozenset(area.children.values_list("code", flat=True)) or frozenset({area.code})
    if area.kind == Area.Kind.POLICE_FORCE:
        return frozenset(area.local_authorities.values_list("code", flat=True)) or frozenset(
            {area.code}
        )
    codes: set[str] = set()
    for force in area.children.all():
        codes |= local_authorities(force)
    return frozenset(codes) or frozenset({area.code})


def same_tier(first: Board, second: Board) -> bool:
    """Whether two boards sit at one tier (a board of another kind is of no tier)."""
    tier = TIERS.get(first.kind)
    return tier is not None and tier == TIERS.get(second.kind)


@dataclass
class Overlap:
    first: Board
    second: Board
    shared_areas: list[str]  # lower-tier local authority codes
    shared_priorities: list[str]
    shared_threat_areas: list[str]
    shared_people: list[User]
    shared_organisations: list[str]
    membership_share: float
    area_overlap: float = 0.0  # shared local authorities / all either covers (Jaccard)
    shared_area_names: list[str] = field(default_factory=list)  # the shared_areas' names

    @property
    def merge_candidate(self) -> bool:
        return bool(
            same_tier(self.first, self.second)
            and self.area_overlap >= MERGE_AREA_OVERLAP
            and (self.shared_priorities or self.shared_threat_areas)
        )


@dataclass
class Landscape:
    boards: list[Board]
    seats: dict[int, list[BoardMember]]  # person id -> seats
    people: list[User]
    overlaps: list[Overlap]
    coverage: list[tuple[reference.Term, list[Board]]]

    @property
    def uncovered(self) -> list[reference.Term]:
        return [term for term, boards in self.coverage if not boards]

    def people_on_several(self) -> list[tuple[User, list[BoardMember]]]:
        return [(p, self.seats[p.pk]) for p in self.people if len(self.seats[p.pk]) > 1]


def _name_areas(user: User, overlaps: list[Overlap]) -> None:
    """Each overlap's shared local authorities by name (one query for all; a code with no
    area on record stays a code)."""
    codes = set().union(*(o.shared_areas for o in overlaps))
    areas = access.visible(user, Area.objects.filter(code__in=codes))
    names = dict(areas.values_list("code", "name")) if codes else {}
    for overlap in overlaps:
        overlap.shared_area_names = sorted(names.get(code, code) for code in overlap.shared_areas)


def build_landscape(
    user: User, area: Area | None = None, partnership: Partnership | None = None
) -> Landscape:
    """The boards the user may see (of one partnership, if given; covering ``area``, if given)."""
    boards_qs = access.visible(user, Board.objects.all())
    if partnership is not None:
        boards_qs = boards_qs.filter(partnership=partnership)
    boards = list(boards_qs.prefetch_related("areas").order_by("name"))
    footprint = {
        b.pk: frozenset().union(*(local_authorities(a) for a in b.areas.all())) for b in boards
    }
    if area is not None:
        wanted = local_authorities(area)
        boards = [b for b in boards if footprint[b.pk] & wanted]
    members = list(
        access.visible(
            user,
            BoardMember.objects.filter(current_seat(), board__in=boards),
        ).select_related("person", "organisation", "board")
    )
    seats: dict[int, list[BoardMember]] = {}
    for member in members:
        seats.setdefault(member.person_id, []).append(member)
    people = sorted({m.person for m in members}, key=lambda p: (p.last_name, p.first_name))
    by_board: dict[int, list[BoardMember]] = {}
    for member in members:
        by_board.setdefault(member.board_id, []).append(member)
    overlaps = []
    for first, second in combinations(boards, 2):
        areas = sorted(footprint[first.pk] & footprint[second.pk])
        people_first = {m.person_id for m in by_board.get(first.pk, [])}
        people_second = {m.person_id for m in by_board.get(second.pk, [])}
        orgs_first = {m.organisation.name for m in by_board.get(first.pk, [])}
        orgs_second = {m.organisation.name for m in by_board.get(second.pk, [])}
        shared_orgs = sorted(orgs_first & orgs_second)
        smaller = min(len(orgs_first), len(orgs_second)) or 1
        priorities = [p for p in first.priorities if p in second.priorities]
        threats = [t for t in first.threat_areas if t in second.threat_areas]
        shared_people = [p for p in people if p.pk in people_first & people_second]
        either = footprint[first.pk] | footprint[second.pk]
        if areas or shared_people or shared_orgs:
            overlaps.append(
                Overlap(
                    first,
                    second,
                    areas,
                    reference.labels(reference.national_priorities(), priorities),
                    reference.labels(reference.threat_areas(), threats),
                    shared_people,
                    shared_orgs,
                    len(shared_orgs) / smaller,
                    len(areas) / len(either) if either else 0.0,
                )
            )
    _name_areas(user, overlaps)
    overlaps.sort(key=lambda o: (not o.merge_candidate, -o.area_overlap, o.first.name))
    coverage = [
        (term, [b for b in boards if term.code in b.priorities])
        for term in reference.national_priorities()
    ]
    return Landscape(boards, seats, people, overlaps, coverage)
