"""How a search query matches a stored value, in plain Python (no Django): the query read with
the linkage normalisers, then each candidate scored as an exact, a normalised (nickname, sound)
or a fuzzy (typing slip) match.

``parse(text)`` gives a :class:`Query`; ``match(query, names, identifiers)`` scores one
candidate: ``names`` are free-text values compared word by word (a person's names, a business,
a group, an address), ``identifiers`` are values compared whole once normalised (postcode,
phone number, vehicle registration, company number, e-mail, licence, reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import jellyfish

from convenor.linkage.normalise import (
    name_variants,
    normalise_company_number,
    normalise_email,
    normalise_licence_number,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
    sound_of,
)

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# How alike two words must be to count as one mistyped (Jaro-Winkler similarity).
FUZZY_SIMILARITY = 0.85


class Level(IntEnum):
    """How well a candidate matches: the higher, the better."""

    FUZZY = 1
    NORMALISED = 2
    EXACT = 3


LEVEL_WORDS = {
    Level.EXACT: "exact",
    Level.NORMALISED: "same name or sound",
    Level.FUZZY: "close",
}


@dataclass(frozen=True)
class Query:
    """A query as the normalisers read it. ``words``: the normalised words of a name;
    ``identifiers``: the query as each kind of identifier it could be (postcode, phone...)."""

    text: str
    words: tuple[str, ...]
    identifiers: frozenset[str] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not self.words and not self.identifiers

    def variants(self, word: str) -> list[str]:
        """The word and the full names it may be a nickname of ("bill" -> "william"...)."""
        return name_variants(word) or [word]


def parse(text: str) -> Query:
    """The query as words of a name and as identifiers. Callers bound the length first."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    words = tuple(dict.fromkeys((normalise_name(text) or "").split()))[:MAX_WORDS]
    identifiers = {
        value
        for value in (
            normalise_postcode(text),
            normalise_phone(text),
            normalise_email(text),
            normalise_company_number(text) if any(c.isdigit() for c in text) else None,
            _registration(text),
            normalise_licence_number(text) if any(c.isdigit() for c in text) else None,
        )
        if value
    }
    return Query(text=text, words=words, identifiers=frozenset(identifiers))


def _registration(text: str) -> str | None:
    """A vehicle registration only when the query mixes letters and digits (a name alone is
    not one)."""
    value = normalise_vehicle_registration(text)
    if value and any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
        return value
    return None


def identifier_forms(value: str) -> set[str]:
    """A stored identifier in every normal form it may be compared in."""
    forms = {
        normalise_postcode(value),
        normalise_phone(value),
        normalise_email(value),
        normalise_vehicle_registration(value),
        normalise_licence_number(value),
        normalise_company_number(value),
    }
    return {f for f in forms if f}


def _word_level(word: str, candidates: list[str]) -> tuple[Level | None, float]:
    """How well one query word matches the best of a candidate's words, and how alike they
    are (0 to 1), to order matches of one level."""
    best: tuple[Level | None, float] = (None, 0.0)
    variants = set(name_variants(word) or [word])
    for candidate in candidates:
        similarity = jellyfish.jaro_winkler_similarity(word, candidate)
        if word == candidate:
            level = Level.EXACT
        elif variants & set(name_variants(candidate) or [candidate]) or (
            len(word) > 2 and sound_of(word) == sound_of(candidate)
        ):
            level = Level.NORMALISED
        elif len(word) > 2 and (
            similarity >= FUZZY_SIMILARITY
            or candidate.startswith(word)
            or jellyfish.damerau_levenshtein_distance(word, candidate) <= 1
        ):
            level = Level.FUZZY
        else:
            continue
        if (level, similarity) > (best[0] or 0, best[1]):
            best = (level, similarity)
    return best


@dataclass(frozen=True)
class Match:
    level: Level
    score: float
    field: str  # what matched: "name" or "identifier"

    @property
    def words(self) -> str:
        return LEVEL_WORDS[self.level]


def match(query: Query, names: list[str], identifiers: list[str]) -> Match | None:
    """How ``query`` matches a candidate, or None. An identifier equal to one the query could be
    is exact; otherwise every word of the query must match a word of the names."""
    stored = set()
    for value in identifiers:
        if value:
            stored |= identifier_forms(value)
    if query.identifiers & stored:
        return Match(Level.EXACT, 1.0, "identifier")
    if not query.words:
        return None
    candidate_words: list[str] = []
    for name in names:
        candidate_words.extend((normalise_name(name) or "").split())
    if not candidate_words:
        return None
    levels, total = [], 0.0
    for word in query.words:
        level, similarity = _word_level(word, candidate_words)
        if level is None:
            return None
        levels.append(level)
        total += similarity
    return Match(min(levels), total / len(query.words), "name")
