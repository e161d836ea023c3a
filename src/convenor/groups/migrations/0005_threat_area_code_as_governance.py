"""One threat-area code for child sexual abuse and exploitation across Convenor: governance's
priorities use `child-sexual-exploitation`, so the groups taxonomy does too (the name is
unchanged). Rows keep their id, so groups keep their threat areas."""

from django.db import migrations


def forward(apps, schema_editor):
    ThreatArea = apps.get_model("groups", "ThreatArea")
    if not ThreatArea.objects.filter(code="child-sexual-exploitation").exists():
        ThreatArea.objects.filter(code="child-sexual-abuse").update(
            code="child-sexual-exploitation"
        )


def backward(apps, schema_editor):
    ThreatArea = apps.get_model("groups", "ThreatArea")
    ThreatArea.objects.filter(code="child-sexual-exploitation").update(code="child-sexual-abuse")


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_member_entity")]

    operations = [migrations.RunPython(forward, backward)]
