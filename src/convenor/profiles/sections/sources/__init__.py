"""Sections built from the other Convenor registers: organised crime groups (groups app),
intelligence reports (intelligence app) and partners' linked records (threat app), then the
threat areas ranked by harm, vulnerabilities and the opportunities for each P.

What goes into a profile is what its builder may see (the access policy decides), and what a
profile names is only what the partnership may share: groups shared in the profile's
partnership are named, other groups the builder sees are only counted; intelligence and
partner records appear only as counts, never as content or names.
"""

from __future__ import annotations

# Importing a module registers its sections and point sources (intelligence's points before the
# partners' network's, as the map lists them); the sections' functions are re-exported.
from .groups import groups_public, groups_section
from .intelligence import intelligence_public, intelligence_section
from .opportunities import opportunities_public, opportunities_section
from .partner_data import partner_data_public, partner_data_section
from .threat_areas import threat_areas_public, threat_areas_section
from .vulnerabilities import vulnerabilities_public, vulnerabilities_section

__all__ = [
    "groups_public",
    "groups_section",
    "intelligence_public",
    "intelligence_section",
    "opportunities_public",
    "opportunities_section",
    "partner_data_public",
    "partner_data_section",
    "threat_areas_public",
    "threat_areas_section",
    "vulnerabilities_public",
    "vulnerabilities_section",
]
