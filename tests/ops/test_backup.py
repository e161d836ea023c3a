"""convenor backup / restore: a world with an encrypted anonymous attachment and audit entries is
backed up, restored into a fresh database by the real command, verified (audit chain, row counts
per table) and its attachment opened; damaged, missing and non-empty targets are refused."""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from convenor.core import audit
from convenor.intelligence import crypto, services
from convenor.intelligence.models import Attachment, ReportingChannel
from convenor.ops import backup
from tests.intelligence.conftest import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def seeded(world):
    channel = ReportingChannel.objects.create(
        slug="preston",
        name="Report crime in Preston anonymously",
        kind="public",
        introduction="Tell us what you know.",
        receiving_organisation=world.own,
        retention_days=30,
    )
    submission, _code = services.submit_anonymous(
        channel,
        {"what": "Cigarettes sold from a stall", "where": "The market", "how_known": "I saw"},
        uploads=[("stall.png", png_bytes())],
    )
    attachment = Attachment.objects.get(submission=submission)
    for n in range(3):
        audit.record("record_viewed", actor=world.people["analyst"], detail={"n": n})
    audit.write_checkpoint()
    return attachment


def convenor(database_url: str, *args: str, var_dir: Path) -> subprocess.CompletedProcess:
    """The real `convenor` command against another database (as an operator runs it)."""
    env = {
        **os.environ,
        "CONVENOR_TESTING": "1",
        "DATABASE_URL": database_url,
        "CONVENOR_VAR_DIR": str(var_dir),
        "CONVENOR_AUDIT_CHECKPOINT_DIR": settings.CONVENOR_AUDIT_CHECKPOINT_DIR,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "convenor.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def backup_folder(tmp_path) -> tuple[Path, dict]:
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    return folder, manifest


def assert_no_key_in(folder: Path) -> None:
    keys = [
        settings.CONVENOR_AUDIT_KEY.encode(),
        crypto.content_key(),
        base64.urlsafe_b64encode(crypto.content_key()),
        settings.SECRET_KEY.encode(),
    ]
    for file in folder.iterdir():
        data = file.read_bytes()
        assert not any(key in data for key in keys), file.name


def assert_restored(result, manifest, counts: dict[str, int], sealed: bytes, attachment) -> None:
    assert result.returncode == 0, result.stderr
    assert "checksums and row counts match" in result.stdout
    assert counts == manifest["tables"]
    assert counts["core_auditentry"] > 0 and counts["intelligence_attachment"] == 1
    content = crypto.unseal(bytes(sealed))
    assert content == png_bytes() or content.startswith(b"\x89PNG")
    assert attachment.sha256 and len(content) == attachment.size


def test_backup_restores_into_a_new_sqlite_file_whole(seeded, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path; PostgreSQL has its own test")
    folder, manifest = backup_folder(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["database.sqlite3", "manifest.json"]
    assert manifest["database"]["vendor"] == "sqlite"
    assert "intelligence.0001_initial" in manifest["migrations"]
    assert manifest["convenor_version"]
    assert_no_key_in(folder)

    target = tmp_path / "restored" / "convenor.sqlite3"
    target.parent.mkdir()
    url = f"sqlite:///{target}"
    result = convenor(url, "restore", str(folder), var_dir=tmp_path / "var")
    with sqlite3.connect(target) as restored:
        tables = [
            row[0]
            for row in restored.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        (sealed,) = restored.execute(
            "SELECT sealed FROM intelligence_attachment WHERE id = ?", [seeded.pk]
        ).fetchone()
    assert_restored(result, manifest, counts, sealed, seeded)

    verified = convenor(url, "audit", "verify", var_dir=tmp_path / "var")
    assert verified.returncode == 0, verified.stderr
    intact = r"Audit chain intact: \d+ entries verified, consistent with [1-9]"
    assert re.search(intact, verified.stdout)


@pytest.mark.postgres
def test_backup_restores_into_a_new_postgresql_database_whole(seeded, tmp_path):
    folder, manifest = backup_folder(tmp_path)
    assert manifest["database"]["vendor"] == "postgresql"
    assert sorted(p.name for p in folder.iterdir()) == ["database.pgdump", "manifest.json"]
    assert_no_key_in(folder)

    name = f"convenor_restore_{uuid.uuid4().hex[:8]}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        url = f"{base}/{name}"
        result = convenor(url, "restore", str(folder), var_dir=tmp_path / "var")
        with psycopg.connect(url) as restored:
            tables = [
                row[0]
                for row in restored.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            counts = {
                t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables
            }
            (sealed,) = restored.execute(
                "SELECT sealed FROM intelligence_attachment WHERE id = %s", [seeded.pk]
            ).fetchone()
        assert_restored(result, manifest, counts, sealed, seeded)
        verified = convenor(url, "audit", "verify", var_dir=tmp_path / "var")
        assert verified.returncode == 0, verified.stderr
        assert "Audit chain intact" in verified.stdout

        again = convenor(url, "restore", str(folder), var_dir=tmp_path / "var")
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_damaged_backup_is_refused_before_anything_is_restored(seeded, tmp_path):
    folder, manifest = backup_folder(tmp_path)
    data = folder / manifest["database"]["file"]
    damaged = bytearray(data.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    data.write_bytes(bytes(damaged))
    target = tmp_path / "fresh.sqlite3"
    result = convenor(f"sqlite:///{target}", "restore", str(folder), var_dir=tmp_path / "var")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()  # one line, no traceback
    assert line.endswith(f": {data.name} does not match its checksum: the backup is damaged")
    assert not target.exists()  # refused before the target was even opened


def test_restore_refuses_a_database_that_is_not_empty(seeded, tmp_path):
    folder, _manifest = backup_folder(tmp_path)
    before = Attachment.objects.count()
    with pytest.raises(CommandError, match=r"target database is not empty \(\d+ tables\)"):
        call_command("restore", str(folder))
    assert Attachment.objects.count() == before


def test_restore_names_a_missing_folder_or_manifest(db, tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("restore", str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="holds no manifest.json"):
        call_command("restore", str(tmp_path / "empty"))
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(CommandError, match="not a valid backup manifest"):
        call_command("restore", str(folder))


def test_restore_refuses_a_backup_with_a_file_missing_or_from_a_newer_version(seeded, tmp_path):
    folder, manifest = backup_folder(tmp_path)
    manifest["migrations"].append("core.9999_from_the_future")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="newer Convenor.*core.9999_from_the_future"):
        call_command("restore", str(folder))
    (folder / manifest["database"]["file"]).unlink()
    with pytest.raises(CommandError, match="is missing from the backup"):
        call_command("restore", str(folder))


def test_backup_refuses_a_folder_that_holds_something(db, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "keep.txt").write_text("an earlier backup")
    with pytest.raises(CommandError, match="already exists and is not an empty folder"):
        call_command("backup", str(tmp_path / "old"))
    assert (tmp_path / "old" / "keep.txt").read_text() == "an earlier backup"


def test_the_manifest_reader_checks_sizes_too(seeded, tmp_path):
    folder, manifest = backup_folder(tmp_path)
    with (folder / manifest["database"]["file"]).open("ab") as stream:
        stream.write(b"\0")
    with pytest.raises(backup.BackupError, match="does not match its checksum"):
        backup.read_verified_manifest(folder)
