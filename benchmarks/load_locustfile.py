"""The locust users of ``bench_load.py`` (run headless by it, not by hand).

Each user takes one signed-in session (``LOAD_SESSIONS``: cookies and an API token, signed in
with password and TOTP by the harness) and opens the issue's page types at random, drawing ids
from ``LOAD_TARGETS``; ``LOAD_PAUSE`` is "2,5" (seconds between pages) or "0" (no pause).
A page that answers anything but 200, or lands on the sign-in page, counts as an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import FastHttpUser, between, constant, task

from benchmarks.load_pages import page_paths

with open(os.environ["LOAD_SESSIONS"], encoding="utf-8") as _f:
    SESSIONS = json.load(_f)
with open(os.environ["LOAD_TARGETS"], encoding="utf-8") as _f:
    TARGETS = json.load(_f)
_next_session = itertools.count()
_pause = [float(p) for p in os.environ.get("LOAD_PAUSE", "2,5").split(",")]
PAGES = page_paths(TARGETS)


class PartnershipUser(FastHttpUser):
    wait_time = between(*_pause) if len(_pause) == 2 else constant(_pause[0])

    def on_start(self):
        session = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.cookie = "; ".join(f"{k}={v}" for k, v in session["cookies"].items())
        self.token = session["api_token"]

    @task
    def open_a_page(self):
        name = random.choice(list(PAGES))
        path = PAGES[name]()
        headers = (
            {"Authorization": f"Token {self.token}"}
            if path.startswith("/api/")
            else {"Cookie": self.cookie}
        )
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/sign-in" in (response.url or ""):
                response.failure("signed out")
