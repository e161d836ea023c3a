"""Load the threat-area taxonomy and seed 002's harm characteristics from reference/*.yaml."""

from django.db import migrations


def forward(apps, schema_editor):
    from convenor.groups.reference import load

    load(apps.get_model("groups", "ThreatArea"), apps.get_model("groups", "HarmCharacteristic"))


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
