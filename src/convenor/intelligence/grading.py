"""The 3x5x2 intelligence grading (College of Policing APP, Intelligence management), the
4Ps, security classifications and the threat-area taxonomy, as reference data
(``reference/grading.yaml``, ``reference/threat_areas.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.db import models

REFERENCE = Path(__file__).parent / "reference"
GRADING = yaml.safe_load((REFERENCE / "grading.yaml").read_text())


def _scale(name: str) -> type[models.TextChoices]:
    """One scale of the 3x5x2 from the reference data, each label leading with its code."""
    members = [
        (member, (code, f"{code} – {meaning}")) for member, (code, meaning) in GRADING[name].items()
    ]
    return models.TextChoices(name, members, module=__name__)


SourceEvaluation = _scale("SourceEvaluation")
IntelligenceAssessment = _scale("IntelligenceAssessment")
HandlingCode = _scale("HandlingCode")


CONDITIONS_MISSING = "Handling code C needs its conditions written out"


def conditions_missing(handling_code: str | None, handling_conditions: str | None) -> bool:
    """Handling code C is shared only under conditions, so they must be written out."""
    return handling_code == HandlingCode.CONDITIONS and not (handling_conditions or "").strip()


class Classification(models.TextChoices):
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


# The 4Ps, each labelled with its own name.
FourP = models.TextChoices(
    "FourP",
    [(p.upper(), (p, p.capitalize())) for p in ("pursue", "prevent", "protect", "prepare")],
    module=__name__,
)


@cache
def threat_area_choices() -> list[tuple[str, str]]:
    data = yaml.safe_load((REFERENCE / "threat_areas.yaml").read_text())
    return [(row["code"], row["label"]) for row in data["threat_areas"]]


def threat_area_labels(codes: list[str]) -> list[str]:
    labels = dict(threat_area_choices())
    return [labels.get(code, code) for code in codes]


def four_p_labels(codes: list[str]) -> list[str]:
    labels = dict(FourP.choices)
    return [labels.get(code, code) for code in codes]
