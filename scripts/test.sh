#!/usr/bin/env bash
# The whole suite: lint, then every test on SQLite, then on a real PostgreSQL this script starts,
# and the browser tests in Debian's chromium (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export CONVENOR_TESTING=1 CONVENOR_VAR_DIR="${CONVENOR_VAR_DIR:-$(mktemp -d)}"

echo "== ruff"
$BIN/ruff check src tests benchmarks
$BIN/ruff format --check src tests benchmarks

echo "== bandit (medium and high findings)"
$BIN/bandit -ll -q -r src

echo "== manage.py check --deploy, in production settings"
env -u CONVENOR_TESTING -u CONVENOR_DEMO -u CONVENOR_DEBUG \
  CONVENOR_SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  CONVENOR_AUDIT_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  CONVENOR_BEHIND_TLS_PROXY=1 CONVENOR_ALLOWED_HOSTS=convenor.example.org \
  $BIN/python -m convenor.cli check --deploy --fail-level WARNING

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "chromium is missing and this user cannot install it: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

if ! command -v java >/dev/null 2>&1; then
  echo "== installing Debian's Java runtime for the Spark linkage test"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
  else
    echo "java is missing and this user cannot install it: sudo apt-get install default-jre-headless" >&2
    exit 1
  fi
fi

echo "== tests on SQLite (with browser tests)"
$BIN/pytest -p no:cacheprovider -q -m "not postgres" "$@"

pgdir=$(mktemp -d /tmp/convenor-pg.XXXXXX)
trap 'bash scripts/postgres.sh stop "$pgdir"' EXIT
echo "== starting PostgreSQL"
DATABASE_URL=$(bash scripts/postgres.sh start "$pgdir")
export DATABASE_URL
echo "== tests on PostgreSQL"
$BIN/pytest -p no:cacheprovider -q -m "not browser" "$@"

echo "== prod-check: the production configuration over HTTP, on this PostgreSQL server"
(unset CONVENOR_VAR_DIR; BIN=$BIN bash scripts/prod-check.sh)
