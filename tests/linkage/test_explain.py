"""A pair's comparison vector in words: every level of every field the model compares has its
words and its standing (same, close, different, not recorded), and what link_records stores is
the level Splink scored (gamma), the same as scoring the two records again."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from convenor.linkage import link_records, model
from convenor.linkage.explain import (
    compare_two,
    evidence_words,
    explain,
    explain_field,
    field_definition,
)

NOT_RECORDED = ("not recorded in one record", "missing")
DIFFERENT = ("different", "different")
EXACT = ("exact match", "same")


def close(words):
    return (words, "close")


# Per field (its name and the columns it reads) and level, from the most specific (highest gamma)
# down to the null level (-1): the words and the standing a page shows.
EXPECTED = {
    ("first_name", ("first_name",)): [
        EXACT,
        close("swapped with surname"),
        close("nickname (Bill and William)"),
        close("very similar (Jaro-Winkler >= 0.92)"),
        close("sounds alike"),
        close("similar (Jaro-Winkler >= 0.8)"),
        close("an initial of the other"),
        DIFFERENT,
        NOT_RECORDED,
    ],
    ("surname", ("surname",)): [
        EXACT,
        close("swapped with first name"),
        close("very similar (Jaro-Winkler >= 0.92)"),
        close("one name within the other"),
        close("sounds alike"),
        close("similar (Jaro-Winkler >= 0.8)"),
        DIFFERENT,
        NOT_RECORDED,
    ],
    ("date_of_birth", ("date_of_birth",)): [
        EXACT,
        close("day and month transposed"),
        close("year one out"),
        close("one digit different"),
        close("two digits different"),
        ("dates differ", "different"),
        NOT_RECORDED,
    ],
    ("postcode", ("postcode",)): [
        ("full postcode", "same"),
        close("same sector"),
        close("same district"),
        ("postcodes differ", "different"),
        NOT_RECORDED,
    ],
    ("phone", ("phone",)): [EXACT, close("one character different"), DIFFERENT, NOT_RECORDED],
    ("email", ("email",)): [EXACT, close("same name before the @"), DIFFERENT, NOT_RECORDED],
    ("vehicle_registration", ("vehicle_registration",)): [
        EXACT,
        close("one character different"),
        DIFFERENT,
        NOT_RECORDED,
    ],
    ("company_number", ("company_number",)): [EXACT, DIFFERENT, NOT_RECORDED],
    ("company_name", ("company_name",)): [
        EXACT,
        close("very similar (Jaro-Winkler >= 0.92)"),
        close("similar (Jaro-Winkler >= 0.8)"),
        DIFFERENT,
        NOT_RECORDED,
    ],
    ("licence_number", ("licence_number",)): [
        EXACT,
        close("one character different"),
        DIFFERENT,
        NOT_RECORDED,
    ],
    ("address", ("address",)): [
        EXACT,
        close("same number, words very similar"),
        close("very similar (Jaro-Winkler >= 0.9)"),
        close("same number, words similar"),
        close("four or more words and numbers shared"),
        close("three words and numbers shared"),
        close("similar (Jaro-Winkler >= 0.7)"),
        DIFFERENT,
        NOT_RECORDED,
    ],
}
# The postcode and the address line compared as one field: each column stands on its own.
POSTCODE_AND_ADDRESS = [
    (
        "same postcode and address line",
        ("same", "same postcode"),
        ("close", "same or very similar address line"),
    ),
    ("same postcode", ("same", "same postcode"), ("different", "address lines differ")),
    (
        "same address line, other postcode",
        ("different", "postcodes differ"),
        ("close", "same or very similar address"),
    ),
    (
        "same postcode sector",
        ("close", "same postcode sector"),
        ("different", "address lines differ"),
    ),
    (
        "same postcode district",
        ("close", "same postcode district"),
        ("different", "address lines differ"),
    ),
    ("addresses differ", ("different", "postcodes differ"), ("different", "address lines differ")),
    (
        "not recorded in one record",
        ("missing", "not recorded in one record"),
        ("missing", "not recorded in one record"),
    ),
]


def labels_of(field: model.Field) -> dict[int, str]:
    return {len(field.levels) - 1 - i: level.label for i, level in enumerate(field.levels)}


def test_every_field_and_level_the_model_compares_is_pinned():
    fields = {(field.name, field.columns) for field in model.all_fields()}
    assert fields == {*EXPECTED, ("address", ("postcode", "address"))}


@pytest.mark.parametrize(("name", "columns"), list(EXPECTED))
def test_each_level_of_a_single_column_field_in_words(name, columns):
    field = next(f for f in model.all_fields() if (f.name, f.columns) == (name, columns))
    got = []
    for gamma in range(len(field.levels) - 1, -2, -1):
        explained = explain_field(name, gamma, 1.5, labels_of(field))
        [part] = explained.parts
        assert part.column == columns[0] and part.words == explained.words
        got.append((explained.words, part.standing))
    assert got == EXPECTED[(name, columns)]


def test_each_level_of_postcode_and_address_in_words_column_by_column():
    field = field_definition("address", ["same postcode"])
    assert field.columns == ("postcode", "address")
    got = []
    for gamma in range(len(field.levels) - 1, -2, -1):
        explained = explain_field("address", gamma, 1.0, labels_of(field))
        parts = {part.column: (part.standing, part.words) for part in explained.parts}
        got.append((explained.words, parts["postcode"], parts["address"]))
    assert got == POSTCODE_AND_ADDRESS


def test_the_null_level_is_no_evidence_whatever_weight_is_given():
    explained = explain_field("surname", -1, 5.0)
    assert (explained.words, explained.match_weight, explained.evidence) == (
        "not recorded in one record",
        0.0,
        "no evidence",
    )


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        (8.7, "strong evidence for"),
        (math.log2(10), "strong evidence for"),
        (1.2, "evidence for"),
        (0.0, "no evidence"),
        (-0.3, "evidence against"),
        (-6.0, "strong evidence against"),
    ],
)
def test_evidence_words_follow_the_match_weight(weight, words):
    assert evidence_words(weight) == words


def test_a_run_s_own_labels_name_the_level_scored():
    # A vector keeps the words of the model it was scored with, by gamma.
    summary = {"fields": [{"field": "surname", "levels": [{"gamma": 0, "label": "different"}]}]}
    [explained] = explain({"surname": [0, -4.0]}, summary)
    assert (explained.words, explained.parts[0].standing, explained.evidence) == (
        "different",
        "different",
        "strong evidence against",
    )


# The demo's links: the address lines differ (the postcodes share a sector or district); and a pair
# with one surname, postcode and address line.
DEMO_RECORDS = pd.DataFrame(
    [
        {
            "record_id": "brennan-police",
            "source": "police",
            "first_name": "Kyle",
            "surname": "Brennan",
            "date_of_birth": "1990-07-03",
            "address": "14 Ribbleton Lane",
            "postcode": "PR1 1AB",
        },
        {
            "record_id": "brennan-companies",
            "source": "companies",
            "first_name": "Kyle",
            "surname": "Brennan",
            "date_of_birth": "1990-07-03",
            "address": "Unit 4, Tulketh Road",
            "postcode": "PR1 1JZ",
        },
        {
            "record_id": "whitlow-police",
            "source": "police",
            "first_name": "Daniel",
            "surname": "Whitlow",
            "date_of_birth": "1988-02-14",
            "address": "12 Fishergate",
            "postcode": "PR1 0BS",
        },
        {
            "record_id": "whitlow-taxi",
            "source": "taxi",
            "first_name": "Danny",
            "surname": "Whitlow",
            "date_of_birth": "1988-02-14",
            "address": "12 Fishergate",
            "postcode": "PR1 0BS",
        },
    ]
)


def columns_of(vector, summary):
    return {
        part.column: (part.standing, part.words)
        for field in explain(vector, summary)
        for part in field.parts
    }


def test_link_records_keeps_the_comparison_vector_splink_scored():
    result = link_records(DEMO_RECORDS)
    pairs = {
        frozenset((row.record_id_l, row.record_id_r)): row for row in result.pairs.itertuples()
    }
    brennan = pairs[frozenset(("brennan-police", "brennan-companies"))]
    assert list(brennan.comparison_vector) == ["first_name", "surname", "date_of_birth", "address"]
    columns = columns_of(brennan.comparison_vector, result.model_summary)
    assert columns["address"] == ("different", "address lines differ")
    assert columns["postcode"] == ("close", "same postcode sector")
    assert columns["surname"] == ("same", "exact match")
    # The weight stored is the one the pair's match weight sums (prior plus every field).
    prior = math.log2(
        result.model_summary["probability_two_random_records_match"]
        / (1 - result.model_summary["probability_two_random_records_match"])
    )
    total = prior + sum(weight for _, weight in brennan.comparison_vector.values())
    assert total == pytest.approx(brennan.match_weight, abs=1e-3)

    whitlow = pairs[frozenset(("whitlow-police", "whitlow-taxi"))]
    columns = columns_of(whitlow.comparison_vector, result.model_summary)
    assert columns["surname"] == ("same", "exact match")
    assert columns["postcode"] == ("same", "same postcode")
    assert columns["address"] == ("close", "same or very similar address line")
    assert columns["first_name"][0] == "close"

    # Scoring the two records again through the same comparisons finds the same levels.
    again = compare_two(
        DEMO_RECORDS[DEMO_RECORDS["record_id"].str.startswith("brennan")], result.model_summary
    )
    assert {k: v[0] for k, v in again.items()} == {
        k: v[0] for k, v in brennan.comparison_vector.items()
    }
