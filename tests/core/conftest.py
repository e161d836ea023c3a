"""A demo database on a real SQLite file, built once per test session by the console command,
for the tests that drive Convenor as an operator would: its server, its commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import convenor

SOURCE = str(Path(convenor.__file__).resolve().parent.parent)


def demo_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a demo install: no test settings, this checkout's code."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONVENOR_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        PYTHONPATH=SOURCE,
        CONVENOR_VAR_DIR=str(var_dir),
        CONVENOR_SPLINK_LOG_LEVEL="ERROR",
        **extra,
    )
    return env


def convenor_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "convenor.cli", *args]


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A folder holding the demo's SQLite database, as `convenor demo --no-serve` leaves it."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    result = subprocess.run(
        convenor_command("demo", "--no-serve"),
        env=demo_env(var_dir, CONVENOR_DEMO="1"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (var_dir / "demo-output.txt").write_text(result.stdout)
    return var_dir


@pytest.fixture
def demo_var_dir(demo_database, tmp_path) -> Path:
    """A private copy of the demo's var folder for one test."""
    var_dir = tmp_path / "var"
    shutil.copytree(demo_database, var_dir)
    return var_dir
