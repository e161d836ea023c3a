"""What the sections built from other registers share: the apps they need, the four Ps,
and the build context's areas as database ids."""

from __future__ import annotations

from .. import BuildContext

GROUPS = "convenor.groups"
INTELLIGENCE = "convenor.intelligence"
THREAT = "convenor.threat"

P_ORDER = ["pursue", "prevent", "protect", "prepare"]
P_LABELS = {"pursue": "Pursue", "prevent": "Prevent", "protect": "Protect", "prepare": "Prepare"}


def name_key(name: str) -> str:
    return " ".join(name.lower().split())


def latest_iso(dates) -> str:
    dates = [d for d in dates if d]
    return max(dates).isoformat() if dates else ""


def area_ids(ctx: BuildContext) -> list[int]:
    from convenor.core.models import Area

    return ctx.cached(
        "area_ids",
        lambda: list(Area.objects.filter(code__in=ctx.area_codes).values_list("pk", flat=True)),
    )
