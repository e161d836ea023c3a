"""Backup and restore of Convenor's data: the database, and a manifest that proves it whole.

Everything Convenor keeps is in the database: records, papers, and intelligence attachments
(sealed in rows, ADR 0032). A backup folder holds the database (SQLite: a copy by the online
backup API; PostgreSQL: ``pg_dump -Fc``) and ``manifest.json``: SHA-256 and size of every file,
Convenor's version, the applied migrations and the row count of every table. It never holds the
encryption key, the audit key or the audit checkpoints, which are kept apart (ADR 0062).

``restore`` checks every checksum first, then loads the database into an *empty* one and checks
the row counts against the manifest.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump and pg_restore, no shell, fixed arguments)
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class BackupError(Exception):
    """A backup or restore refused or failed; the message is one line for the operator."""


@dataclass
class Outcome:
    folder: Path
    vendor: str
    tables: int
    rows: int


def convenor_version() -> str:
    try:
        return metadata.version("convenor")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def postgres_binary(name: str) -> str:
    """pg_dump or pg_restore: CONVENOR_PG_BIN_DIR, else the newest Debian server's, else PATH."""
    configured = os.environ.get("CONVENOR_PG_BIN_DIR", "")
    candidates = [Path(configured) / name] if configured else []
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.name.split(".")],
    )
    candidates += [Path(folder) / name for folder in reversed(debian)]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client programs (Debian: postgresql-client) "
            "or set CONVENOR_PG_BIN_DIR"
        )
    return found


def _postgres_env(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for the database: the password never appears on a command line."""
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({name: str(value) for name, value in pairs.items() if value})
    return env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:400] or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")


def _table_rows(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:  # table names from introspection, quoted: not user input
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608  # nosec B608
            counts[name] = cursor.fetchone()[0]
    return counts


def _applied_migrations(alias: str) -> list[str]:
    applied = MigrationRecorder(connections[alias]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _folder_for_backup(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} already exists and is not an empty folder: name a new one")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create {folder}: {error.strerror}") from None


def backup(folder: Path, alias: str = "default") -> Outcome:
    """Write the database and its manifest into ``folder`` (new, or empty)."""
    folder = Path(folder)
    _folder_for_backup(folder)
    connection = connections[alias]
    connection.ensure_connection()
    vendor = connection.vendor
    try:
        if vendor == "sqlite":
            data_file = folder / SQLITE_FILE
            target = sqlite3.connect(data_file)
            try:
                connection.connection.backup(target)  # the online backup API: a consistent copy
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
        elif vendor == "postgresql":
            data_file = folder / PG_FILE
            settings_dict = connection.settings_dict
            _run(
                [postgres_binary("pg_dump"), "-Fc", "--no-owner", "-f", str(data_file)],
                _postgres_env(settings_dict),
                "pg_dump",
            )
        else:
            raise BackupError(f"backing up a {vendor} database is not supported")
        tables = _table_rows(alias)
        manifest = {
            "format": FORMAT,
            "convenor_version": convenor_version(),
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": vendor, "file": data_file.name},
            "migrations": _applied_migrations(alias),
            "tables": tables,
            "files": {
                data_file.name: {"sha256": sha256_of(data_file), "size": data_file.stat().st_size}
            },
            "not_included": [
                "CONVENOR_INTELLIGENCE_KEY, CONVENOR_AUDIT_KEY and CONVENOR_SECRET_KEY",
                "audit checkpoints (CONVENOR_AUDIT_CHECKPOINT_DIR): kept and backed up apart",
            ],
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    except BaseException:
        for child in folder.iterdir():  # nothing half-written is left looking like a backup
            child.unlink()
        raise
    return Outcome(folder, vendor, len(tables), sum(tables.values()))


def read_verified_manifest(folder: Path) -> dict:
    """The manifest, once every file it lists has its recorded size and SHA-256."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a Convenor backup")
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
        vendor = manifest["database"]["vendor"]
        data_name = manifest["database"]["file"]
        manifest["migrations"], manifest["tables"]  # noqa: B018  (present)
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path} is not a valid backup manifest") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not supported")
    if data_name not in files or vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"{path} is not a valid backup manifest")
    for name, recorded in files.items():
        file = folder / name
        if Path(name).name != name or not file.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if file.stat().st_size != recorded.get("size") or sha256_of(file) != recorded.get("sha256"):
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def _check_migrations_known(manifest: dict, alias: str) -> None:
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(
            f"the backup was made by a newer Convenor ({manifest['convenor_version']}): "
            f"migration {unknown[0]} is unknown here; restore with that version or newer"
        )


def _refuse_unless_empty(alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            f"the target database is not empty ({len(tables)} tables): restore only into a new, "
            "empty database"
        )


def _restore_sqlite(data_file: Path, alias: str) -> None:
    connection = connections[alias]
    name = str(connection.settings_dict["NAME"])
    connection.close()
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("restore into an in-memory SQLite database is not supported")
    target = Path(name)
    staging = target.with_name(target.name + ".restoring")
    staging.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{data_file}?mode=ro", uri=True)
    copy = sqlite3.connect(staging)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    for suffix in ("-wal", "-shm"):  # the empty database's own journal files
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(staging, target)


def _restore_postgres(data_file: Path, alias: str) -> None:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    connection.close()
    _run(
        [
            postgres_binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",  # all or nothing
            "-d",
            str(settings_dict["NAME"]),
            str(data_file),
        ],
        _postgres_env(settings_dict),
        "pg_restore",
    )


def restore(folder: Path, alias: str = "default") -> Outcome:
    """Load a verified backup into the (empty) database, then check its row counts."""
    folder = Path(folder)
    manifest = read_verified_manifest(folder)
    connection = connections[alias]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the backup is of a {vendor} database; the configured one is {connection.vendor}"
        )
    _check_migrations_known(manifest, alias)
    _refuse_unless_empty(alias)
    data_file = folder / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(data_file, alias)
    else:
        _restore_postgres(data_file, alias)
    restored = _table_rows(alias)
    expected = manifest["tables"]
    differ = sorted(t for t in set(expected) | set(restored) if expected.get(t) != restored.get(t))
    if differ:
        raise BackupError(
            f"restored, but row counts differ from the manifest in {len(differ)} tables "
            f"(first: {differ[0]}): do not use this database"
        )
    with contextlib.suppress(Exception):
        connection.close()
    return Outcome(folder, vendor, len(restored), sum(restored.values()))
