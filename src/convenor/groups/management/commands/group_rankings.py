import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from convenor.core.access import visible
from convenor.core.models import Area, User
from convenor.groups import services
from convenor.groups.models import ThreatArea
from convenor.groups.rankings import ranked_groups


class Command(BaseCommand):
    help = (
        "Organised crime groups ranked by current score, as the named user may see them, per "
        "area and/or threat area, as CSV on standard output. Recorded in the audit record as "
        "an export by that user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="Whose view to rank")
        parser.add_argument("--area", help="ONS code: local authority, upper tier, force, region")
        parser.add_argument("--threat-area", help="Threat area code, e.g. drugs-supply")
        parser.add_argument("--archived", action="store_true", help="Include archived groups")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['username']!r}")
        area = threat_area = None
        if options["area"]:
            area = visible(user, Area.objects.all()).filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"There is no area with the ONS code {options['area']!r}")
        if options["threat_area"]:
            threat_area = ThreatArea.objects.filter(code=options["threat_area"]).first()
            if threat_area is None:
                codes = ", ".join(ThreatArea.objects.values_list("code", flat=True))
                raise CommandError(f"Unknown threat area; use one of: {codes}")
        groups = list(
            ranked_groups(
                user, area=area, threat_area=threat_area, include_archived=options["archived"]
            ).prefetch_related("threat_areas")
        )
        services.record_export(
            user,
            "rankings (command line)",
            {
                "area": options["area"] or "",
                "threat_area": options["threat_area"] or "",
                "archived": options["archived"],
            },
            len(groups),
        )
        writer = csv.writer(self.stdout if self.stdout else sys.stdout)
        writer.writerow(["rank", "group_id", "name", "status", "score", "band", "assessed_on",
                         "threat_areas"])  # fmt: skip
        for rank, group in enumerate(groups, start=1):
            assessed = group.current_score is not None
            writer.writerow(
                [
                    rank if assessed else "",
                    group.pk,
                    group.name,
                    group.status,
                    f"{group.current_score:.1f}" if assessed else "",
                    group.current_band or "",
                    group.current_assessed_on.isoformat() if assessed else "",
                    ";".join(t.code for t in group.threat_areas.all()),
                ]
            )
