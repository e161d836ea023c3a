"""convenor monitoring-report BOARD --as USERNAME [--start DATE] [--end DATE] -o FILE.pdf"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from convenor.core import access
from convenor.core.models import User
from convenor.governance import monitoring
from convenor.governance.access_rules import entitled_boards
from convenor.governance.models import Board


class Command(BaseCommand):
    help = "Write a board's monitoring report (recommendations and actions, with charts) as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("board", help="The board's short name (slug)")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The person the report is produced for (the policy applies)",
        )
        parser.add_argument(
            "--start", help="Start of the period, YYYY-MM-DD (default: six months before the end)"
        )
        parser.add_argument("--end", help="End of the period, YYYY-MM-DD (default: today)")
        parser.add_argument("-o", "--output", required=True, help="Where to write the PDF")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the username {options['username']}")
        board = access.visible(user, Board.objects.all()).filter(slug=options["board"]).first()
        if board is None or not (
            user.is_superuser or board.pk in entitled_boards(access.standing(user))
        ):
            raise CommandError(
                f"{user.username} has no board called {options['board']} to report on"
            )
        try:
            start, end = monitoring.parse_period(
                options["start"], options["end"], timezone.localdate()
            )
        except monitoring.PeriodError as problem:
            raise CommandError(str(problem)) from problem
        report = monitoring.build_report(user, board, start, end)
        pdf = monitoring.report_pdf(user, report)
        Path(options["output"]).write_bytes(pdf)
        self.stdout.write(
            f"Wrote {options['output']}: {len(report.recommendations)} recommendations, "
            f"{len(report.actions)} actions, {len(report.overdue())} overdue"
        )
