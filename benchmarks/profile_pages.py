"""Where a page's CPU goes: cProfile over the issue's page types, in one process, on a
PostgreSQL partnership built as ``bench_load.py`` builds it.

    python -m benchmarks.profile_pages [--scale small] [--requests 20] [--pages "entity,links"]

For each page type: wall ms per request, and the share spent in the parts the issue names: the
account-standing queries every request makes (``core.standing.account_problem``), session saves,
audit writes on reads (``core.audit.record``), template rendering, and SQL (``cursor.execute``:
PostgreSQL's time plus the driver's). Shares overlap (an audit write runs SQL). Does not change
the app: it reads where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_load import ROOT, SCALES, _environment, postgres, prepare

PARTS = {  # label: (file fragment, function name) whose cumulative time is counted
    "standing queries": ("core/standing.py", "account_problem"),
    "session save": ("sessions/backends/db.py", "save"),
    "audit write": ("core/audit/chain.py", "record"),
    "templates": ("django/template/backends/django.py", "render"),
    "SQL": ("django/db/backends/utils.py", "execute"),
}


def _cumulative(stats: pstats.Stats, fragment: str, function: str) -> float:
    """The outermost calls' cumulative seconds (a recursive render counts once)."""
    total = 0.0
    for (file, _, name), (_, _, _, cumulative, callers) in stats.stats.items():
        if name == function and fragment in file:
            own = sum(c[3] for k, c in callers.items() if k[2] == function and fragment in k[0])
            total += cumulative - own
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pages", default="", help="comma-separated page types; default all")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="convenor-profile-pages-"))
    with postgres(work) as url:
        env = _environment(work, url)
        prepare(env, SCALES[args.scale], 1, work / "load.json")
        os.environ.update(env, CONVENOR_LOG_FORMAT="text")  # the table, not a line a request
        os.environ["DJANGO_SETTINGS_MODULE"] = "convenor.settings"
        sys.path.insert(0, str(ROOT / "src"))  # this checkout's code, as the server ran it
        import json

        import django

        django.setup()
        from django.db import connections
        from django.test import Client
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from benchmarks.load_pages import page_paths
        from convenor.core import reauth
        from convenor.core.models import User

        targets = json.loads((work / "load.json").read_text())["targets"]
        accounts = json.loads((work / "load.json").read_text())["accounts"]
        user = User.objects.get(username=accounts[0]["username"])
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.refresh_from_db()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session[reauth.SESSION_KEY] = time.time()
        session.save()
        wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
        print(f"{'page type':22} {'ms':>6} " + " ".join(f"{p:>16}" for p in PARTS))
        for name, path_of in page_paths(targets).items():
            if (wanted and name not in wanted) or name == "API list":
                continue
            client.get(path_of())  # warm
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(args.requests):
                response = client.get(path_of())
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
            profiler.disable()
            ms = (time.perf_counter() - started) * 1000 / args.requests
            stats = pstats.Stats(profiler)
            shares = [
                _cumulative(stats, *where) * 1000 / args.requests / ms for where in PARTS.values()
            ]
            print(f"{name:22} {ms:6.1f} " + " ".join(f"{s:16.0%}" for s in shares), flush=True)
        connections.close_all()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
