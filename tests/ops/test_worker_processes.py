"""Real `convenor worker` processes on a shared database, killed with SIGKILL mid-job: the
import is retried and lands exactly once; the linkage run fails with the reason and writes no
links; nothing is half-written and no job runs twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ROWS = 30000


@pytest.fixture
def env(tmp_path):
    values = dict(os.environ)
    values.pop("DATABASE_URL", None)  # a file SQLite database the processes share
    values.update(
        CONVENOR_TESTING="1",
        CONVENOR_VAR_DIR=str(tmp_path),
        CONVENOR_JOBS_IMMEDIATE="0",
        CONVENOR_BACKGROUND_TASKS="1",
        CONVENOR_WORKER_HEARTBEAT_SECONDS="0.5",
        CONVENOR_WORKER_LOST_AFTER_SECONDS="3",
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    )
    return values


def harness(env, *args):
    out = subprocess.run(
        [sys.executable, str(ROOT / "tests/ops/harness.py"), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_worker(env, tmp_path, name):
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "convenor.cli", "worker", "--interval", "0.2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def query(tmp_path, sql):
    with sqlite3.connect(tmp_path / "convenor.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def wait_for(tmp_path, sql, done, seconds=300):
    deadline = time.monotonic() + seconds
    rows = None
    while time.monotonic() < deadline:
        rows = query(tmp_path, sql)
        if done(rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"still waiting: {rows}")


def jobs(tmp_path, task):
    return query(
        tmp_path,
        "SELECT status, worker_ids, exception_class_path, traceback "
        f"FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%.{task}'",
    )


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_workers_killed_mid_import_and_mid_linkage(env, tmp_path):
    started = harness(env, "prepare", ROWS)
    upload = started["import"]
    import_state = f"SELECT status, processed_rows FROM threat_datasetimport WHERE id = {upload}"

    first = start_worker(env, tmp_path, "first")
    wait_for(tmp_path, import_state, lambda r: r[0][0] == "running" and r[0][1] > 0)
    kill(first)
    assert query(tmp_path, import_state)[0][0] == "running"
    records = f"SELECT count(*) FROM threat_record WHERE dataset_import_id = {upload}"
    assert query(tmp_path, records)[0][0] == 0  # all or nothing: the killed one wrote none

    second = start_worker(env, tmp_path, "second")
    try:
        wait_for(tmp_path, import_state, lambda r: r[0][0] == "done")
        job = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
        job += " WHERE task_path LIKE '%.import_dataset'"
        [(_, worker_ids)] = wait_for(tmp_path, job, lambda r: r[0][0] == "SUCCESSFUL")
        assert len(json.loads(worker_ids)) == 2  # lost once, retried once
        # Exactly once: the sample's two rows name two associates, so four records, plus ours.
        assert query(tmp_path, records)[0][0] == ROWS + 4
        imported = f"SELECT imported_rows FROM threat_datasetimport WHERE id = {upload}"
        assert query(tmp_path, imported)[0][0] == ROWS + 2

        run = harness(env, "start-linkage")["run"]
        run_state = f"SELECT status, message FROM threat_linkagerun WHERE id = {run}"
        wait_for(tmp_path, run_state, lambda r: r[0][0] == "running")
        time.sleep(1)
    finally:
        kill(second)
    assert query(tmp_path, run_state)[0][0] == "running"

    third = start_worker(env, tmp_path, "third")
    try:
        [(status, message)] = wait_for(tmp_path, run_state, lambda r: r[0][0] == "failed", 60)
        assert "stopped" in message and "start it again" in message
        pairs = f"SELECT count(*) FROM threat_matchpair WHERE run_id = {run}"
        assert query(tmp_path, pairs)[0][0] == 0  # nothing partial
        [(status, worker_ids, error, reason)] = jobs(tmp_path, "link_partnership")
        assert status == "FAILED" and error == "convenor.ops.worker.WorkerLost"
        assert len(json.loads(worker_ids)) == 1 and "Attempts: 1" in reason  # never run twice
    finally:
        third.terminate()  # a clean stop: the worker says goodbye
        assert third.wait(timeout=60) == 0
    assert query(tmp_path, "SELECT count(*) FROM ops_worker")[0][0] == 2  # the two killed ones
