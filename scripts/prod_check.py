"""Drive a production-configured Convenor over HTTP, as a person would (scripts/prod-check.sh).

    python scripts/prod_check.py BASE_URL ACCOUNTS_FILE

ACCOUNTS_FILE is `convenor demo --no-serve`'s output (username, one-time password, TOTP secret).
Signs in with password and TOTP, changes the one-time password, uploads a dataset file and
follows the background import and a linkage run to completion, downloads a monitoring report
PDF, reports anonymously and reads the receipt, and checks /healthz. Standard library only.
Exits 1 with one line naming the step that failed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.cookiejar
import json
import re
import secrets
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser

USER = "lee.barnes"  # the demo's analyst: imports, links, sits on a board
TIMEOUT = 150  # seconds to wait for a background job


class Failed(Exception):
    pass


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: six digits, 30-second steps, SHA-1 (what authenticator apps compute)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Forms(HTMLParser):
    """Every <form> on a page: its action and the default values of its fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._selected: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "file"}:
                self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            value = a.get("value", "")
            if not value:
                a.pop("selected", None)  # "Choose one" placeholders
            chosen = self._select in self._selected
            if "selected" in a or (not chosen and not fields.get(self._select)):
                fields[self._select] = value  # the selected option, else the first real one
                if "selected" in a:
                    self._selected.add(self._select)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


class Browser:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.url = ""

    def request(self, path: str, data: bytes | None = None, headers=None, expect=200):
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        if data is not None:
            request.add_header("Referer", self.url or url)
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body, self.url = response.status, response.read(), response.url
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, body, kind = error.code, error.read(), ""
        if expect is not None and status != expect:
            raise Failed(f"{path}: HTTP {status}, expected {expect}")
        return body if kind.startswith("application/pdf") else body.decode("utf-8", "replace")

    def get(self, path: str, expect=200):
        return self.request(path, expect=expect)

    def form(self, page: str, action_has: str = "") -> dict:
        parser = Forms()
        parser.feed(page)
        for form in parser.forms:
            target = urllib.parse.urljoin(self.url, form["action"] or self.url)
            if action_has in target and "sign-out" not in target:
                return {**form, "action": target}
        raise Failed(f"no form posting to '{action_has}' on {self.url}")

    def submit(self, page: str, values: dict, action_has: str = "", files=None, expect=200):
        form = self.form(page, action_has)
        fields = {**form["fields"], **values}
        target = form["action"]
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(target, body, headers, expect=expect)


def account(accounts_file: str, username: str) -> tuple[str, str]:
    for line in open(accounts_file, encoding="utf-8"):  # noqa: SIM115
        words = line.split()
        if words and words[0] == username and len(words) >= 3:
            return words[1], words[2]
    raise Failed(f"{username} not in {accounts_file}")


def step(name: str):
    print(f"  - {name}", flush=True)


def wait_for(browser: Browser, path: str, done, what: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        progress = json.loads(browser.get(path))
        if progress.get("status") in {"failed", "error"}:
            raise Failed(f"{what} failed: {progress}")
        if done(progress):
            return progress
        time.sleep(1)
    raise Failed(f"{what} did not finish within {TIMEOUT} s: {progress}")


def sign_in(browser: Browser, password: str, secret: str) -> None:
    step("sign in with password and TOTP")
    page = browser.get("/sign-in/")
    page = browser.submit(page, {"username": USER, "password": password}, "sign-in")
    if "/sign-in/verify/" not in browser.url:
        raise Failed(f"no security code asked for after the password (at {browser.url})")
    page = browser.submit(page, {"code": totp(secret)}, "verify")
    if "/account/password/" in browser.url:
        step("choose a new password (forced at first sign-in)")
        new = "Prod-check " + secrets.token_urlsafe(12)
        fields = {"old_password": password, "new_password1": new, "new_password2": new}
        page = browser.submit(page, fields, "password")
    if "/sign-in" in browser.url or "/account/password/" in browser.url:
        raise Failed(f"still not signed in (at {browser.url})")


def import_and_link(browser: Browser) -> None:
    step("upload a dataset file; the background import runs to completion")
    datasets = browser.get("/threat/datasets/")
    columns, pk = {}, None
    for pk in dict.fromkeys(re.findall(r'href="/threat/datasets/(\d+)/"', datasets)):
        mapping = browser.request(f"/threat/datasets/{pk}/mapping.yaml", expect=None)
        columns = dict(re.findall(r"^\s+(\w+):\s*['\"]?([^'\"\n]+?)['\"]?\s*$", mapping, re.M))
        if "reference" in columns:
            break
    if "reference" not in columns:
        raise Failed("no dataset listed with a saved column mapping")
    sample = {
        "reference": "PC-{n}",
        "first_name": "Prod{n}",
        "surname": "Check",
        "date_of_birth": "1980-01-0{n}",
        "postcode": "PR1 2HE",
    }
    headings = list(columns.values())
    rows = [",".join(headings)]
    for n in range(1, 4):
        rows.append(",".join(sample.get(field, "").format(n=n) for field in columns))
    upload = browser.get(f"/threat/datasets/{pk}/import/")
    page = browser.submit(
        upload,
        {"confirm": "on"},
        "import",
        files={"file": ("prod-check.csv", ("\n".join(rows) + "\n").encode())},
    )
    if "/columns/" in browser.url:  # the saved mapping was not taken as it stands: confirm it
        page = browser.submit(page, {}, "columns")
    found = re.search(r"/threat/datasets/(\d+)/imports/(\d+)/", browser.url)
    if not found:
        raise Failed(f"the upload did not lead to an import (at {browser.url})")
    wait_for(
        browser,
        f"/threat/datasets/{pk}/imports/{found.group(2)}/progress.json",
        lambda p: p.get("status") == "done",
        "the import",
    )

    step("start a linkage run; it runs to completion on a worker")
    links = browser.get("/threat/links/")
    browser.submit(links, {}, "/threat/linkage/")
    run = re.search(r"/threat/linkage/(\d+)/", browser.url)
    if not run:
        raise Failed(f"starting linkage did not lead to its run (at {browser.url})")
    wait_for(
        browser,
        f"/threat/linkage/{run.group(1)}/progress.json",
        lambda p: p.get("status") == "done",
        "the linkage run",
    )


def download_pdf(browser: Browser) -> None:
    step("download a board's monitoring report (PDF)")
    boards = browser.get("/governance/boards/")
    board = re.search(r'href="/governance/boards/([\w-]+)/"', boards)
    if not board:
        raise Failed("no board listed")
    pdf = browser.get(f"/governance/boards/{board.group(1)}/report.pdf")
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF-"):
        raise Failed("the monitoring report is not a PDF")


def anonymous_channel(base: str) -> None:
    step("report anonymously (no account) and read it back with the receipt code")
    reporter = Browser(base)
    channels = reporter.get("/intelligence/report/")
    slug = re.search(r'href="/intelligence/report/([\w-]+)/"', channels)
    if not slug or slug.group(1) == "follow-up":
        raise Failed("no anonymous reporting channel listed")
    form = reporter.get(f"/intelligence/report/{slug.group(1)}/")
    what = f"Prod-check report {secrets.token_hex(4)}: goods sold from a van"
    fields = {"what": what, "where": "Market car park", "how_known": "I saw it"}
    receipt = reporter.submit(form, fields, "")
    code = re.search(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}", receipt)
    if not code:
        raise Failed("no receipt code after an anonymous report")
    follow = Browser(base)
    page = follow.get("/intelligence/report/follow-up/")
    page = follow.submit(page, {"code": code.group(0)}, "")
    if what not in page:
        raise Failed("the receipt code does not bring the report back")


def main(base: str, accounts_file: str) -> None:
    started = time.monotonic()
    step("/healthz answers 200 (database, migrations, a worker, the queue)")
    health = json.loads(Browser(base).get("/healthz"))
    if health.get("status") != "ok":
        raise Failed(f"/healthz: {health}")
    browser = Browser(base)
    password, secret = account(accounts_file, USER)
    sign_in(browser, password, secret)
    import_and_link(browser)
    download_pdf(browser)
    anonymous_channel(base)
    print(f"prod-check: all steps passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except (Failed, urllib.error.URLError, OSError, ValueError) as problem:
        print(f"prod-check FAILED: {problem}", file=sys.stderr)
        sys.exit(1)
