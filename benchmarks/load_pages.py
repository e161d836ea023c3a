"""The issue's page types, each a function drawing one path from the benchmark's ids (shared by
the locust users and the CPU pass of bench_load.py)."""

from __future__ import annotations

import random

API_LISTS = [
    "governance/boards",
    "governance/meetings",
    "governance/actions",
    "groups",
    "threat/entities",
    "threat/records",
    "threat/links",
]


def page_paths(targets: dict) -> dict:
    """Page type -> a function drawing one path of that type."""
    pick = random.choice
    pages = {
        "home": lambda: "/",
        "intelligence list": lambda: "/intelligence/",
        "intelligence report": lambda: f"/intelligence/{pick(targets['reports'])}/",
        "network (focused)": lambda: (
            f"/threat/network/?around=entity:{pick(targets['entities'])}&steps=2"
        ),
        "entity": lambda: f"/threat/entities/{pick(targets['entities'])}/",
        "links": lambda: "/threat/links/",
        "group": lambda: f"/groups/{pick(targets['groups'])}/",
        "rankings": lambda: "/groups/rankings/",
        "board": lambda: f"/governance/boards/{pick(targets['boards'])}/",
        "meeting": lambda: f"/governance/meetings/{pick(targets['meetings'])}/",
        "my actions": lambda: "/governance/actions/",
        "API list": lambda: f"/api/v1/{pick(API_LISTS)}/",
    }
    if targets.get("profile_version"):
        profile, number = targets["profile_version"]
        pages["profile version"] = lambda: f"/profiles/{profile}/versions/{number}/"
    return pages
