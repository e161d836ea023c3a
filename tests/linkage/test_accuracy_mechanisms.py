"""The mechanisms behind issue 14's accuracy: wide blocking rules within a budget of pairs, address
words shared in any order, and u freed of the matching pairs among the random pairs."""

from __future__ import annotations

import math
import zlib

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from convenor.linkage import LinkageSettings, link_records, model
from convenor.linkage.normalise import address_tokens, normalise_address, token_bits
from convenor.linkage.pipeline import prepare_records
from convenor.linkage.training import U_FLOOR, u_without_matches


def _people(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"kind": "person", **row} for row in rows])


def test_a_pair_with_errors_in_three_keys_is_still_compared_and_linked():
    # First name, surname and house number all differ; only the birth date and the street agree.
    # No rule before the wide ones compared this pair (they need a name, or the house number).
    records = _people(
        [
            {
                "record_id": "a",
                "first_name": "maclennan",
                "surname": "jack",
                "date_of_birth": "1979-11-01",
                "address": "chuculba crescent goonellabah nsw 4017",
            },
            {
                "record_id": "b",
                "first_name": "jack",
                "surname": "juric",
                "date_of_birth": "1979-11-01",
                "address": "chuculba crescent goonellabah nsw 4017",
            },
        ]
    )
    result = link_records(records)
    assert len(result.pairs) == 1, "the pair was never compared"
    assert result.clusters["cluster_id"].nunique() == 1


def test_wide_rules_are_dropped_when_they_would_make_too_many_pairs():
    # Everyone called "john" at number 12 of some street: the first name + house number rule
    # makes n * (n - 1) / 2 pairs, far over the budget, so it is left out; the street start
    # differs per record, so the rules on it stay.
    count = 400
    frame = prepare_records(
        _people(
            [
                {
                    "record_id": str(index),
                    "first_name": "john",
                    "surname": f"surname{index}",
                    "date_of_birth": f"19{index % 90 + 10}-01-01",
                    "address": f"12 {chr(97 + index % 26)}{chr(97 + index // 26)}way road",
                }
                for index in range(count)
            ]
        )
    )
    present = {"first_name", "surname", "date_of_birth", "address"}
    kept = model.wide_rules_within_budget(frame, present)
    assert ("kind", "first_name", "address_number") not in kept
    assert ("kind", "surname", "address_start") in kept
    assert ("kind", "date_of_birth", "address_start") in kept
    # Records without an address get no address rules at all.
    assert model.wide_rules_within_budget(frame, {"first_name", "surname"}) == []


def test_address_tokens_are_the_words_and_numbers_without_the_flat():
    assert address_tokens(normalise_address("Flat 3, 75 Brooklyn WA 4171")) == [
        "4171",
        "75",
        "brooklyn",
        "wa",
    ]
    assert address_tokens(None) is None


@given(st.lists(st.text("abcdefgh", min_size=1, max_size=4), min_size=1, max_size=8, unique=True))
def test_a_set_shares_with_itself_one_bit_per_word_short_of_collisions(words):
    # The pre-test lets a pair through when its signatures share at least k - 1 bits: it can
    # only fail to when the shared words fall on two bits fewer than their number.
    bits = token_bits(sorted(words))
    collisions = len(words) - len({zlib.crc32(word.encode()) % 63 for word in words})
    assert bits.bit_count() == len(words) - collisions


def test_the_same_home_written_in_another_order_shares_its_words():
    records = _people(
        [
            {
                "record_id": "a",
                "first_name": "jake",
                "surname": "bradshaw",
                "date_of_birth": "1904-06-28",
                "address": "75 brooklyn wa 4171",
            },
            {
                "record_id": "b",
                "first_name": "jake",
                "surname": "bradshaw",
                "date_of_birth": "1921-07-31",
                "address": "75 scantlebury crescent brooklyn wa 4171",
            },
        ]
    )
    result = link_records(records, LinkageSettings(review_threshold=1e-9))
    assert result.pairs.iloc[0]["evidence"]["address"] == "four or more words and numbers shared"


def test_u_is_freed_of_the_matching_pairs_among_the_random_pairs():
    # 1 pair in 1,000 matches; a level that 90% of matches reach and observed u 0.0009: all of
    # that u was the matches, so the true u is about nothing (floored); a common level hardly
    # moves; the levels' u still sum to one.
    levels = [
        {"is_null_level": True},
        {"m_probability": 0.9, "u_probability": 0.0009},
        {"m_probability": 0.05, "u_probability": 0.05},
        {"m_probability": 0.05, "u_probability": 0.9491},
    ]
    model_dict = {
        "probability_two_random_records_match": 0.001,
        "comparisons": [{"output_column_name": "date_of_birth", "comparison_levels": levels}],
    }
    notes: list[str] = []
    corrected = u_without_matches(model_dict, notes)["comparisons"][0]["comparison_levels"]
    assert corrected[1]["u_probability"] == U_FLOOR
    assert math.isclose(corrected[2]["u_probability"], (0.05 - 0.001 * 0.05) / 0.999)
    assert math.isclose(sum(level["u_probability"] for level in corrected[1:]), 1, abs_tol=1e-5)
    assert "u corrected" in notes[0]
