"""The 3x5x2 intelligence grading (College of Policing APP, Intelligence management), the
4Ps, security classifications and the threat-area taxonomy, as reference data."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.db import models

REFERENCE = Path(__file__).parent / "reference" / "threat_areas.yaml"


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1 – Reliable"
    UNTESTED = "2", "2 – Untested"
    NOT_RELIABLE = "3", "3 – Not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A – Known directly to the source"
    CORROBORATED = "B", "B – Known indirectly to the source but corroborated"
    KNOWN_INDIRECTLY = "C", "C – Known indirectly to the source"
    NOT_KNOWN = "D", "D – Not known"
    SUSPECTED_FALSE = "E", "E – Suspected to be false"


class HandlingCode(models.TextChoices):
    PERMITTED = "P", "P – Lawful sharing permitted"
    CONDITIONS = "C", "C – Lawful sharing permitted with conditions"


class Classification(models.TextChoices):
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class FourP(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


@cache
def threat_area_choices() -> list[tuple[str, str]]:
    data = yaml.safe_load(REFERENCE.read_text())
    return [(row["code"], row["label"]) for row in data["threat_areas"]]


def threat_area_labels(codes: list[str]) -> list[str]:
    labels = dict(threat_area_choices())
    return [labels.get(code, code) for code in codes]


def four_p_labels(codes: list[str]) -> list[str]:
    labels = dict(FourP.choices)
    return [labels.get(code, code) for code in codes]
