"""The groups' console commands: rankings as CSV (audited), the scoring-model check, the
taxonomy reload; all listed in `convenor --help`."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from convenor.core.models import AuditEntry
from convenor.groups.models import ThreatArea


def _convenor() -> str:
    found = Path(sys.executable).with_name("convenor")
    return str(found) if found.exists() else shutil.which("convenor")


def test_help_lists_the_group_commands():
    result = subprocess.run([_convenor(), "--help"], capture_output=True, text=True, check=True)
    for command in ["group-rankings", "scoring-model", "load-taxonomy"]:
        assert command in result.stdout


def test_rankings_as_csv_for_what_the_user_may_see(world, groups):
    out = io.StringIO()
    call_command("group_rankings", "--as", world.people["board_member"].username, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["name"] for r in rows} == {
        "Own shared group",
        "Own private group",
        "Partner shared group",
    }
    assert rows[0]["rank"] == "1" and rows[-1]["rank"] == ""  # own private: never assessed
    entry = AuditEntry.objects.get(action="groups_exported")
    assert entry.actor == world.people["board_member"] and entry.detail["rows"] == 3


def test_rankings_refuse_unknown_users_areas_and_threat_areas(world, groups):
    with pytest.raises(CommandError, match="No active user"):
        call_command("group_rankings", "--as", "nobody")
    with pytest.raises(CommandError, match="no area with the ONS code"):
        call_command("group_rankings", "--as", "own-analyst", "--area", "X1")
    with pytest.raises(CommandError, match="drugs-supply"):
        call_command("group_rankings", "--as", "own-analyst", "--threat-area", "nope")
    assert not AuditEntry.objects.filter(action="groups_exported").exists()


def test_scoring_model_check_shows_a_worked_example_and_names_a_broken_file(tmp_path):
    out = io.StringIO()
    call_command("scoring_model", stdout=out)
    assert "version convenor-ocg-1" in out.getvalue()
    assert "score 33.0, Band 2 (medium)" in out.getvalue()
    broken = tmp_path / "model.yaml"
    broken.write_text("version: x\nbands: []\n")
    with pytest.raises(CommandError, match="impact_scale"):
        call_command("scoring_model", "--file", str(broken))


def test_taxonomy_reload_is_idempotent(db):
    ThreatArea.objects.filter(code="firearms").update(name="Guns")
    out = io.StringIO()
    call_command("load_taxonomy", stdout=out)
    call_command("load_taxonomy", stdout=out)
    assert ThreatArea.objects.get(code="firearms").name == "Firearms"
    assert ThreatArea.objects.count() == 13
    assert "Loaded 13 threat areas and 5 harm characteristics" in out.getvalue()


def test_threat_area_codes_are_the_same_as_governance_priorities(db):
    """One taxonomy of threat areas across Convenor: boards and actions (governance) and groups
    use the same codes."""
    from pathlib import Path

    import yaml

    import convenor

    governance = Path(convenor.__file__).parent / "governance" / "reference" / "priorities.yaml"
    if not governance.exists():
        pytest.skip("the governance app is not in this tree")
    codes = {t["code"] for t in yaml.safe_load(governance.read_text())["threat_areas"]}
    assert set(ThreatArea.objects.values_list("code", flat=True)) == codes
