from django.core.management.base import BaseCommand

from convenor.groups.models import (
    DisruptionImpact,
    DisruptionType,
    HarmCharacteristic,
    OrderType,
    ThreatArea,
)
from convenor.groups.reference import load, load_response


class Command(BaseCommand):
    help = (
        "Load the groups app's reference YAML: threat areas, harm characteristics, disruption "
        "types and impacts, ancillary order types. Idempotent: codes are kept, names, "
        "definitions and order refreshed, nothing deleted."
    )

    def handle(self, *args, **options):
        threat_areas, harm = load(ThreatArea, HarmCharacteristic)
        response = load_response(
            {"DisruptionType": DisruptionType, "DisruptionImpact": DisruptionImpact,
             "OrderType": OrderType}
        )  # fmt: skip
        self.stdout.write(
            f"Loaded {threat_areas} threat areas and {harm} harm characteristics "
            f"({ThreatArea.objects.count()} threat areas in use); "
            f"{response['DisruptionType']} disruption types, {response['DisruptionImpact']} "
            f"impact levels and {response['OrderType']} order types."
        )
