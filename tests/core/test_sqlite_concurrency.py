"""The embedded SQLite database takes concurrent use: eight people browsing pages that write to
the audit chain while a partner file imports and a linkage run goes, in the server's background
threads, see no server error (issue 13, item 1)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from tests.core.conftest import convenor_command, demo_env

pytestmark = pytest.mark.slow

CLIENTS = 8

SETUP = """
import json
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from convenor.core.models import Partnership
from convenor.threat.models import Dataset, Entity

device = TOTPDevice.objects.select_related("user").get(user__username="lee.barnes")
user = device.user
user.must_change_password = False  # the demo's one-time password already replaced
user.save(update_fields=["must_change_password"])
sessions = []
for _ in range({clients}):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store.create()
    sessions.append(store.session_key)
dataset = Dataset.objects.get(title="Operation Genga nominals")
print(json.dumps({{
    "sessions": sessions,
    "dataset": dataset.pk,
    "partnership": dataset.partnership_id,
    "entities": list(Entity.objects.filter(partnership=dataset.partnership)
                     .filter(records__dataset=dataset).values_list("pk", flat=True)[:20]),
}}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _large_nominals_file() -> tuple[bytes, dict[str, str]]:
    """The demo's nominals export forty times over, each copy with its own references."""
    from convenor.threat.demo import _files

    content, mapping = _files()["nominals"]
    header, _, rows = content.partition(b"\r\n")
    copies = [rows.replace(b"LC-", f"X{i:02d}-".encode()) for i in range(40)]
    return header + b"\r\n" + b"".join(copies), mapping


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _finished(session: requests.Session, job_url: str, statuses: list) -> str | None:
    """A background job's final status, or None while it runs."""
    url = job_url.rstrip("/") + "/progress.json"
    response = session.get(url, timeout=60)
    statuses.append((url, response.status_code))
    if response.status_code != 200:
        return None
    status = response.json()["status"]
    return None if status in ("queued", "running") else status


def test_eight_writers_an_import_and_a_linkage_run_meet_no_server_error(demo_var_dir):
    env = demo_env(demo_var_dir, CONVENOR_DEMO="1", CONVENOR_BACKGROUND_TASKS="1")
    setup = subprocess.run(
        [convenor_command()[0], "-c", SETUP.format(clients=CLIENTS)],
        env={**env, "DJANGO_SETTINGS_MODULE": "convenor.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    fixture = json.loads(setup.stdout.strip().splitlines()[-1])

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        convenor_command("serve", f"127.0.0.1:{port}"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the server and the worker it starts stop together
    )
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/sign-in/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

        def signed_in(index: int) -> requests.Session:
            session = requests.Session()
            session.cookies.set("sessionid", fixture["sessions"][index], domain="127.0.0.1")
            return session

        # Start the import (upload, then confirm the columns) and the linkage run.
        analyst = signed_in(0)
        dataset = fixture["dataset"]
        content, mapping = _large_nominals_file()
        upload = analyst.post(
            f"{base}/threat/datasets/{dataset}/import/",
            data={
                "csrfmiddlewaretoken": _csrf(analyst, f"{base}/threat/datasets/{dataset}/import/"),
                "confirm": "on",
            },
            files={"file": ("nominals-large.csv", content, "text/csv")},
            timeout=60,
        )
        assert upload.status_code == 200 and "/columns/" in upload.url, upload.text[-2000:]
        columns_url = upload.url
        token = _csrf(analyst, columns_url)

        statuses: list[tuple[str, int]] = []
        stop = threading.Event()

        def browse(index: int) -> None:
            session = signed_in(index)
            entities = fixture["entities"]
            n = 0
            while not stop.is_set():
                url = f"{base}/threat/entities/{entities[n % len(entities)]}/"
                try:
                    statuses.append((url, session.get(url, timeout=30).status_code))
                except requests.RequestException as problem:  # a request left waiting is a failure
                    statuses.append((f"{url} {problem}", 599))
                n += 1

        writers = [threading.Thread(target=browse, args=(i,)) for i in range(1, CLIENTS)]
        writers.append(threading.Thread(target=browse, args=(0,)))
        for writer in writers:
            writer.start()
        imported = analyst.post(
            columns_url, data={"csrfmiddlewaretoken": token, **mapping}, timeout=60
        )
        statuses.append((columns_url, imported.status_code))
        linkage = analyst.post(
            f"{base}/threat/linkage/",
            data={
                "csrfmiddlewaretoken": _csrf(analyst, f"{base}/threat/links/"),
                "partnership": fixture["partnership"],
            },
            timeout=60,
        )
        statuses.append(("linkage", linkage.status_code))
        run_url = linkage.url
        import_done = linkage_done = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not (import_done and linkage_done):
            time.sleep(0.5)
            import_done = import_done or _finished(analyst, imported.url, statuses)
            linkage_done = linkage_done or _finished(analyst, run_url, statuses)
        stop.set()
        for writer in writers:
            writer.join()
    finally:
        server.terminate()  # its worker finishes the job in hand first (ADR 0061)
        try:
            log = server.communicate(timeout=180)[1]
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the worker too: it holds the log pipe
            log = server.communicate()[1]

    errors = [(url, status) for url, status in statuses if status >= 500]
    assert not errors, (len(errors), errors[:5], log[-3000:])
    assert len(statuses) > 4 * CLIENTS
    assert (import_done, linkage_done) == ("done", "done"), log[-3000:]
    assert "database is locked" not in log
    verify = subprocess.run(
        convenor_command("audit", "verify"), env=env, capture_output=True, text=True, timeout=120
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
