from typing import Any

from django.core.management.base import CommandError

from pave.assistance.services import follow_up_reminders_send
from pave.core.management.base import ActionCommand, cli_actor


class Command(ActionCommand):
    help = "Send notifications: pave notify follow-ups [--days N]"
    actions = {"follow-ups": "remind case workers of follow-up visits due soon (once per visit)"}

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "follow-ups":
            parser.add_argument(
                "--days",
                type=int,
                default=7,
                help="visits due within this many days, and overdue ones (default 7)",
            )

    def handle_follow_ups(self, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days cannot be negative")
        sent = follow_up_reminders_send(actor=cli_actor(), within_days=options["days"])
        self.stdout.write(f"{sent} follow-up reminder(s) sent")
