"""The network page's drawing: seconds for ``convenor.threat.drawing.layout`` (force layout and
label placement) at 14, 250 and 500 nodes, as one linked group and as groups of 25.

    python -m benchmarks.bench_drawing --repeat 5

Prints the best of ``--repeat`` runs for each; the target is under 1 s at 500 nodes (ADR 0019).
"""

from __future__ import annotations

import argparse
import os
import random
import time

from benchmarks.common import machine, versions

NAMES = "Amelia Declan Imran Olivia Kieran Aisha Ruby Connor Zara Callum".split()
SURNAMES = "Walker Pilkington Hargreaves Cartwright Ainsworth Hussain Heywood".split()


def synthetic(count: int, group_size: int, seed: int = 3):
    """``count`` people in linked groups of ``group_size``, each linked to an earlier one."""
    from convenor.threat.graph import Edge, Network, Node

    rng = random.Random(seed)
    nodes = [
        Node(f"entity:{i}", "person", f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}")
        for i in range(count)
    ]
    edges = [
        Edge(f"entity:{i}", f"entity:{rng.randrange(i - i % group_size, i)}", "associate_of")
        for i in range(count)
        if i % group_size
    ]
    return Network(nodes=nodes, edges=edges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenor.settings")
    os.environ.setdefault("CONVENOR_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("CONVENOR_AUDIT_KEY", "benchmark-only-audit-" + "x" * 40)
    import django

    django.setup()
    from convenor.threat import drawing

    print(machine())
    print(versions(["numpy", "networkx"]))
    for count in (14, 250, 500):
        for group_size in (count, 25):
            if group_size > count:
                continue
            network = synthetic(count, group_size)
            best = min(_timed(drawing.layout, network) for _ in range(args.repeat))
            shape = "one group" if group_size == count else f"groups of {group_size}"
            print(f"{count:>4} nodes, {shape:<14} {best:6.3f} s")


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
