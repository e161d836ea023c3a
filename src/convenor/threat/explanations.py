"""Why the model linked a pair: the comparison levels it scored (Splink's comparison vector,
stored on the pair by the run) in words, field by field. A link stored before runs kept the vector
is scored again, for its two records alone, through the same Splink comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from convenor.linkage import explain as words

from .models import MatchPair

COMPARED_FIELDS = [
    ("First name", "first_name"),
    ("Surname", "surname"),
    ("Date of birth", "date_of_birth"),
    ("Address", "address"),
    ("Postcode", "postcode"),
    ("Phone", "phone"),
    ("Email", "email"),
    ("Vehicle registration", "vehicle_registration"),
    ("Company name", "company_name"),
    ("Company number", "company_number"),
    ("Licence number", "licence_number"),
    ("Role", "role"),
]
LABELS = dict((name, label) for label, name in COMPARED_FIELDS)
# The tag a page shows for how a column's two values stood.
STANDING_TAGS = {
    "same": ("Same", "govuk-tag--green"),
    "close": ("Close", "govuk-tag--blue"),
    "different": ("Different", "govuk-tag--red"),
    words.MISSING: ("Not recorded", "govuk-tag--grey"),
}


@dataclass(frozen=True)
class Compared:
    """How the model compared one column of the pair."""

    standing: str
    words: str
    comparison: words.FieldExplanation

    @property
    def tag(self) -> str:
        return STANDING_TAGS[self.standing][0]

    @property
    def tag_class(self) -> str:
        return STANDING_TAGS[self.standing][1]

    @property
    def agrees(self) -> bool:
        return self.standing in ("same", "close")

    @property
    def scored_with(self) -> str:
        """The other columns scored in the same comparison ("" when none)."""
        others = [LABELS.get(c, c).lower() for c in self.comparison.columns]
        return " and ".join(others) if len(others) > 1 else ""


def pair_vector(pair: MatchPair) -> dict[str, list]:
    """The pair's stored comparison vector, or (a link stored without one) its two records scored
    again through the model's comparisons, with the run's level weights."""
    if pair.comparison_vector:
        return pair.comparison_vector
    from convenor.linkage.explain import compare_two

    from .services.linkage import records_frame

    frame = records_frame([pair.record_a, pair.record_b])
    return compare_two(frame, pair.run.model_summary)


def explanation(pair: MatchPair, *, compute: bool = True) -> list[words.FieldExplanation] | None:
    """The pair's comparisons in words; None for a link stored without its vector when not
    computing it (a list of links does not score each again)."""
    if not pair.comparison_vector and not compute:
        return None
    return words.explain(pair_vector(pair), pair.run.model_summary)


def side_by_side(pair: MatchPair) -> list[dict[str, Any]]:
    """The pair's two records field by field (fields either has), each with how the model
    compared it: the level it scored, in words, and that comparison's evidence."""
    by_column: dict[str, Compared] = {}
    for comparison in explanation(pair) or []:
        for part in comparison.parts:
            by_column[part.column] = Compared(part.standing, part.words, comparison)
    rows = []
    for label, name in COMPARED_FIELDS:
        a, b = getattr(pair.record_a, name) or "", getattr(pair.record_b, name) or ""
        if not (a or b):
            continue
        compared = by_column.get(name)
        if compared is not None and not (a and b):
            # Part of a comparison of several columns, this one missing on a side.
            compared = Compared(words.MISSING, words.NOT_RECORDED, compared.comparison)
        rows.append({"label": label, "a": a, "b": b, "compared": compared})
    return rows
