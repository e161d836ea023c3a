from django.core.management.base import BaseCommand

from convenor.groups.models import HarmCharacteristic, ThreatArea
from convenor.groups.reference import load


class Command(BaseCommand):
    help = (
        "Load the threat-area taxonomy and the harm characteristics from the groups app's "
        "reference YAML. Idempotent: codes are kept, names and order refreshed, nothing deleted."
    )

    def handle(self, *args, **options):
        threat_areas, harm = load(ThreatArea, HarmCharacteristic)
        self.stdout.write(
            f"Loaded {threat_areas} threat areas and {harm} harm characteristics "
            f"({ThreatArea.objects.count()} threat areas in use)."
        )
