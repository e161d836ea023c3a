"""Clustering with analysts' decisions, for any scored pairs (Hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convenor.linkage import ConflictingDecisions, Decisions, cluster

IDS = [f"r{i}" for i in range(12)]
pair = st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)).filter(lambda p: p[0] != p[1])


@given(
    scored=st.lists(st.tuples(pair, st.floats(min_value=0, max_value=1)), max_size=40),
    confirmed=st.lists(pair, max_size=4),
    rejected=st.lists(pair, max_size=4),
    threshold=st.floats(min_value=0.01, max_value=1),
)
def test_decisions_always_hold(scored, confirmed, rejected, threshold):
    pairs = pd.DataFrame(
        [(a, b, p) for (a, b), p in scored],
        columns=["record_id_l", "record_id_r", "match_probability"],
    )
    try:
        decisions = Decisions(
            confirmed={frozenset(p) for p in confirmed}, rejected={frozenset(p) for p in rejected}
        )
        clusters = cluster(IDS, pairs, threshold, decisions)
    except ConflictingDecisions:
        return  # contradictory decisions are refused, never half-applied
    cluster_of = dict(zip(clusters["record_id"], clusters["cluster_id"], strict=True))
    assert sorted(cluster_of) == sorted(IDS)
    for a, b in (tuple(p) for p in decisions.rejected):
        assert cluster_of[a] != cluster_of[b]
    for a, b in (tuple(p) for p in decisions.confirmed):
        assert cluster_of[a] == cluster_of[b]
    # A cluster id is the smallest record id in its cluster.
    for cluster_id, members in clusters.groupby("cluster_id")["record_id"]:
        assert cluster_id == min(members)
    # Without decisions in the way, every strong pair ends up together.
    if not decisions.rejected:
        for (a, b), p in scored:
            if p >= threshold:
                assert cluster_of[a] == cluster_of[b]


def test_strongest_evidence_wins_a_conflict_with_a_rejection():
    # a-b strong, b-c weaker, a-c rejected: b joins a, and c stays apart.
    pairs = pd.DataFrame(
        [("a", "b", 0.99), ("b", "c", 0.95)],
        columns=["record_id_l", "record_id_r", "match_probability"],
    )
    clusters = cluster(["a", "b", "c"], pairs, 0.9, Decisions(rejected={frozenset({"a", "c"})}))
    assert dict(zip(clusters["record_id"], clusters["cluster_id"], strict=True)) == {
        "a": "a",
        "b": "a",
        "c": "c",
    }


def test_decisions_about_unknown_records_are_ignored():
    pairs = pd.DataFrame(columns=["record_id_l", "record_id_r", "match_probability"])
    decisions = Decisions(confirmed={frozenset({"a", "gone"})}, rejected={frozenset({"a", "x"})})
    clusters = cluster(["a", "b"], pairs, 0.9, decisions)
    assert clusters["cluster_id"].tolist() == ["a", "b"]


@pytest.mark.parametrize("threshold", [0.5, 0.9])
def test_pairs_below_the_threshold_do_not_join(threshold):
    pairs = pd.DataFrame(
        [("a", "b", threshold - 0.01)], columns=["record_id_l", "record_id_r", "match_probability"]
    )
    assert cluster(["a", "b"], pairs, threshold)["cluster_id"].tolist() == ["a", "b"]


def test_a_disagreeing_pair_splits_a_chain_at_its_weakest_join():
    # a~b and b~c are strong, but the model scored a and c as two people.
    pairs = pd.DataFrame(
        {
            "record_id_l": ["a", "b"],
            "record_id_r": ["b", "c"],
            "match_probability": [0.99, 0.95],
        }
    )
    chained = cluster(["a", "b", "c"], pairs, 0.9)
    assert chained["cluster_id"].nunique() == 1
    split = cluster(["a", "b", "c"], pairs, 0.9, disagreeing=[frozenset({"a", "c"})])
    assert dict(zip(split["record_id"], split["cluster_id"], strict=True)) == {
        "a": "a",
        "b": "a",
        "c": "c",
    }


def test_an_analysts_confirmation_outranks_the_models_disagreement():
    pairs = pd.DataFrame({"record_id_l": ["a"], "record_id_r": ["b"], "match_probability": [0.99]})
    decisions = Decisions(confirmed={frozenset({"b", "c"})})
    result = cluster(["a", "b", "c"], pairs, 0.9, decisions, disagreeing=[frozenset({"b", "c"})])
    assert result["cluster_id"].nunique() == 1
