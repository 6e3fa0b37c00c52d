from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from pave.accounts import selectors, services
from pave.accounts.models import ApiToken, User
from pave.core.management.base import ActionCommand, cli_actor


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(ActionCommand):
    help = (
        "Manage API tokens: pave token create USERNAME [--days N] (prints the token once) | "
        "pave token list [USERNAME] | pave token revoke ID"
    )
    actions = {
        "create": "create a bearer token for a user",
        "list": "list tokens (id, prefix, user, created, last used, expires, status)",
        "revoke": "revoke a token by its id (it answers 401 from then on)",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "create":
            parser.add_argument("username")
            parser.add_argument("--name", default="", help="what the token is for")
            parser.add_argument(
                "--days", type=int, default=None, help="lifetime in days (default PAVE_TOKEN_DAYS)"
            )
        elif action == "list":
            parser.add_argument("username", nargs="?", default="")
        elif action == "revoke":
            parser.add_argument("id", type=int)

    def handle_create(self, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        token, clear = services.token_create(
            actor=cli_actor(), user=user, name=options["name"], days=options["days"]
        )
        self.stdout.write(clear)
        self.stderr.write(
            f"Store this token now: it is shown once, and only its hash is kept. "
            f"It expires {_when(token.expires_at)}."
        )

    def handle_list(self, **options: Any) -> None:
        self.stdout.write("id\tprefix\tuser\tcreated\tlast used\texpires\tstatus\tname")
        for token in selectors.tokens_for_cli(username=options["username"]):
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        f"{token.prefix}…",
                        token.user.username,
                        _when(token.created_at),
                        _when(token.last_used_at),
                        _when(token.expires_at),
                        token.status,
                        token.name,
                    ]
                )
            )

    def handle_revoke(self, **options: Any) -> None:
        token = ApiToken.objects.filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"no token {options['id']}")
        services.token_revoke(actor=cli_actor(), token=token)
        self.stdout.write(f"revoked token {token.pk} ({token.prefix}…) of {token.user.username}")
