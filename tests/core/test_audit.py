"""The audit chain: appended in order, each entry linked to the one before; tampering is named."""

import copy
import json
import os
import socket
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import TestCase
from django.utils import timezone

from convenor.core import audit
from convenor.core.models import AuditEntry, HashScheme


def _entries(world, n=5):
    return [
        audit.record(f"action_{i}", actor=world.people["analyst"], obj=world.own) for i in range(n)
    ]


def test_each_entry_holds_the_hash_of_the_one_before(world):
    entries = _entries(world)
    assert entries[0].previous_hash == audit.GENESIS_HASH
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.entry_hash
    assert audit.verify().ok
    assert audit.verify().checked == 5


def test_entry_names_who_what_which_record_when_and_from_which_organisation(world):
    entry = audit.record("viewed", actor=world.people["analyst"], obj=world.partner)
    assert entry.actor_username == "own-analyst"
    assert entry.actor_organisation == world.own
    assert entry.owner_organisation == world.partner
    assert (entry.object_type, entry.object_id) == ("core.organisation", str(world.partner.pk))
    assert entry.at is not None


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch the guard off; verification must still catch it.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_an_edited_row_is_caught_and_named(world):
    entries = _entries(world)
    _tamper(
        "UPDATE core_auditentry SET action = %s WHERE id = %s", ["nothing_to_see", entries[2].pk]
    )
    result = audit.verify()
    assert not result.ok
    assert result.first_break.entry_id == entries[2].pk
    assert result.checked == 2
    with pytest.raises(CommandError, match=f"entry {entries[2].pk}"):
        call_command("audit", "verify")


def test_a_deleted_row_is_caught_at_the_entry_after_it(world):
    entries = _entries(world)
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    result = audit.verify()
    assert result.first_break.entry_id == entries[2].pk


def test_a_rehashed_row_still_breaks_the_next_link(world):
    """Someone who edits a row and recomputes its own hash still breaks the chain after it."""
    entries = _entries(world)
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.action = "forged"
    new_hash = audit.compute_hash(forged)
    _tamper(
        "UPDATE core_auditentry SET action = %s, entry_hash = %s WHERE id = %s",
        ["forged", new_hash, entries[1].pk],
    )
    assert audit.verify().first_break.entry_id == entries[2].pk


def test_verify_command_reports_an_intact_chain(world, capsys):
    _entries(world, 3)
    call_command("audit", "verify")
    assert "3 entries verified" in capsys.readouterr().out


def test_cli_exits_non_zero_naming_the_entry(world):
    from convenor.cli import main

    entries = _entries(world, 3)
    _tamper("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["x", entries[0].pk])
    with pytest.raises(SystemExit) as stopped:
        main(["audit", "verify"])
    assert stopped.value.code == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_updates_and_deletes_of_audit_rows(world):
    entry = audit.record("kept_forever", actor=world.people["analyst"])
    for statement in (
        "UPDATE core_auditentry SET action = 'changed' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "kept_forever"
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


# --- Keyed chain and checkpoints (issue 11, item 2) -------------------------------------------


def _row(pk):
    return AuditEntry.objects.get(pk=pk)


def _plain_sha256(entry):
    unkeyed = copy.copy(entry)
    unkeyed.scheme = HashScheme.SHA256
    return audit.compute_hash(unkeyed)


def _downgraded_to_sha256(entry):
    entry.scheme = HashScheme.SHA256
    return audit.compute_hash(entry)


def _wrong_key(entry):
    return audit.compute_hash(entry, key=b"the attacker's guess at the key")


ALTERED = "do not match their hashes: they were altered, or re-hashed without the key"
UNKEYED = (
    "have unkeyed hashes after the chain became keyed: "
    "they were written or re-hashed without the key"
)
# How someone with write access to the database but without the audit key re-hashes entries.
REHASHERS = {
    "plain SHA-256": (_plain_sha256, ALTERED),
    "SHA-256 marked as written before the key": (_downgraded_to_sha256, UNKEYED),
    "HMAC with a wrong key": (_wrong_key, ALTERED),
}


def _rehash_from(first_pk, rehash, previous_hash):
    """Re-chain every entry from first_pk on, as an attacker without the key would."""
    for entry in AuditEntry.objects.filter(pk__gte=first_pk).order_by("id"):
        entry.previous_hash = previous_hash
        entry.entry_hash = rehash(entry)
        _tamper(
            "UPDATE core_auditentry SET previous_hash = %s, entry_hash = %s, scheme = %s "
            "WHERE id = %s",
            [entry.previous_hash, entry.entry_hash, entry.scheme, entry.pk],
        )
        previous_hash = entry.entry_hash


def test_an_intact_chain_with_a_checkpoint_verifies_and_the_result_is_recorded(world, capsys):
    entries = _entries(world, 4)
    checkpoint = audit.write_checkpoint()
    assert (checkpoint.head_id, checkpoint.entries) == (entries[-1].pk, 4)
    _entries(world, 2)
    result = audit.verify()
    assert result.ok and result.problems == () and result.checkpoints == 1
    assert all(entry.scheme == HashScheme.HMAC_SHA256 for entry in AuditEntry.objects.all())
    call_command("audit", "verify")
    assert "6 entries verified, consistent with 1 signed checkpoints" in capsys.readouterr().out
    recorded = AuditEntry.objects.filter(action=audit.VERIFIED_ACTION).get()
    assert recorded.detail["ok"] is True and recorded.detail["entries"] == 6


def test_a_cut_off_end_is_caught_against_the_checkpoint(world):
    entries = _entries(world, 6)
    checkpoint = audit.write_checkpoint()
    _tamper("DELETE FROM core_auditentry WHERE id > %s", [entries[2].pk])
    result = audit.verify()
    assert not result.ok
    assert result.problems == (
        f"the chain ends at entry {entries[2].pk} but the {checkpoint.label} recorded 6 entries "
        f"up to entry {entries[5].pk}: the last 3 entries were removed",
    )
    with pytest.raises(CommandError, match="the last 3 entries were removed"):
        call_command("audit", "verify")


def test_a_deleted_entry_is_named_as_missing(world):
    entries = _entries(world, 6)
    _tamper(
        "DELETE FROM core_auditentry WHERE id BETWEEN %s AND %s", [entries[1].pk, entries[3].pk]
    )
    result = audit.verify()
    assert result.problems == (f"entries {entries[1].pk}-{entries[3].pk} are missing",)
    assert result.first_break.entry_id == entries[4].pk


@pytest.mark.parametrize("rehasher", REHASHERS)
def test_a_mid_chain_deletion_re_hashed_without_the_key_is_caught(world, rehasher):
    rehash, complaint = REHASHERS[rehasher]
    entries = _entries(world, 6)
    checkpoint = audit.write_checkpoint()
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    _rehash_from(entries[3].pk, rehash, entries[1].entry_hash)
    result = audit.verify()
    assert result.problems == (
        f"entry {entries[2].pk} is missing",
        f"entries {entries[3].pk}-{entries[5].pk} {complaint}",
        f"entry {entries[5].pk} no longer has the hash the {checkpoint.label} recorded 6 entries "
        f"up to entry {entries[5].pk} (5 of them remain): "
        "the chain up to it was rewritten, or cut and written again",
    )


@pytest.mark.parametrize("rehasher", REHASHERS)
def test_a_rewrite_from_one_entry_on_is_caught_at_that_entry(world, rehasher):
    rehash, complaint = REHASHERS[rehasher]
    entries = _entries(world, 5)
    audit.write_checkpoint()
    _tamper("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", entries[2].pk])
    _rehash_from(entries[2].pk, rehash, entries[1].entry_hash)
    result = audit.verify()
    assert result.first_break.entry_id == entries[2].pk
    assert result.problems[0] == f"entries {entries[2].pk}-{entries[4].pk} {complaint}"
    assert result.problems[1].startswith(f"entry {entries[4].pk} no longer has the hash the ")


def test_a_single_edited_entry_is_named_and_the_chain_after_it_still_holds(world):
    entries = _entries(world, 4)
    _tamper("UPDATE core_auditentry SET detail = %s WHERE id = %s", ['{"x": 1}', entries[1].pk])
    assert audit.verify().problems == (
        f"entry {entries[1].pk} does not match its hash: "
        "it was altered, or re-hashed without the key",
    )


def test_an_edited_checkpoint_file_is_caught(world):
    entries = _entries(world, 5)
    audit.write_checkpoint()
    _tamper("DELETE FROM core_auditentry WHERE id > %s", [entries[2].pk])
    # Cover the cut: rewrite the checkpoint to the shortened chain, without the key.
    path = audit.checkpoint_file()
    line = json.loads(path.read_text())
    line.update(head_id=entries[2].pk, head_hash=entries[2].entry_hash, entries=3)
    path.write_text(json.dumps(line) + "\n" + "not a checkpoint\n")
    result = audit.verify()
    assert result.checkpoints == 0
    assert result.problems[0] == f"line 2 of {path} is not a checkpoint: it was edited"
    assert result.problems[1].startswith("line 1 of the checkpoint file: the checkpoint of ")
    assert result.problems[1].endswith(
        "has a bad signature: the checkpoint file was edited, or written without the key"
    )


def test_checkpoints_are_signed_lines_appended_to_the_file(world):
    _entries(world, 2)
    first = audit.write_checkpoint()
    _entries(world, 1)
    second = audit.write_checkpoint()
    found, unreadable = audit.read_checkpoints()
    assert unreadable == []
    assert [(c.head_id, c.entries) for c in found] == [(first.head_id, 2), (second.head_id, 3)]
    assert all(c.signature_valid for c in found)
    assert stat.S_IMODE(os.stat(audit.checkpoint_file()).st_mode) == 0o640


def test_checkpoints_also_go_to_syslog(world, settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.settimeout(5)
        settings.CONVENOR_AUDIT_CHECKPOINT_SYSLOG = f"127.0.0.1:{listener.getsockname()[1]}"
        _entries(world, 2)
        checkpoint = audit.write_checkpoint()
        message = listener.recv(4096).decode()
    assert "convenor-audit-checkpoint " + checkpoint.as_line() in message


def test_a_checkpoint_is_written_after_a_commit_when_due(world, settings, monkeypatch):
    from convenor.core.audit import checkpoints

    monkeypatch.setattr(checkpoints, "_last_written", None)  # a process that wrote none yet
    settings.CONVENOR_AUDIT_CHECKPOINT_ENTRIES = 3
    settings.CONVENOR_AUDIT_CHECKPOINT_SECONDS = 3600
    with transaction.atomic():
        audit.record("rolled_back")
        transaction.set_rollback(True)
    assert not audit.checkpoint_file().exists()  # nothing for an entry that never was
    heads = []
    for i in range(5):
        with TestCase.captureOnCommitCallbacks(execute=True):
            heads.append(audit.record(f"action_{i}").pk)
    found, _ = audit.read_checkpoints()
    assert [c.head_id for c in found] == [heads[0], heads[3]]
    assert audit.verify().ok  # the rolled-back entry left no gap


def test_entries_written_before_the_key_still_verify_and_are_counted(world):
    previous = audit.GENESIS_HASH
    for pk in (3, 7):  # the old id sequence could skip numbers
        legacy = AuditEntry(
            id=pk,
            scheme=HashScheme.SHA256,
            at=timezone.now(),
            action="before_the_key",
            previous_hash=previous,
        )
        legacy.entry_hash = audit.compute_hash(legacy)
        legacy.save(force_insert=True)
        previous = legacy.entry_hash
    keyed = audit.record("after_the_key")
    assert (keyed.pk, keyed.scheme) == (8, HashScheme.HMAC_SHA256)
    result = audit.verify()
    assert result.ok and result.entries == 3
    assert "2 entries written before the chain was keyed carry plain SHA-256" in result.notes


def test_checkpoint_command_writes_and_reports_an_unwritable_place(world, settings, tmp_path):
    _entries(world, 2)
    call_command("audit", "checkpoint")
    assert len(audit.read_checkpoints()[0]) == 1
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.CONVENOR_AUDIT_CHECKPOINT_DIR = str(blocker)
    with pytest.raises(CommandError, match=f"Checkpoint not written: cannot append to {blocker}"):
        call_command("audit", "checkpoint")


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "convenor.settings",
        "CONVENOR_SECRET_KEY": "x" * 50,
        "CONVENOR_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),  # this checkout's code, when set
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Set CONVENOR_AUDIT_KEY" in result.stderr


def test_auditors_see_the_latest_checkpoints_and_the_last_verification(world, client):
    from tests.conftest import verified_login

    entries = _entries(world, 3)
    checkpoint = audit.write_checkpoint()
    verified_login(client, world.people["auditor"])
    body = client.get("/audit/").content.decode()
    assert "Not verified yet" in body
    assert f"#{checkpoint.head_id}" in body and "Valid" in body

    call_command("audit", "verify")
    assert "Intact" in client.get("/audit/").content.decode()

    _tamper("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    body = client.get("/audit/").content.decode()
    assert "Not intact" in body and f"entry {entries[1].pk} is missing" in body
