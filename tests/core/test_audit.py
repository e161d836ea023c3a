"""The audit chain: appended in order, each entry linked to the one before; tampering is named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from convenor.core import audit
from convenor.core.models import AuditEntry


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
