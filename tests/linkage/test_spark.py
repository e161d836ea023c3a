"""The Spark engine (local mode) gives the same clusters as DuckDB on the known records."""

from __future__ import annotations

import os
import shutil

import pytest

from convenor.linkage import Decisions, LinkageSettings, link_records
from tests.linkage.conftest import EXPECTED_CLUSTERS, clusters_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None, reason="Spark needs Java: make test installs it"
    ),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="uses no database: runs once, in the SQLite pass",
    ),
]


def test_spark_engine_links_like_duckdb(known_records):
    pytest.importorskip("pyspark")
    decisions = Decisions(rejected={frozenset({"a1", "a4"})})
    settings = LinkageSettings(engine="spark", spark_master="local[1]")
    spark = link_records(known_records, settings, decisions=decisions)
    duckdb = link_records(known_records, decisions=decisions)
    assert spark.model_summary["engine"] == "spark"
    assert clusters_of(spark) == clusters_of(duckdb)
    expected = [group for group in EXPECTED_CLUSTERS if "a1" not in group]
    expected += [{"a1", "a2", "a3"}, {"a4"}]  # a4 kept apart by the rejected pair
    assert clusters_of(spark) == sorted(expected, key=lambda group: sorted(group))
    cluster_of = spark.clusters.set_index("record_id")["cluster_id"]
    assert cluster_of["a1"] != cluster_of["a4"]
    merged = spark.pairs.merge(duckdb.pairs, on=["record_id_l", "record_id_r"])
    assert len(merged) == len(duckdb.pairs)
    assert (merged["match_probability_x"] - merged["match_probability_y"]).abs().max() < 1e-6
    assert merged["agreeing_x"].tolist() == merged["agreeing_y"].tolist()
