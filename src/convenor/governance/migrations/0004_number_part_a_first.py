"""Number every meeting's agenda as the services now keep it: Part A items 1, 2, 3... in their
present order, then Part B items numbered on from there (issue 13, item 7). Items used to be
numbered in the order they were added, so a confidential standing item could come first."""

from django.db import migrations


def number_part_a_first(apps, schema_editor):
    AgendaItem = apps.get_model("governance", "AgendaItem")
    meeting_ids = AgendaItem.objects.values_list("meeting_id", flat=True).distinct()
    for meeting_id in meeting_ids.iterator():
        items = list(AgendaItem.objects.filter(meeting_id=meeting_id).order_by("number"))
        ordered = sorted(items, key=lambda item: item.part == "confidential")
        highest = max(item.number for item in items)
        moved = [item for number, item in enumerate(ordered, start=1) if item.number != number]
        # Past every number in use first, so (meeting, number) stays unique at every step.
        for item in moved:
            item.number += highest
        AgendaItem.objects.bulk_update(moved, ["number"])
        for number, item in enumerate(ordered, start=1):
            item.number = number
        AgendaItem.objects.bulk_update(moved, ["number"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_agenda_exemption")]

    operations = [migrations.RunPython(number_part_a_first, migrations.RunPython.noop)]
