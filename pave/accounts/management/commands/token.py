from typing import Any

from django.core.management.base import CommandError

from pave.accounts import services
from pave.accounts.models import User
from pave.core.management.base import ActionCommand, cli_actor


class Command(ActionCommand):
    help = "Manage API tokens: pave token create USERNAME (prints the token once)"
    actions = {"create": "create a bearer token for a user"}

    def add_action_arguments(self, action: str, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle_create(self, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        _token, clear = services.token_create(actor=cli_actor(), user=user, name=options["name"])
        self.stdout.write(clear)
        self.stderr.write("Store this token now: it is shown once, and only its hash is kept.")
