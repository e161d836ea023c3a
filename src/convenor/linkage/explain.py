"""A pair's comparison vector in words.

link_records gives each pair its comparison vector: per compared field, the level Splink scored
(gamma: its comparison vector value, -1 when a value is missing on one side) and that level's match
weight for the pair. This module turns it into what a page says, field by field and column by
column: "Surname: exact match (strong evidence for)", "Address: address lines differ". The words
come from the levels the model defines (model.Level), never from comparing the values again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from . import model

MISSING = "missing"  # a column's standing when a value is not recorded on one side
NOT_RECORDED = "not recorded in one record"
AGREEING = frozenset({model.SAME, model.CLOSE})  # standings that count as the values agreeing
# A Bayes factor of 10 (a weight of log2(10)) or more either way is strong evidence.
STRONG_WEIGHT = math.log2(10)


@dataclass(frozen=True)
class Part:
    """How one column's two values stood when the model compared them."""

    column: str
    standing: str  # model.SAME, model.CLOSE, model.DIFFERENT or MISSING
    words: str


@dataclass(frozen=True)
class FieldExplanation:
    """One comparison of the pair: the level scored, in words, with its evidence."""

    field: str
    gamma: int
    level: str  # the level's label ("" for the null level)
    words: str
    match_weight: float
    parts: tuple[Part, ...]  # the columns this comparison read

    @property
    def evidence(self) -> str:
        return evidence_words(self.match_weight)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(part.column for part in self.parts)

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "gamma": self.gamma,
            "level": self.level,
            "words": self.words,
            "match_weight": self.match_weight,
            "evidence": self.evidence,
            "columns": {
                part.column: {"standing": part.standing, "words": part.words} for part in self.parts
            },
        }


def evidence_words(weight: float) -> str:
    """The direction and strength of a match weight (log2 of the Bayes factor)."""
    if weight >= STRONG_WEIGHT:
        return "strong evidence for"
    if weight > 0:
        return "evidence for"
    if weight == 0:
        return "no evidence"
    if weight > -STRONG_WEIGHT:
        return "evidence against"
    return "strong evidence against"


@cache
def _definitions() -> dict[str, tuple[model.Field, ...]]:
    """Every field the model can compare, by name (an address is compared one of two ways)."""
    found: dict[str, list[model.Field]] = {}
    for field in model.all_fields():
        found.setdefault(field.name, []).append(field)
    return {name: tuple(fields) for name, fields in found.items()}


def field_definition(name: str, labels: Iterable[str] = ()) -> model.Field | None:
    """The field of this name whose levels carry these labels (the first one, without labels)."""
    candidates = _definitions().get(name, ())
    wanted = set(labels)
    for field in candidates:
        if wanted & {level.label for level in field.levels}:
            return field
    return candidates[0] if candidates else None


def level_words(label: str) -> str:
    return "exact match" if label == "exact" else label


def explain_field(
    name: str, gamma: int, weight: float, labels: Mapping[int, str] | None = None
) -> FieldExplanation | None:
    """One comparison in words. labels: the run's level labels by gamma (model_summary), so a
    vector stored before the model's levels changed keeps the words it was scored with; None: the
    model's own levels. None when the model has no such field."""
    field = field_definition(name, (labels or {}).values())
    if field is None:
        return None
    by_gamma = {len(field.levels) - 1 - i: level for i, level in enumerate(field.levels)}
    if gamma < 0:
        parts = tuple(Part(column, MISSING, NOT_RECORDED) for column in field.columns)
        return FieldExplanation(name, gamma, "", NOT_RECORDED, 0.0, parts)
    label = (labels or {}).get(gamma) or (by_gamma[gamma].label if gamma in by_gamma else "")
    level = next((lv for lv in field.levels if lv.label == label), None)
    if level is not None and level.parts:
        parts = tuple(Part(column, standing, words) for column, standing, words in level.parts)
    else:
        standing = level.standing if level is not None else model.CLOSE
        parts = tuple(Part(column, standing, level_words(label)) for column in field.columns)
    return FieldExplanation(name, gamma, label, level_words(label), float(weight), parts)


def labels_by_field(model_summary: Mapping | None) -> dict[str, dict[int, str]]:
    """The level labels by gamma of each field in a run's model summary (LinkageResult)."""
    return {
        entry["field"]: {row["gamma"]: row["label"] for row in entry.get("levels", [])}
        for entry in (model_summary or {}).get("fields", [])
    }


def explain(
    vector: Mapping[str, Iterable], model_summary: Mapping | None = None
) -> list[FieldExplanation]:
    """A pair's comparison vector ({field: [gamma, weight]}) in words, in the vector's order."""
    labels = labels_by_field(model_summary)
    explained = []
    for name, (gamma, weight) in vector.items():
        field = explain_field(name, int(gamma), float(weight), labels.get(name))
        if field is not None:
            explained.append(field)
    return explained


def level_weight(name: str, gamma: int, model_summary: Mapping | None = None) -> float:
    """A level's match weight in the run's model (model_summary), else the model's prior."""
    if gamma < 0:
        return 0.0
    for entry in (model_summary or {}).get("fields", []):
        if entry["field"] == name:
            for row in entry.get("levels", []):
                if row["gamma"] == gamma and row.get("match_weight") is not None:
                    return float(row["match_weight"])
    labels = labels_by_field(model_summary).get(name, {})
    field = field_definition(name, labels.values())
    if field is None or not 0 <= gamma < len(field.levels):
        return 0.0
    level = field.levels[len(field.levels) - 1 - gamma]
    return math.log2(level.m / level.u)


def compare_two(records, model_summary: Mapping | None = None) -> dict[str, list]:
    """The comparison vector of two records (a DataFrame of two rows, as link_records takes),
    scored through the model's own Splink comparisons: for a pair stored without its vector. The
    fields are those of the run (model_summary), else those both records' columns allow; each
    level's weight is the run's (term frequency adjustments are not recomputed), else the prior.
    """
    from splink import Linker, SettingsCreator

    from .pipeline import COMPARED_COLUMNS, LinkageSettings, _duckdb_api, _register, prepare_records

    frame = prepare_records(records)
    labels = labels_by_field(model_summary)
    if labels:
        found = (field_definition(name, names.values()) for name, names in labels.items())
        fields = [field for field in found if field is not None]
    else:
        fields = model.fields_for(
            {column for column in COMPARED_COLUMNS if frame[column].notna().any()}
        )
    if len(frame) != 2 or not fields:
        return {}
    api, close = _duckdb_api(LinkageSettings())
    try:
        settings = SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="record_id",
            comparisons=[field.comparison() for field in fields],
            blocking_rules_to_generate_predictions=["1 = 1"],
            retain_matching_columns=True,
        )
        linker = Linker(_register(api, frame, "duckdb"), settings, log_level=None)
        scored = linker.inference.predict().as_pandas_dataframe()
    finally:
        close()
    if scored.empty:
        return {}
    row = scored.iloc[0]
    vector = {}
    for field in fields:
        gamma = int(row[f"gamma_{field.name}"])
        vector[field.name] = [gamma, round(level_weight(field.name, gamma, model_summary), 4)]
    return vector


def agreeing_columns(model_summary: Mapping | None = None):
    """A function giving a vector's columns found the same or close (in the vector's order), for
    many pairs of one run: each field and level is put in words once."""
    labels = labels_by_field(model_summary)
    known: dict[tuple[str, int], tuple[str, ...]] = {}

    def agreeing(vector: Mapping[str, Iterable]) -> list[str]:
        columns: list[str] = []
        for name, (gamma, _) in vector.items():
            key = (name, int(gamma))
            if key not in known:
                field = explain_field(name, key[1], 0.0, labels.get(name))
                parts = field.parts if field is not None else ()
                known[key] = tuple(p.column for p in parts if p.standing in AGREEING)
            columns.extend(known[key])
        return columns

    return agreeing
