"""Load disruption types, disruption impacts (with their definitions) and ancillary order types
from reference/*.yaml."""

from django.db import migrations


def forward(apps, schema_editor):
    from convenor.groups.reference import load_response

    load_response(
        {name: apps.get_model("groups", name) for name in ("DisruptionType", "DisruptionImpact",
                                                            "OrderType")}
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("groups", "0007_disruptions_and_orders")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
