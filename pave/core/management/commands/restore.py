from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pave.core.audit import audit_record, client_address
from pave.core.backup import BackupError, backup_restore
from pave.core.management.base import cli_actor


class Command(BaseCommand):
    help = (
        "Restore a backup written by `pave backup` into an empty database, then verify the "
        "audit log: pave restore FILE (the data keys must be configured as when it was made)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="a backup written by pave backup")

    def handle(self, *args: Any, **options: Any) -> None:
        client_address.set("cli")
        try:
            vendor = backup_restore(source=options["file"].resolve())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {options['file']} into the {vendor} database")
        call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
        with transaction.atomic():
            audit_record(
                actor=cli_actor(),
                action="backup.restore",
                object_type="database",
                detail={"vendor": vendor},
            )
