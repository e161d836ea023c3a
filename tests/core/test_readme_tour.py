"""Every console command in the README's tour works as written against the demo's database, with
nothing more in the environment; a command that cannot work says why in one line (issue 13,
item 9)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.core.conftest import convenor_command, demo_env

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[2] / "README.md"
COMMAND = re.compile(r"`((?:\.venv/bin/)?convenor [a-z][^`]*)`")


def tour_commands() -> list[str]:
    tour = README.read_text().split("## A short tour", 1)[1].split("\n## ", 1)[0]
    commands = [" ".join(found.split()) for found in COMMAND.findall(tour)]
    # `convenor demo` is the tour's first step: the demo_database fixture runs it (--no-serve).
    return [c for c in commands if c.split()[1] != "demo"]


def _run(var_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        convenor_command(*args),
        env=demo_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tour_names_its_commands():
    names = {c.split()[1] for c in tour_commands()}
    assert {"totp-code", "audit", "import", "profile"} <= names
    assert all(c.startswith(".venv/bin/convenor ") for c in tour_commands())


def test_every_tour_command_works_as_written_after_the_demo(demo_var_dir, tmp_path):
    from convenor.threat.demo import _files

    assert (demo_var_dir / "convenor.env").read_text().count("CONVENOR_DEMO=1") == 1
    content, mapping = _files()["nominals"]
    header, _, rows = content.partition(b"\r\n")
    partner_file = tmp_path / "nominals-update.csv"
    partner_file.write_bytes(header + b"\r\n" + rows.replace(b"LC-", b"NEW-"))
    mapping_file = tmp_path / "M.yaml"
    mapping_file.write_text(yaml.safe_dump({"columns": mapping}))
    found = subprocess.run(
        [
            convenor_command()[0],
            "-c",
            "import django, json; django.setup(); from convenor.threat.models import Dataset; "
            "print(Dataset.objects.get(title='Operation Genga nominals').pk)",
        ],
        env=demo_env(demo_var_dir, CONVENOR_DEMO="1", DJANGO_SETTINGS_MODULE="convenor.settings"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    placeholders = {
        "FILE": str(partner_file),
        "ID": json.loads(found.stdout.split()[-1]),
        "M.yaml": str(mapping_file),
    }
    for command in tour_commands():
        words = [str(placeholders.get(word, word)) for word in shlex.split(command)[1:]]
        leftover = [w for w in words if re.fullmatch(r"[A-Z]{2,}", w)]
        assert not leftover, f"{command}: placeholder {leftover} the test cannot fill"
        result = _run(demo_var_dir, *words)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, command


def test_without_configuration_a_command_says_why_in_one_line(tmp_path):
    result = _run(tmp_path, "audit", "verify")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "convenor: Set CONVENOR_SECRET_KEY (a long random string) in the environment; "
        "only the demo and the tests may run without one."
    ]


def test_a_real_install_ignores_a_demo_configuration_left_in_its_folder(tmp_path):
    (tmp_path / "convenor.env").write_text("CONVENOR_DEMO=1\n")
    result = _run(
        tmp_path,
        "totp-code",
        "alex.morgan",
        CONVENOR_SECRET_KEY="a-real-install-secret-" * 3,
        CONVENOR_AUDIT_KEY="a-real-install-audit-key-" * 3,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "totp-code works only in the demo" in result.stderr


def test_a_failing_command_never_shows_a_traceback(demo_var_dir):
    result = _run(demo_var_dir, "import", "no-such-file.csv", "--dataset", "1", "--user", "nobody")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
