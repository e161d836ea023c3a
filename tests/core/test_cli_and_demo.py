"""The console command and the demo partnership."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from convenor.core.demo import PEOPLE, PRESTON, WEST_MIDLANDS
from convenor.core.models import AuditEntry, Membership, Organisation, Partnership, User


def _convenor() -> str:
    found = Path(sys.executable).with_name("convenor")
    return str(found) if found.exists() else shutil.which("convenor")


def test_convenor_help_lists_the_operator_commands():
    result = subprocess.run([_convenor(), "--help"], capture_output=True, text=True, check=True)
    for command in ["demo", "serve", "audit", "createsuperuser", "load-areas"]:
        assert command in result.stdout


def test_audit_help_names_verify(tmp_path):
    result = subprocess.run(
        [_convenor(), "audit", "--help"],
        capture_output=True,
        text=True,
        env={"CONVENOR_TESTING": "1", "CONVENOR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and "verify" in result.stdout


def test_demo_loads_the_partnership_and_prints_sign_ins(db, capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    for username, *_ in PEOPLE:
        assert username in out
    assert Partnership.objects.filter(name__in=[WEST_MIDLANDS, PRESTON]).count() == 2
    for name in [
        "National Crime Agency",
        "HM Revenue and Customs",
        "Crimestoppers",
        "Preston Vocational Centre (Twilight Project)",
        "Birmingham City Council",
    ]:
        assert Organisation.objects.filter(name=name).exists()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {
        "partnership_administrator",
        "analyst",
        "practitioner",
        "board_member",
        "auditor",
    }
    # West Midlands people cannot see the Preston partnership, and the other way round.
    from convenor.core import access

    alex = User.objects.get(username="alex.morgan")
    assert not access.visible(alex, Partnership.objects.filter(name=PRESTON)).exists()
    assert (
        access.visible(User.objects.get(username="chris.evans"), Partnership.objects.all()).count()
        == 2
    )


def test_demo_can_run_twice_and_issues_new_passwords(db, capsys):
    call_command("demo", "--no-serve")
    first = capsys.readouterr().out
    call_command("demo", "--no-serve")
    second = capsys.readouterr().out
    assert Organisation.objects.filter(name="Preston City Council").count() == 1
    line = next(row for row in first.splitlines() if row.startswith("alex.morgan"))
    assert line not in second
    from convenor.core import audit

    assert audit.verify().ok
    assert AuditEntry.objects.filter(action="demo_loaded").count() == 2


def test_totp_code_is_refused_outside_the_demo(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO = False
    with pytest.raises(CommandError, match="only in the demo"):
        call_command("totp_code", "alex.morgan")
