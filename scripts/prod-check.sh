#!/usr/bin/env bash
# make prod-check: the production configuration, natively (what the container image and compose.yaml
# run): PostgreSQL, `convenor migrate`, the demo partnership, collectstatic, gunicorn with 4 workers
# on 127.0.0.1, 2 `convenor worker` processes; then scripts/prod_check.py drives it over HTTP.
# Everything started here is stopped on exit. With DATABASE_URL set (scripts/test.sh passes its
# PostgreSQL server) it creates a fresh database there; otherwise it starts its own server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${CONVENOR_PROD_CHECK_PORT:-18731}
work=$(mktemp -d /tmp/convenor-prod-check.XXXXXX)
pids=()
own_pg=""

stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$own_pg" ]; then bash scripts/postgres.sh stop "$own_pg"; fi
  rm -rf "$work"
}
trap stop_all EXIT

if [ -n "${DATABASE_URL:-}" ] && [[ "$DATABASE_URL" == postgres* ]]; then
  server=${DATABASE_URL%/*}
else
  own_pg=$(mktemp -d /tmp/convenor-prod-pg.XXXXXX)
  echo "== starting PostgreSQL"
  server=$(CONVENOR_TEST_PG_PORT=${CONVENOR_PROD_CHECK_PG_PORT:-54339} bash scripts/postgres.sh start "$own_pg")
  server=${server%/*}
fi
dbname="convenor_prod_check_$$"
$BIN/python - "$server/postgres" "$dbname" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c:
    c.execute(f"DROP DATABASE IF EXISTS {sys.argv[2]}")
    c.execute(f"CREATE DATABASE {sys.argv[2]}")
PY

# Production settings, as compose.yaml sets them; only the cookies' Secure flag is off, because
# this runs over plain HTTP on loopback (behind Caddy's TLS, compose.yaml keeps it on).
secret() { $BIN/python -c 'import secrets; print(secrets.token_urlsafe(48))'; }
export DATABASE_URL="$server/$dbname"
export CONVENOR_SECRET_KEY="$(secret)" CONVENOR_AUDIT_KEY="$(secret)"
export CONVENOR_INTELLIGENCE_KEY="$($BIN/python -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
export CONVENOR_VAR_DIR="$work/var" CONVENOR_AUDIT_CHECKPOINT_DIR="$work/audit-checkpoints"
export CONVENOR_ALLOWED_HOSTS=127.0.0.1 CONVENOR_SECURE_COOKIES=0 CONVENOR_LOG_FORMAT=json
export CONVENOR_WORKER_HEARTBEAT_SECONDS=2
unset CONVENOR_TESTING CONVENOR_DEMO CONVENOR_DEBUG CONVENOR_JOBS_IMMEDIATE

echo "== convenor migrate, demo partnership, collectstatic"
$BIN/convenor migrate --no-input -v 0
$BIN/convenor demo --no-serve > "$work/accounts.txt"
$BIN/convenor collectstatic --no-input -v 0

echo "== gunicorn (4 workers) on 127.0.0.1:$PORT and 2 convenor workers"
# No --access-logfile (gunicorn's access log stays off): Convenor writes one JSON line a request
# itself, and none for the anonymous channel (core/logging.py, ADR 0068). Its logs go to stderr.
$BIN/gunicorn convenor.wsgi:application --bind "127.0.0.1:$PORT" --workers 4 --timeout 120 \
  --error-logfile "$work/gunicorn.log" 2> "$work/app.log" &
pids+=($!)
for n in 1 2; do $BIN/convenor worker > "$work/worker-$n.log" 2>&1 & pids+=($!); done

for _ in $(seq 1 60); do
  if $BIN/python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null; then break; fi
  sleep 1
done

echo "== driving it over HTTP"
if ! $BIN/python scripts/prod_check.py "http://127.0.0.1:$PORT" "$work/accounts.txt"; then
  echo "-- gunicorn log" >&2; tail -n 40 "$work/gunicorn.log" >&2 || true
  echo "-- worker log" >&2; tail -n 20 "$work/worker-1.log" "$work/worker-2.log" >&2 || true
  exit 1
fi
echo "== the logs: JSON lines with request ids, nothing from the anonymous channel"
$BIN/python scripts/check_logs.py "$work/app.log" "$work/gunicorn.log"
$BIN/python - "$server/postgres" "$dbname" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c:
    c.execute(f"DROP DATABASE IF EXISTS {sys.argv[2]} WITH (FORCE)")
PY
