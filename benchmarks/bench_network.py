"""Network analysis at scale: a synthetic partnership graph of about 1,000,000 links (people living
at addresses, associating mostly within their neighbourhood, driving vehicles, directing
businesses, holding licences, belonging to groups), analysed step by step.

    python -m benchmarks.bench_network --edges 1000000 --k 16

Prints the seconds for building the graph, components, degree, approximate betweenness (k sampled
sources) and communities; the target is under 60 s for the four analysis steps, and the total
with the graph's construction is printed beside it.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from benchmarks.common import machine, peak_rss_mib, versions

# Share of the edges of each kind.
MIX = {
    "lives_at": 0.36,
    "associate_of": 0.34,
    "drives": 0.14,
    "director_of": 0.05,
    "holds_licence": 0.05,
    "member_of_group": 0.02,
    "same_as": 0.04,
}


def synthetic_edges(total: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    people = int(total * 0.4)
    neighbourhood = 200  # associates are mostly drawn from the same block of people
    frames = []

    def frame(sources, targets, kind):
        frames.append(pd.DataFrame({"source": sources, "target": targets, "kind": kind}))

    def person_ids(numbers):
        return np.char.add("p", numbers.astype(str))

    count = int(total * MIX["lives_at"])
    who = rng.permutation(people)[:count] if count <= people else rng.integers(0, people, count)
    frame(person_ids(who), np.char.add("a", (who // 2.5).astype(int).astype(str)), "lives_at")

    count = int(total * MIX["associate_of"])
    left = rng.integers(0, people, count)
    near = rng.random(count) < 0.9
    right = np.where(
        near,
        (left // neighbourhood) * neighbourhood + rng.integers(0, neighbourhood, count),
        rng.integers(0, people, count),
    )
    right = np.minimum(right, people - 1)
    frame(person_ids(left), person_ids(right), "associate_of")

    count = int(total * MIX["drives"])
    frame(
        person_ids(rng.integers(0, people, count)),
        np.char.add("v", rng.integers(0, count // 1.5, count).astype(str)),
        "drives",
    )
    count = int(total * MIX["director_of"])
    frame(
        person_ids(rng.integers(0, people, count)),
        np.char.add("b", rng.integers(0, count // 2, count).astype(str)),
        "director_of",
    )
    count = int(total * MIX["holds_licence"])
    frame(
        person_ids(rng.integers(0, people, count)),
        np.char.add("l", np.arange(count).astype(str)),
        "holds_licence",
    )
    count = int(total * MIX["member_of_group"])
    frame(
        person_ids(rng.integers(0, people, count)),
        np.char.add("g", rng.integers(0, max(1, count // 40), count).astype(str)),
        "member_of_group",
    )
    count = total - sum(len(f) for f in frames)
    frame(
        person_ids(rng.integers(0, people, count)),
        person_ids(rng.integers(0, people, count)),
        "same_as",
    )
    return pd.concat(frames, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    from convenor.network import analyse, build_graph, paths_of_interest

    parser = argparse.ArgumentParser(description="Convenor network analysis at scale")
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=16, help="betweenness sample size")
    args = parser.parse_args(argv)
    edges = synthetic_edges(args.edges)
    print(f"machine: {machine()}")
    print(f"versions: {versions(['networkx', 'igraph', 'pandas', 'numpy'])}")
    started = time.perf_counter()
    graph = build_graph(edges)
    built = time.perf_counter() - started
    print(
        f"edges given: {len(edges):,}; graph: {graph.number_of_nodes():,} nodes,"
        f" {graph.number_of_edges():,} edges"
    )
    print(f"build graph: {built:6.1f} s")
    cpu_before = time.process_time()
    summary = analyse(graph, k=args.k, seed=42)
    cpu = time.process_time() - cpu_before
    print(f"engine: {summary.engine}")
    for step, seconds in summary.seconds.items():
        print(f"{step + ':':13}{seconds:6.1f} s")
    analysis = sum(summary.seconds.values())
    print(
        f"analysis total: {analysis:.1f} s wall, {cpu:.1f} s CPU"
        f" (target < 60 s: {'met' if analysis < 60 else 'NOT met'})"
    )
    print(
        f"build + analysis: {built + analysis:.1f} s wall"
        f" ({'also' if built + analysis < 60 else 'NOT'} under 60 s with the graph's construction)"
    )
    print(
        f"components: {len(summary.components):,} (largest {summary.components['size'].iloc[0]:,});"
        f" communities: {len(summary.communities):,}; modularity {summary.modularity:.3f}"
    )
    started = time.perf_counter()
    groups = [node for node in graph.nodes if node.startswith("g")][:50]
    businesses = [node for node in graph.nodes if node.startswith("b")][:50]
    paths = paths_of_interest(graph, businesses, groups, max_length=6)
    print(
        f"paths of interest (50 businesses -> 50 groups): {len(paths)}"
        f" in {time.perf_counter() - started:.1f} s"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
