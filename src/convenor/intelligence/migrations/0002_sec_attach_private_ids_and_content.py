"""Anonymous reports keep no time finer than the day (ADR 0032): attachments move from files
(whose modification, change and birth times are exact) into the database, and the ids of
attachments, anonymous submissions and their messages become random, so they do not order
submissions. Rows made before this keep their ids; messages get their place in the
conversation from their old order."""

from pathlib import Path

from django.conf import settings
from django.db import migrations, models, transaction

import convenor.intelligence.models


def _attachment_folder() -> Path:
    return Path(settings.VAR_DIR) / "intelligence" / "attachments"


def files_into_rows(apps, schema_editor):
    Attachment = apps.get_model("intelligence", "Attachment")
    folder = _attachment_folder()
    moved = []
    for attachment in Attachment.objects.all():
        path = folder / attachment.stored_name
        if not path.is_file():
            raise RuntimeError(
                f"Attachment {attachment.pk}'s file {path} is missing; restore it, then migrate"
            )
        attachment.sealed = path.read_bytes()  # still sealed: no key needed to move it
        attachment.save(update_fields=["sealed"])
        moved.append(path)
    # The files go only once the rows holding their content are committed.
    transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in moved])


def number_messages(apps, schema_editor):
    AnonymousMessage = apps.get_model("intelligence", "AnonymousMessage")
    places: dict[int, int] = {}
    for message in AnonymousMessage.objects.order_by("submission_id", "id"):
        places[message.submission_id] = places.get(message.submission_id, 0) + 1
        message.position = places[message.submission_id]
        message.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="sealed",
            field=models.BinaryField(
                default=b"", help_text="Encrypted content (AES-GCM, ADR 0033)"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(files_into_rows, migrations.RunPython.noop),
        migrations.RemoveField(model_name="attachment", name="stored_name"),
        migrations.AlterModelOptions(name="attachment", options={"ordering": ["filename", "id"]}),
        migrations.AddField(
            model_name="anonymousmessage",
            name="position",
            field=models.PositiveIntegerField(
                default=0, help_text="1 for the first turn, 2 for the next..."
            ),
            preserve_default=False,
        ),
        migrations.RunPython(number_messages, migrations.RunPython.noop),
        migrations.AlterModelOptions(name="anonymousmessage", options={"ordering": ["position"]}),
        migrations.AddConstraint(
            model_name="anonymousmessage",
            constraint=models.UniqueConstraint(
                fields=("submission", "position"), name="one_message_per_position"
            ),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="id",
            field=models.BigIntegerField(
                default=convenor.intelligence.models.random_id,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.AlterField(
            model_name="anonymoussubmission",
            name="id",
            field=models.BigIntegerField(
                default=convenor.intelligence.models.random_id,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.AlterField(
            model_name="anonymousmessage",
            name="id",
            field=models.BigIntegerField(
                default=convenor.intelligence.models.random_id,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
    ]
