"""convenor overdue-actions [--board SLUG] --as USERNAME: open actions past their due date."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.models import User
from convenor.governance.models import Action


class Command(BaseCommand):
    help = "List the open board actions past their due date that a person may see (tab-separated)."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--board", help="Only this board (its short name)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the username {options['username']}")
        today = timezone.localdate()
        actions = access.visible(
            user, Action.objects.filter(status__in=Action.OPEN, due_on__lt=today)
        ).select_related("board", "owner", "owner_organisation")
        if options["board"]:
            actions = actions.filter(board__slug=options["board"])
        audit.record("overdue_actions_listed", actor=user, detail={"board": options["board"]})
        self.stdout.write("due_on\tdays_overdue\tboard\towner\torganisation\taction")
        count = 0
        for action in actions.order_by("due_on"):
            count += 1
            self.stdout.write(
                f"{action.due_on.isoformat()}\t{(today - action.due_on).days}\t"
                f"{action.board.slug}\t{action.owner.username}\t"
                f"{action.owner_organisation.name}\t{action.title}"
            )
        self.stderr.write(f"{count} overdue action{'s' if count != 1 else ''}")
