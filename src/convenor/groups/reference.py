"""Reference data of the groups app from YAML: threat areas, harm characteristics, disruption
types and impacts, ancillary order types.

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


# The response's taxonomies: file -> the fields each entry may set besides code and name.
RESPONSE_FILES = {
    "DisruptionType": ("disruption_types.yaml", {"measured": False}),
    "DisruptionImpact": ("disruption_impacts.yaml", {"definition": ""}),
    "OrderType": ("order_types.yaml", {"legislation": "", "confiscation": False}),
}


def load_response(models: dict) -> dict[str, int]:
    """Create or refresh disruption types, impacts and order types (``models``: name -> model,
    so the data migration can pass its historical models); returns how many of each."""
    counts = {}
    for name, (filename, extras) in RESPONSE_FILES.items():
        entries = yaml.safe_load((REFERENCE_DIR / filename).read_text(encoding="utf-8"))
        for position, entry in enumerate(entries):
            defaults = {"name": str(entry["name"]).strip(), "position": position}
            defaults.update({k: entry.get(k, default) for k, default in extras.items()})
            if isinstance(defaults.get("definition"), str):
                defaults["definition"] = " ".join(defaults["definition"].split())
            models[name].objects.update_or_create(code=str(entry["code"]), defaults=defaults)
        counts[name] = len(entries)
    return counts
