"""Shared helpers for the benchmarks: timing, peak memory, precision/recall/F1, versions."""

from __future__ import annotations

import platform
import resource
import sys
import time
from collections.abc import Iterable
from contextlib import contextmanager
from importlib import metadata


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(results: dict, key: str):
    started = time.perf_counter()
    yield
    results[key] = time.perf_counter() - started


def scores(predicted: set, truth: set) -> dict[str, float]:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": len(predicted)}


def cluster_pairs(clusters, group_key: str = "cluster_id") -> set[frozenset]:
    """Every pair of records that share a cluster."""
    pairs: set[frozenset] = set()
    for members in clusters.groupby(group_key)["record_id"].apply(list):
        if len(members) < 2:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs


def machine() -> str:
    import os

    cores = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    memory = f"{total_kib / 1024 / 1024:.0f} GiB"
    return f"{platform.machine()}, {cores} cores, {memory}, Python {sys.version.split()[0]}"


def versions(names: Iterable[str]) -> str:
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)
