from django.core.management.base import BaseCommand, CommandError

from convenor.core.models import User
from convenor.groups import selectors, services


class Command(BaseCommand):
    help = (
        "Ancillary orders: 'orders expiring --days 90 --as USER' prints the orders the user may "
        "see that expire within the days given (default CONVENOR_ORDERS_EXPIRING_DAYS, 90), "
        "soonest first, for a weekly reminder from cron. Recorded in the audit record."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        expiring = sub.add_parser("expiring", help="Orders expiring soon")
        expiring.add_argument("--as", dest="username", required=True, help="Whose view")
        expiring.add_argument("--days", type=int, default=None, help="Days ahead (1 to 3660)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['username']!r}")
        days = options["days"] if options["days"] is not None else services.expiring_days()
        if not 1 <= days <= 3660:
            raise CommandError("--days must be from 1 to 3660")
        orders = list(selectors.expiring_orders(user, days))
        services.record_export(user, "orders expiring (command line)", {"days": days}, len(orders))
        if not orders:
            self.stdout.write(f"No orders you may see expire within {days} days.")
            return
        self.stdout.write(f"{len(orders)} orders expire within {days} days:")
        for order in orders:
            self.stdout.write(
                f"{order.expires_on.isoformat()}  {order.order_type.name} on {order.subject.name} "
                f"({order.group.name}); monitoring officer: {order.monitoring_officer.username}"
                f"; breaches: {order.breach_count}"
            )
