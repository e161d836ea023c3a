#!/usr/bin/env bash
# `make bench`: Convenor's benchmarks (not part of `make test`). Each prints its figures with the
# machine and versions; medians are recorded in benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

echo "== SOC local profile of one area: 1,000,000 partner records, 100,000 intelligence reports"
"$PY" -m benchmarks.bench_profile
