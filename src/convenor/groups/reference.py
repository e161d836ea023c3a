"""Reference data of the groups app: threat areas and harm characteristics, from YAML.

Loaded by the data migration and by ``convenor load-taxonomy`` (after a partnership edits
the YAML); loading is idempotent: codes are kept, names and order refreshed, nothing deleted.
"""

from __future__ import annotations

from pathlib import Path

import yaml

REFERENCE_DIR = Path(__file__).parent / "reference"


def read(name: str) -> list[dict]:
    entries = yaml.safe_load((REFERENCE_DIR / name).read_text(encoding="utf-8"))
    return [{"code": str(e["code"]), "name": str(e["name"])} for e in entries]


def load(threat_area_model, harm_model) -> tuple[int, int]:
    """Create or refresh the taxonomies; returns how many of each there are in the files."""
    counts = []
    for model, filename in (
        (threat_area_model, "threat_areas.yaml"),
        (harm_model, "harm_characteristics.yaml"),
    ):
        entries = read(filename)
        for position, entry in enumerate(entries):
            model.objects.update_or_create(
                code=entry["code"], defaults={"name": entry["name"], "position": position}
            )
        counts.append(len(entries))
    return counts[0], counts[1]
