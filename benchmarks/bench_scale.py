"""Linkage at scale: synthetic partner records with known truth (benchmarks/synthetic.py), linked
end to end (normalising, training, scoring, clustering) at several sizes. Each size runs in its
own process so its peak memory is its own.

    python -m benchmarks.bench_scale --sizes 10000,100000,1000000

Prints, per size: seconds, seconds per 1,000 records, peak RSS, and pairwise precision, recall
and F1 of the clusters against the truth.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import pandas as pd

from benchmarks.common import machine, peak_rss_mib, versions


def cpu_seconds() -> float:
    """CPU time of this process (all threads): on a shared machine, wall time alone misleads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pair_count(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(clusters: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 over pairs, counted from group sizes (no pair lists)."""
    joined = clusters.merge(truth, on="record_id")
    predicted = pair_count(joined.groupby("cluster_id").size())
    actual = pair_count(joined.groupby("entity_id").size())
    correct = pair_count(joined.groupby(["cluster_id", "entity_id"]).size())
    precision = correct / predicted if predicted else 0.0
    recall = correct / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # B-cubed: per record, the share of its cluster that is its entity and the share of its
    # entity that its cluster holds (a wrong chain costs every record in it, not just pairs).
    in_cluster = joined.groupby("cluster_id")["record_id"].transform("size")
    in_entity = joined.groupby("entity_id")["record_id"].transform("size")
    in_both = joined.groupby(["cluster_id", "entity_id"])["record_id"].transform("size")
    b_precision = float((in_both / in_cluster).mean())
    b_recall = float((in_both / in_entity).mean())
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "b_cubed_precision": b_precision,
        "b_cubed_recall": b_recall,
        "b_cubed_f1": 2 * b_precision * b_recall / (b_precision + b_recall),
        "largest_cluster": int(joined.groupby("cluster_id").size().max()),
    }


def run_one(size: int, engine: str) -> dict:
    from benchmarks.synthetic import generate
    from convenor.linkage import LinkageSettings, link_records

    started = time.perf_counter()
    records = generate(size)
    generated = time.perf_counter() - started
    truth = records[["record_id", "entity_id"]]
    settings = LinkageSettings(
        engine=engine,
        duckdb_memory_limit=os.environ.get("CONVENOR_BENCH_DUCKDB_MEMORY", "5GB"),
        duckdb_temp_directory=os.environ.get("CONVENOR_BENCH_TMP")
        or tempfile.mkdtemp(prefix="convenor-bench-"),
    )
    stages: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(stage: str, fraction: float) -> None:
        now = time.perf_counter()
        stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
        last[0], last[1] = now, stage

    started = time.perf_counter()
    cpu_before = cpu_seconds()
    result = link_records(records.drop(columns=["entity_id"]), settings, progress=progress)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    found = pairwise_scores(result.clusters, truth)
    return {
        "size": size,
        "engine": engine,
        "seconds": seconds,
        "seconds_per_1000": seconds / size * 1000,
        "cpu_seconds": cpu,
        "peak_rss_mib": peak_rss_mib(),
        "generate_seconds": generated,
        "pairs_scored": len(result.pairs),
        "stages": {key: round(value, 1) for key, value in stages.items()},
        "training": result.model_summary["training"],
        **found,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Convenor linkage at scale")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.engine)))
        return
    print(f"machine: {machine()}")
    print(f"versions: {versions(['splink', 'duckdb', 'pandas', 'numpy'])}")
    print(
        f"{'records':>9} {'seconds':>8} {'s/1000':>7} {'CPU s':>7} {'peak MiB':>9} "
        f"{'precision':>9} {'recall':>7} {'F1':>7} {'largest':>7}"
    )
    for size in (int(part) for part in args.sizes.split(",") if part.strip()):
        process = subprocess.run(  # noqa: S603 — our own module, our own arguments
            [
                sys.executable,
                "-m",
                "benchmarks.bench_scale",
                "--one",
                str(size),
                "--engine",
                args.engine,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if process.returncode != 0:
            print(f"{size:>9} failed: {process.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(process.stdout.strip().splitlines()[-1])
        print(
            f"{row['size']:>9} {row['seconds']:8.1f} {row['seconds_per_1000']:7.3f} "
            f"{row['cpu_seconds']:7.1f} "
            f"{row['peak_rss_mib']:9.0f} {row['precision']:9.4f} {row['recall']:7.4f} "
            f"{row['f1']:7.4f} {row['largest_cluster']:>7}"
        )
        print(
            f"          B-cubed precision {row['b_cubed_precision']:.4f} recall "
            f"{row['b_cubed_recall']:.4f} F1 {row['b_cubed_f1']:.4f}"
        )
        print(f"          stages (s): {row['stages']}; pairs kept: {row['pairs_scored']}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
