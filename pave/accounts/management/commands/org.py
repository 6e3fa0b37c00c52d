from typing import Any

from django.core.management.base import CommandError

from pave.accounts import services
from pave.accounts.models import Organisation
from pave.core.codelists import OrganisationType
from pave.core.management.base import ActionCommand, cli_actor


class Command(ActionCommand):
    help = "Manage organisations: pave org create CODE --name NAME --type TYPE --country CC"
    actions = {
        "create": "create an organisation",
        "list": "list organisations",
        "office": "add an office to an organisation",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "create":
            parser.add_argument("code")
            parser.add_argument("--name", required=True)
            parser.add_argument("--type", required=True, choices=OrganisationType.values)
            parser.add_argument("--country", required=True, help="ISO 3166 alpha-2 code")
        elif action == "office":
            parser.add_argument("code")
            parser.add_argument("--name", required=True)
            parser.add_argument("--country", required=True)
            parser.add_argument("--city", default="")

    def handle_create(self, **options: Any) -> None:
        if Organisation.objects.filter(code=options["code"]).exists():
            raise CommandError(f"organisation {options['code']!r} already exists")
        org = services.organisation_create(
            actor=cli_actor(),
            code=options["code"],
            name=options["name"],
            type=options["type"],
            country=options["country"],
        )
        self.stdout.write(f"created organisation {org.code} ({org.name})")

    def handle_office(self, **options: Any) -> None:
        org = Organisation.objects.filter(code=options["code"]).first()
        if org is None:
            raise CommandError(f"no organisation {options['code']!r}")
        office = services.office_create(
            actor=cli_actor(),
            organisation=org,
            name=options["name"],
            country=options["country"],
            city=options["city"],
        )
        self.stdout.write(f"created office {office}")

    def handle_list(self, **options: Any) -> None:
        for org in Organisation.objects.order_by("code"):
            self.stdout.write(f"{org.code}\t{org.type}\t{org.country}\t{org.name}")
