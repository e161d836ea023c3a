"""Figures under load (issue 16): the production configuration (gunicorn, 4 workers) on
PostgreSQL and on SQLite, a partnership at scale, signed-in users driven by locust (headless).

    python -m benchmarks.bench_load [--scale issue|small] [--records N] [--reports N]
        [--groups N] [--boards N] [--minutes-at-work 10] [--capacity-seconds 60] ...

Scenarios (each prints p50/p95/p99 per page type and errors):
  people at work   50 users, 2-5 s between pages (target: p95 <= 200 ms per page type, 0 errors)
  capacity         no pause, users stepped up; the most pages/s while p95 < 500 ms
  embedded db      SQLite, 10 users without pauses (target: 0 errors)
then CPU ms per page type: gunicorn workers' and PostgreSQL backends' CPU time (psutil) before
and after a burst of each page type alone. PostgreSQL: ``DATABASE_URL``'s server when set, else
one started by scripts/postgres.sh. ``build`` (internal) grows the demo to the chosen scale.
"""

# ruff: noqa: S603, S607  (a harness: it runs our own commands, from our venv, with fixed arguments)
from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil

from benchmarks.common import machine, versions

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCALES = {  # records, reports, groups, boards
    "issue": (1_000_000, 100_000, 500, 50),
    "small": (20_000, 2_000, 50, 5),
}
P95_CAPACITY_MS = 500


def _environment(work: Path, database_url: str) -> dict:
    def secret() -> str:
        return secrets.token_urlsafe(48)

    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVENOR_")}
    env.update(
        DATABASE_URL=database_url,
        CONVENOR_SECRET_KEY=secret(),
        CONVENOR_AUDIT_KEY=secret(),
        CONVENOR_INTELLIGENCE_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        CONVENOR_VAR_DIR=str(work / "var"),
        CONVENOR_AUDIT_CHECKPOINT_DIR=str(work / "checkpoints"),
        CONVENOR_ALLOWED_HOSTS="127.0.0.1",
        CONVENOR_SECURE_COOKIES="0",
        CONVENOR_LOG_FORMAT="json",
        # The load users sign in once each; their sessions must outlast the run.
        CONVENOR_SESSION_SECONDS="7200",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT)])),
    )
    return env


@contextmanager
def postgres(work: Path):
    """A fresh database on DATABASE_URL's server, or on a server of our own."""
    import psycopg

    own = None
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        own = work / "pg"
        port = os.environ.get("CONVENOR_BENCH_PG_PORT", "54377")
        url = subprocess.run(
            ["bash", "scripts/postgres.sh", "start", str(own)],
            cwd=ROOT,
            env={**os.environ, "CONVENOR_TEST_PG_PORT": port},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    server = url.rsplit("/", 1)[0]
    name = f"convenor_bench_load_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if own:
            subprocess.run(["bash", "scripts/postgres.sh", "stop", str(own)], cwd=ROOT)


def prepare(env: dict, scale: tuple, users: int, out: Path) -> float:
    started = time.perf_counter()
    run = {"env": env, "cwd": ROOT, "check": True}
    subprocess.run([BIN / "convenor", "migrate", "--no-input", "-v", "0"], **run)
    subprocess.run([BIN / "convenor", "demo", "--no-serve"], **run, stdout=subprocess.DEVNULL)
    records, reports, groups, boards = scale
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_load", "build", "--records", str(records)]
        + ["--reports", str(reports), "--groups", str(groups), "--boards", str(boards)]
        + ["--users", str(users), "--out", str(out)],
        **run,
    )
    return time.perf_counter() - started


@contextmanager
def gunicorn(env: dict, port: int, log: Path):
    with open(log, "w") as stderr:
        server = subprocess.Popen(
            [BIN / "gunicorn", "convenor.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "4", "--timeout", "120"],
            cwd=ROOT,
            env=env,
            stderr=stderr,
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:  # workers stuck in a request: stop them hard
                for worker in psutil.Process(server.pid).children():
                    worker.kill()
                server.kill()
                server.wait()


def sign_in_all(base: str, accounts: list[dict]) -> tuple[list[dict], float]:
    """Every account signs in with password and TOTP and changes its one-time password."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from prod_check import Browser, Failed, totp

    sessions = []
    started = time.perf_counter()
    for account in accounts:
        browser = Browser(base)
        page = browser.get("/sign-in/")
        fields = {"username": account["username"], "password": account["password"]}
        page = browser.submit(page, fields, "sign-in")
        page = browser.submit(page, {"code": totp(account["totp_secret"])}, "verify")
        if "/account/password/" in browser.url:
            new = "Load-test " + secrets.token_urlsafe(12)
            fields = {"old_password": account["password"], "new_password1": new}
            page = browser.submit(page, {**fields, "new_password2": new}, "password")
        if "/sign-in" in browser.url or "/account/password/" in browser.url:
            raise Failed(f"{account['username']} not signed in (at {browser.url})")
        cookies = {c.name: c.value for c in browser.jar}
        sessions.append({"username": account["username"], "cookies": cookies})
    return sessions, (time.perf_counter() - started) / max(len(accounts), 1)


def locust(base: str, files: dict, users: int, seconds: int, pause: str, prefix: Path) -> dict:
    """One headless locust run; its figures per page type from locust's CSV."""
    env = {**os.environ, **files, "LOAD_PAUSE": pause, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [BIN / "locust", "-f", str(ROOT / "benchmarks" / "load_locustfile.py"), "--headless"]
        + ["-u", str(users), "-r", str(max(users // 5, 1)), "-t", f"{seconds}s", "--host", base]
        + ["--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
        env=env,
        cwd=ROOT,
        check=False,  # locust exits 1 when any request failed: the figures say so
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115
    )
    figures = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            figures[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
                "rps": float(row["Requests/s"]),
            }
    return figures


def server_side(log: Path, offset: int) -> tuple[dict, int]:
    """p50/p95 of Convenor's own request lines (``duration_ms`` in the JSON log) per route,
    from ``offset`` on: the time inside gunicorn, without the load generator's queueing."""
    durations: dict[str, list[float]] = {}
    with open(log, encoding="utf-8") as lines:
        lines.seek(offset)
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("logger") == "convenor.request" and entry.get("route"):
                durations.setdefault(entry["route"], []).append(entry["duration_ms"])
        end = lines.tell()
    figures = {}
    for route, values in durations.items():
        values.sort()
        figures[route] = (len(values), _percentile(values, 0.5), _percentile(values, 0.95), values)
    return figures, end


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def print_server_side(figures: dict) -> None:
    print("  server-side (Convenor's JSON request log, ms): route requests p50 p95")
    for route, (count, p50, p95, _) in sorted(figures.items()):
        print(f"    {route:34} {count:6,} {p50:6.0f} {p95:6.0f}")


def print_table(title: str, figures: dict, target_p95: float | None = None) -> None:
    print(f"\n{title}")
    print(f"  {'page type':22} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, f in sorted(figures.items(), key=lambda kv: kv[0] == "Aggregated"):
        flag = " MISSED" if target_p95 and name != "Aggregated" and f["p95"] > target_p95 else ""
        print(
            f"  {name:22} {f['requests']:8,} {f['errors']:6,} {f['p50']:6.0f} {f['p95']:6.0f} "
            f"{f['p99']:6.0f}{flag}"
        )


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _postgres_backends(database_url: str) -> list[psutil.Process]:
    port = database_url.rsplit(":", 1)[1].split("/")[0] if "postgres" in database_url else ""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if process.info["name"] == "postgres" and f"-p {port}" in cmdline:
            found.extend(process.children())
    return found


def cpu_per_page(
    base: str, server, database_url: str, session: dict, targets: dict, count: int
) -> dict:
    """Web-process and database CPU ms per page type: each type alone, ``count`` times in a row."""
    from benchmarks.load_pages import page_paths

    workers = psutil.Process(server.pid).children()
    cookie = "; ".join(f"{k}={v}" for k, v in session["cookies"].items())
    result = {}
    for name, path_of in page_paths(targets).items():
        backends = _postgres_backends(database_url)
        web_before, db_before = _cpu_seconds(workers), _cpu_seconds(backends)
        for _ in range(count):
            path = path_of()
            headers = (
                {"Authorization": f"Token {session['api_token']}"}
                if path.startswith("/api/")
                else {"Cookie": cookie}
            )
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    response.read()
            except urllib.error.HTTPError as error:
                raise SystemExit(f"CPU pass: {name} {path}: HTTP {error.code}") from None
        web = (_cpu_seconds(workers) - web_before) * 1000 / count
        db = (_cpu_seconds(_postgres_backends(database_url)) - db_before) * 1000 / count
        result[name] = (web, db)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="run", choices=["run", "build", "tokens"])
    parser.add_argument("--scale", choices=sorted(SCALES), default="issue")
    for name in ("records", "reports", "groups", "boards"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--users", type=int, default=50, help="people at work")
    parser.add_argument("--minutes-at-work", type=float, default=10)
    parser.add_argument("--capacity-users", default="5,10,20,40")
    parser.add_argument("--capacity-seconds", type=int, default=60)
    parser.add_argument("--sqlite-users", type=int, default=10)
    parser.add_argument("--sqlite-seconds", type=int, default=120)
    parser.add_argument("--cpu-requests", type=int, default=20)
    parser.add_argument("--scenarios", default="work,capacity,cpu,sqlite")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--out", help="(build) where to write the accounts and page ids")
    args = parser.parse_args(argv)
    scale = tuple(
        getattr(args, name) or default
        for name, default in zip(
            ("records", "reports", "groups", "boards"), SCALES[args.scale], strict=True
        )
    )
    if args.command in {"build", "tokens"}:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenor.settings")
        django.setup()
        from benchmarks.load_data import build, issue_tokens

        if args.command == "build":
            build(*scale, users=args.users, out=args.out)
        else:
            issue_tokens(args.out)
        return
    run(args, scale)


def run(args, scale: tuple) -> None:
    scenarios = set(args.scenarios.split(","))
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.1f} at the start")
    print(f"versions: {versions(['Django', 'gunicorn', 'locust', 'psycopg'])}")
    print(
        "scale: {:,} linked records, {:,} intelligence reports, {:,} groups, {:,} boards".format(
            *scale
        )
    )
    base = f"http://127.0.0.1:{args.port}"
    work = Path(tempfile.mkdtemp(prefix="convenor-bench-load-"))
    try:
        if scenarios & {"work", "capacity", "cpu"}:
            with postgres(work) as url:
                _run_on(args, scale, work / "pg-run", url, base, scenarios - {"sqlite"}, args.users)
        if "sqlite" in scenarios:
            url = f"sqlite:///{work}/sqlite-run/convenor.sqlite3"
            _run_on(
                args, scale, work / "sqlite-run", url, base, {"sqlite"}, users=args.sqlite_users
            )
    finally:
        print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
        shutil.rmtree(work, ignore_errors=True)


def _run_on(args, scale, work: Path, url: str, base: str, scenarios: set, users: int) -> None:
    work.mkdir(parents=True)
    env = _environment(work, url)
    data = work / "load.json"
    kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n== {kind}: migrate, demo, data at scale", flush=True)
    built_s = prepare(env, scale, users, data)
    print(f"  ready in {built_s:.0f} s", flush=True)
    loaded = json.loads(data.read_text())
    with gunicorn(env, args.port, work / "gunicorn.log") as server:
        sessions, sign_in_s = sign_in_all(base, loaded["accounts"])
        print(
            f"  {len(sessions)} users signed in (password, TOTP, new password): "
            f"{sign_in_s * 1000:.0f} ms each",
            flush=True,
        )
        tokens = work / "tokens.json"
        subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_load", "tokens", "--out", str(tokens)],
            env=env,
            cwd=ROOT,
            check=True,
        )
        issued = json.loads(tokens.read_text())
        for session in sessions:
            session["api_token"] = issued[session["username"]]
        (work / "sessions.json").write_text(json.dumps(sessions))
        (work / "targets.json").write_text(json.dumps(loaded["targets"]))
        files = {
            "LOAD_SESSIONS": str(work / "sessions.json"),
            "LOAD_TARGETS": str(work / "targets.json"),
        }
        log = work / "gunicorn.log"
        _, offset = server_side(log, 0)
        if "work" in scenarios:
            seconds = int(args.minutes_at_work * 60)
            figures = locust(base, files, users, seconds, "2,5", work / "work")
            print_table(
                f"people at work: {users} users, 2-5 s pauses, {seconds} s (ms)", figures, 200
            )
            served, offset = server_side(log, offset)
            print_server_side(served)
        if "capacity" in scenarios:
            print(f"\ncapacity: no pause, {args.capacity_seconds} s a step")
            best = 0.0
            for step in [int(n) for n in args.capacity_users.split(",")]:
                figures = locust(base, files, step, args.capacity_seconds, "0", work / f"cap{step}")
                total = figures["Aggregated"]
                ok = total["p95"] < P95_CAPACITY_MS
                best = max(best, total["rps"]) if ok else best
                served, offset = server_side(log, offset)
                pooled = sorted(d for route in served.values() for d in route[3])
                print(
                    f"  {step:3} users: {total['rps']:6.1f} pages/s, p50 {total['p50']:.0f} ms, "
                    f"p95 {total['p95']:.0f} ms, errors {total['errors']}"
                    f"{'' if ok else ' (p95 over 500 ms)'}; server-side p50 "
                    f"{_percentile(pooled, 0.5):.0f} ms, p95 {_percentile(pooled, 0.95):.0f} ms",
                    flush=True,
                )
            print_table(f"capacity at {step} users (ms)", figures)
            print_server_side(served)
            print(f"  capacity: {best:.1f} pages/s with p95 < {P95_CAPACITY_MS} ms")
        if "cpu" in scenarios:
            cpu = cpu_per_page(base, server, url, sessions[0], loaded["targets"], args.cpu_requests)
            print(f"\nCPU ms per page ({args.cpu_requests} requests of each type, one at a time)")
            print(f"  {'page type':22} {'web':>6} {'database':>9}")
            for name, (web, db) in cpu.items():
                print(f"  {name:22} {web:6.1f} {db:9.1f}")
        if "sqlite" in scenarios:
            figures = locust(base, files, users, args.sqlite_seconds, "0", work / "sqlite")
            print_table(
                f"embedded database (SQLite): {users} users, no pause, "
                f"{args.sqlite_seconds} s (ms)",
                figures,
            )
            served, offset = server_side(log, offset)
            print_server_side(served)


if __name__ == "__main__":
    main()
