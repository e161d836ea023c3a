"""Audit entries say how their hash was made. Entries already in the chain were plain SHA-256 and
keep it (ADD COLUMN with a default touches no row, so the append-only trigger is not involved);
``audit.record`` writes every new entry as HMAC-SHA256 under CONVENOR_AUDIT_KEY (ADR 0002)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_area_history")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="scheme",
            field=models.CharField(
                choices=[
                    ("sha256", "SHA-256 (written before the chain was keyed)"),
                    ("hmac-sha256", "HMAC-SHA256 under the audit key"),
                ],
                default="sha256",
                max_length=16,
            ),
            preserve_default=False,
        ),
    ]
