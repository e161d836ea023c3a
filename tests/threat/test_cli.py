"""The analysts' commands: convenor import (with a mapping file and a progress bar) and link."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from convenor.cli import _help
from convenor.threat.models import DatasetImport, LinkageRun, Record
from tests.threat.conftest import NOMINALS_CSV

pytestmark = pytest.mark.django_db

MAPPING_YAML = """\
columns:
  reference: Nominal ID
  first_name: Forename
  surname: Surname
  date_of_birth: DOB
  address: Address
  postcode: Postcode
  phone: Mobile
  associate_reference: Associate of
"""


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_imports_with_a_progress_bar_and_is_idempotent(threat, areas, tmp_path):
    data = tmp_path / "nominals.csv"
    data.write_bytes(NOMINALS_CSV.encode())
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING_YAML)
    args = ["import", str(data), "--dataset", str(threat.own_dataset.pk)]
    out, err = run(*args, "--mapping", str(mapping), "--user", threat.own_analyst.username)
    assert "2 rows imported as 4 records" in out
    assert "Checking nominals.csv" in err and "rows" in err  # tqdm's bar
    count = Record.objects.count()
    # Again, with the mapping the dataset saved: nothing changes.
    out, _ = run(*args, "--user", threat.own_analyst.username)
    assert Record.objects.count() == count
    assert DatasetImport.objects.count() == 1


def test_import_command_lists_rejected_rows_and_fails(threat, areas, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_bytes((NOMINALS_CSV + "N3,Lee,Marsh,31/02/1990,,,,\n").encode())
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING_YAML)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import",
            str(data),
            "--dataset",
            str(threat.own_dataset.pk),
            "--mapping",
            str(mapping),
            "--user",
            threat.own_analyst.username,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "row 4, DOB: “31/02/1990” is not a date" in err.getvalue()
    assert Record.objects.count() == 0


@pytest.mark.parametrize(
    "change,message",
    [
        ({"--user": "nobody"}, "--user: no active user"),
        ({"--dataset": "999999"}, "--dataset: no dataset 999999"),
        ({"--mapping": "missing.yaml"}, "--mapping: cannot read"),
    ],
)
def test_import_command_names_the_bad_option(threat, tmp_path, change, message):
    data = tmp_path / "n.csv"
    data.write_bytes(NOMINALS_CSV.encode())
    (tmp_path / "m.yaml").write_text(MAPPING_YAML)
    options = {
        "--dataset": str(threat.own_dataset.pk),
        "--mapping": str(tmp_path / "m.yaml"),
        "--user": threat.own_analyst.username,
    }
    for key, value in change.items():
        options[key] = value if key != "--mapping" else str(tmp_path / value)
    args = ["import", str(data)] + [x for kv in options.items() for x in kv]
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_import_command_refuses_someone_who_may_not_import(threat, tmp_path):
    data = tmp_path / "n.csv"
    data.write_bytes(NOMINALS_CSV.encode())
    (tmp_path / "m.yaml").write_text(MAPPING_YAML)
    with pytest.raises(CommandError, match="Only an analyst of the holding organisation"):
        run(
            "import",
            str(data),
            "--dataset",
            str(threat.own_dataset.pk),
            "--mapping",
            str(tmp_path / "m.yaml"),
            "--user",
            threat.partner_analyst.username,
        )


def test_link_command(imported):
    out, err = run("link", "--partnership", imported.core.shared.slug, "--user", "own-analyst")
    assert "Linkage run" in out and "links" in out
    assert LinkageRun.objects.get().status == "done"
    with pytest.raises(CommandError, match="--partnership"):
        run("link", "--partnership", imported.core.elsewhere.slug, "--user", "own-analyst")


def test_commands_appear_in_convenor_help():
    text = _help()
    assert "import" in text and "link" in text


def test_saved_mapping_downloads_as_yaml_the_cli_reads(client, threat, areas, tmp_path):
    from convenor.threat import importing, services
    from tests.conftest import verified_login
    from tests.threat.conftest import NOMINALS_MAPPING

    services.import_file(
        threat.own_analyst, threat.own_dataset, "n.csv", NOMINALS_CSV.encode(), NOMINALS_MAPPING
    )
    verified_login(client, threat.own_analyst)
    response = client.get(f"/threat/datasets/{threat.own_dataset.pk}/mapping.yaml")
    assert response.status_code == 200
    assert importing.parse_mapping_document(response.content.decode()) == NOMINALS_MAPPING
    verified_login(client, threat.partner_analyst)  # sees the dataset, does not import into it
    assert client.get(f"/threat/datasets/{threat.own_dataset.pk}/mapping.yaml").status_code == 404


def test_splink_training_chatter_is_not_logged_unless_asked():
    # `convenor link` shows its progress bar and result; Splink's warnings about comparison
    # levels it could not train would otherwise interleave with the bar on every run.
    import logging

    assert logging.getLogger("splink.internals.linker").getEffectiveLevel() == logging.ERROR
