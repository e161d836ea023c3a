"""The ``convenor`` console command: Convenor's operator commands, on Django's management layer.

convenor demo             set up the embedded database with the demo partnership and serve it
convenor serve            serve Convenor (runs migrations first) with a worker beside it
convenor worker           run background jobs from the queue, and the periodic schedule
convenor audit verify     prove the audit chain unbroken; exit 1 naming what is missing or altered
convenor audit checkpoint sign the chain's end and append it outside the database
convenor backup DIR       the database and a checksummed manifest (never a key) into DIR
convenor restore DIR      verify a backup and load it into an empty database
convenor load-areas       load ONS local authorities, police force areas and regions
convenor profile build    build a SOC local profile (--area CODE --period 2025Q4)
convenor intelligence purge  destroy anonymous reports past their retention period
convenor createsuperuser  create an operator account
convenor monitoring-report BOARD --as USERNAME -o FILE.pdf   a board's monitoring report (PDF)
convenor overdue-actions --as USERNAME [--board BOARD]       overdue board actions
convenor import FILE      import a partner file into a dataset (progress bar; all or nothing)
convenor link             link a partnership's datasets into entities (progress bar)
convenor group-rankings --as USERNAME [--area CODE] [--threat-area CODE]   ranked groups (CSV)
convenor scoring-model [--file PATH]   check the group scoring model; a worked example
convenor orders expiring --days 90 --as USERNAME   ancillary orders expiring soon (for cron)
convenor <django command> any other Django management command (migrate, check, ...)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

OPERATOR_COMMANDS = {
    "demo": "Set up the demo partnership on the embedded database and serve it",
    "serve": "Serve Convenor on http://127.0.0.1:8000 (migrating first), with a worker",
    "worker": "Run background jobs from the queue and the periodic schedule (any number)",
    "audit": "Audit chain: 'audit verify' proves it unbroken; 'audit checkpoint' anchors it",
    "backup": "Back up the database into a new folder, with checksums (never a key)",
    "restore": "Verify a backup's checksums and load it into an empty database",
    "load-areas": "Load ONS local authorities, police force areas and regions",
    "profile": "SOC local profiles: 'profile build --area E07000123 --period 2025Q4'",
    "intelligence": "Intelligence: 'intelligence purge' destroys anonymous reports past retention",
    "createsuperuser": "Create an operator account",
    "migrate": "Bring the database schema up to date",
    "monitoring-report": "Governance: a board's monitoring report as a PDF",
    "overdue-actions": "Governance: open board actions past their due date",
    "import": "Import a partner file: 'import FILE --dataset ID --mapping M.yaml --user NAME'",
    "link": "Link a partnership's datasets: 'link --partnership SLUG --user NAME'",
    "group-rankings": "Organised crime groups ranked by score, as CSV (--as USER, audited)",
    "scoring-model": "Check the organised crime group scoring model and show a worked example",
    "orders": "Ancillary orders: 'orders expiring --days 90 --as USER' (weekly from cron)",
    "load-taxonomy": "Reload threat areas and harm characteristics from reference YAML",
}


def _help() -> str:
    lines = ["usage: convenor COMMAND [options]", "", "Operator commands:"]
    lines += [f"  {name:<16} {text}" for name, text in OPERATOR_COMMANDS.items()]
    lines += [
        "",
        "Any other Django management command also works;",
        "'convenor COMMAND --help' gives its options.",
    ]
    return "\n".join(lines)


DEMO_CONFIGURATION = "convenor.env"


def _var_dir() -> Path:
    default = Path(__file__).resolve().parent.parent.parent / "var"
    return Path(os.environ.get("CONVENOR_VAR_DIR", default))


def use_demo_configuration() -> Path | None:
    """Apply the settings ``convenor demo`` left beside its database (var/convenor.env).

    Only an install configured by nothing else takes them: where the environment names a secret
    key or a database, it is a real install and the demo's file is ignored.
    """
    path = _var_dir() / DEMO_CONFIGURATION
    if not path.is_file() or {"CONVENOR_SECRET_KEY", "DATABASE_URL"} & set(os.environ):
        return None
    for line in path.read_text().splitlines():
        name, equals, value = line.strip().partition("=")
        if equals and not name.startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())
    return path


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_help())
        return
    use_demo_configuration()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenor.settings")
    try:
        from django.conf import settings
        from django.core.management import execute_from_command_line

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        command = argv[0].replace("-", "_")
        execute_from_command_line(["convenor", command, *argv[1:]])
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # an operator gets one clear line, not a traceback
        if os.environ.get("CONVENOR_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"convenor: {message}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
