import sys
from typing import Any

from django.core.management.base import CommandError

from pave.accounts import services
from pave.accounts.models import Organisation, User
from pave.accounts.roles import Role
from pave.core.management.base import ActionCommand, cli_actor


class Command(ActionCommand):
    help = "Manage users: pave user create USERNAME --org CODE --role ROLE --password-stdin"
    actions = {"create": "create a user", "list": "list users"}

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "create":
            parser.add_argument("username")
            parser.add_argument("--org", required=True, help="organisation code")
            parser.add_argument("--role", required=True, choices=Role.values)
            parser.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from the first line of standard input",
            )
            parser.add_argument("--email", default="")
            parser.add_argument("--first-name", default="")
            parser.add_argument("--last-name", default="")
        elif action == "list":
            parser.add_argument("--org", default="")

    def handle_create(self, **options: Any) -> None:
        org = Organisation.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"no organisation {options['org']!r} (see: pave org list)")
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"user {options['username']!r} already exists")
        if not options["password_stdin"]:
            raise CommandError(
                "pass --password-stdin and the password on standard input "
                "(never as an argument: it would show in the process list)"
            )
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input")
        user = services.user_create(
            actor=cli_actor(),
            username=options["username"],
            organisation=org,
            role=options["role"],
            password=password,
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        self.stdout.write(f"created user {user.username} ({user.role} at {org.code})")

    def handle_list(self, **options: Any) -> None:
        users = User.objects.select_related("organisation").order_by("username")
        if options["org"]:
            users = users.filter(organisation__code=options["org"])
        for user in users:
            org = user.organisation.code if user.organisation else "-"
            self.stdout.write(f"{user.username}\t{user.role}\t{org}")
