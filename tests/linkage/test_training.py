"""The trained path: enough records to estimate u by random sampling and m by expectation
maximisation, checked against the synthetic generator's known truth."""

from __future__ import annotations

import pytest
from benchmarks.bench_scale import pairwise_scores
from benchmarks.synthetic import generate

from convenor.linkage import Decisions, LinkageSettings, link_records

pytestmark = pytest.mark.slow


def test_trained_model_links_synthetic_records_accurately():
    records = generate(3000, seed=5)
    truth = records[["record_id", "entity_id"]]
    result = link_records(records.drop(columns=["entity_id"]))
    notes = " ".join(result.model_summary["training"])
    assert "u estimated from up to" in notes
    assert "m estimated by expectation maximisation" in notes
    assert "share of matching pairs estimated from deterministic rules" in notes
    scores = pairwise_scores(result.clusters, truth)
    assert scores["precision"] >= 0.97 and scores["recall"] >= 0.95, scores
    # Trained weights stay finite and floored: no level vetoes a match on its own.
    for field in result.model_summary["fields"]:
        for level in field["levels"]:
            assert level["m_probability"] >= 1e-3 and level["u_probability"] >= 1e-6
    # The same records below the training size use the priors and still do well.
    small = link_records(
        records.drop(columns=["entity_id"]), LinkageSettings(train_min_records=10**6)
    )
    assert "prior m and u values" in small.model_summary["training"][0]
    assert pairwise_scores(small.clusters, truth)["f1"] >= 0.9


def test_decisions_hold_on_a_trained_run():
    records = generate(1500, seed=9).drop(columns=["entity_id"])
    first = link_records(records)
    pairs = first.pairs[first.pairs["match_probability"] >= 0.9]
    strongest = frozenset((pairs.iloc[0]["record_id_l"], pairs.iloc[0]["record_id_r"]))
    weakest_unlinked = first.clusters["record_id"].iloc[[0, -1]].tolist()
    decisions = Decisions(rejected={strongest}, confirmed={frozenset(weakest_unlinked)})
    second = link_records(records, decisions=decisions)
    cluster_of = second.clusters.set_index("record_id")["cluster_id"]
    a, b = sorted(strongest)
    assert cluster_of[a] != cluster_of[b]
    assert cluster_of[weakest_unlinked[0]] == cluster_of[weakest_unlinked[1]]
