"""Real ONS geography: local authorities from the ONS LTLA–UTLA lookup, police force areas and
regions from reference data, and postcode look-ups through the ONS Postcode Directory."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from .models import Area
from .postcodes import postcode_index

REFERENCE = Path(__file__).parent / "reference" / "police_force_areas.yaml"
CHANGES = Path(__file__).parent / "reference" / "local_authority_changes.yaml"
# The shape of a UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


class PostcodeError(ValueError):
    """A postcode that is malformed or not in the ONS Postcode Directory; the message says which."""


@dataclass(frozen=True)
class PostcodeLocation:
    postcode: str
    local_authority_code: str
    local_authority: Area | None
    easting: int | None
    northing: int | None


@transaction.atomic
def load_areas() -> dict[str, int]:
    """Load (or refresh) every lower-tier local authority with its upper tier, then the police
    force areas and regions. Idempotent: running it twice changes nothing."""
    import qlacref_authorities  # the ONS LTLA21–UTLA21 lookup, OGL v3

    counts = {"ltla": 0, "utla": 0, "pfa": 0, "region": 0}
    records = qlacref_authorities.records
    upper: dict[str, Area] = {}
    for row in records:
        code, name = row["UTLA21CD"], row["UTLA21NM"]
        if code not in upper:
            upper[code], _ = Area.objects.update_or_create(
                code=code, defaults={"name": name, "kind": Area.Kind.UPPER_TIER, "parent": None}
            )
            counts["utla"] += 1
    for row in records:
        code, name = row["LTLA21CD"], row["LTLA21NM"]
        if code == row["UTLA21CD"]:
            # A unitary authority is both tiers: one row, recorded as lower tier.
            Area.objects.filter(code=code).update(kind=Area.Kind.LOWER_TIER, parent=None)
        else:
            Area.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": Area.Kind.LOWER_TIER,
                    "parent": upper[row["UTLA21CD"]],
                },
            )
        counts["ltla"] += 1
    counts["utla"] = Area.objects.filter(kind=Area.Kind.UPPER_TIER).count()

    reference = yaml.safe_load(REFERENCE.read_text())
    for region_data in reference["regions"]:
        region, _ = Area.objects.update_or_create(
            code=region_data["code"],
            defaults={"name": region_data["name"], "kind": Area.Kind.REGION, "parent": None},
        )
        counts["region"] += 1
        for force_data in region_data["forces"]:
            force, _ = Area.objects.update_or_create(
                code=force_data["code"],
                defaults={
                    "name": force_data["name"],
                    "kind": Area.Kind.POLICE_FORCE,
                    "parent": region,
                },
            )
            force.local_authorities.set(
                Area.objects.filter(
                    code__in=force_data["local_authorities"], kind=Area.Kind.LOWER_TIER
                )
            )
            counts["pfa"] += 1
    counts["successor"] = apply_local_authority_changes()
    return counts


def apply_local_authority_changes() -> int:
    """Bring the 2021 authorities up to date (reference/local_authority_changes.yaml): each new
    authority is created with the police force areas of those it replaces, which end with it as
    their successor; an upper tier left with no current district ends too."""
    changes = yaml.safe_load(CHANGES.read_text())["changes"]
    for change in changes:
        replaced = list(Area.objects.filter(code__in=change["replaces"]))
        if len(replaced) != len(change["replaces"]):
            missing = set(change["replaces"]) - {a.code for a in replaced}
            raise ValueError(f"{change['code']} replaces unknown areas {sorted(missing)}")
        successor, _ = Area.objects.update_or_create(
            code=change["code"],
            defaults={"name": change["name"], "kind": Area.Kind.LOWER_TIER, "parent": None},
        )
        for force in Area.objects.filter(local_authorities__in=replaced).distinct():
            force.local_authorities.add(successor)
        for old in replaced:
            old.ended_on = change["date"]
            old.save(update_fields=["ended_on"])
            old.successors.add(successor)
        for upper in Area.objects.filter(code__in=change.get("ends_upper_tier", [])):
            upper.successors.add(successor)
            if not upper.children.current().exists():
                upper.ended_on = change["date"]
                upper.save(update_fields=["ended_on"])
    return len(changes)


def normalise_postcode(raw: str) -> str:
    """Upper-case a postcode and put one space before the inward code, or raise PostcodeError."""
    cleaned = re.sub(r"\s+", "", (raw or "").upper())
    match = POSTCODE_PATTERN.match(cleaned)
    if not match:
        raise PostcodeError(f"“{raw}” is not a UK postcode: enter one like PR1 2HE")
    return f"{match.group(1)} {match.group(2)}"


def resolve_postcode(raw: str) -> PostcodeLocation:
    """The local authority and OS grid reference of a postcode."""
    postcode = normalise_postcode(raw)
    found = postcode_index().find(postcode.replace(" ", ""))
    if found is None:
        raise PostcodeError(f"{postcode} is not in the ONS Postcode Directory")
    return PostcodeLocation(
        postcode=postcode,
        local_authority_code=found.local_authority_code,
        local_authority=Area.objects.filter(code=found.local_authority_code).first(),
        easting=found.easting,
        northing=found.northing,
    )
