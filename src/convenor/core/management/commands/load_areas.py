from django.core.management.base import BaseCommand

from convenor.core.areas import load_areas
from convenor.core.postcodes import postcode_index


class Command(BaseCommand):
    help = (
        "Load ONS local authorities (LTLA with UTLA), police force areas and regions, and build "
        "the postcode index if this machine has none. Idempotent."
    )

    def handle(self, *args, **options):
        counts = load_areas()
        self.stdout.write(
            f"Loaded {counts['ltla']} lower-tier and {counts['utla']} upper-tier "
            "local authorities, "
            f"{counts['pfa']} police force areas, {counts['region']} regions."
        )
        self.stdout.write(f"Postcode index: {len(postcode_index())} postcodes.")
