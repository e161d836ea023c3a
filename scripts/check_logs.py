"""make prod-check: the web app's logs, after a drive over HTTP, are what the operator guide
promises: every line of the app's log one JSON object, a line with a request id for each request,
a signed-in user's id on some, and no trace of the anonymous channel in any log file.

    python scripts/check_logs.py APP_LOG [OTHER_LOG ...]
"""

from __future__ import annotations

import json
import sys


def check(app_log: str, other_logs: list[str]) -> list[str]:
    problems = []
    requests = []
    with open(app_log, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"{app_log}:{number}: not a JSON line: {line[:80]!r}")
                continue
            if entry.get("logger") == "convenor.request":
                requests.append(entry)
    if not requests:
        problems.append(f"{app_log}: no request lines (logger convenor.request)")
    if any(not entry.get("request_id") for entry in requests):
        problems.append(f"{app_log}: a request line without a request id")
    if not any(entry.get("user_id") for entry in requests):
        problems.append(f"{app_log}: no request line names a signed-in user")
    if any((entry.get("route") or "").startswith("intelligence:anonymous") for entry in requests):
        problems.append(f"{app_log}: a request line for the anonymous channel")
    for path in [app_log, *other_logs]:
        with open(path, encoding="utf-8") as log:
            if "/intelligence/report" in log.read():
                problems.append(f"{path}: mentions the anonymous channel's path")
    return problems


if __name__ == "__main__":
    found = check(sys.argv[1], sys.argv[2:])
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"logs: {'ok' if not found else f'{len(found)} problem(s)'}")
    sys.exit(1 if found else 0)
