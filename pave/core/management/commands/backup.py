import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pave.core.audit import audit_record, audit_seal, client_address
from pave.core.backup import KEYS_REMINDER, BackupError, backup_write
from pave.core.management.base import cli_actor

SUFFIXES = {"sqlite": "sqlite3.gz", "postgresql": "pgdump"}


class Command(BaseCommand):
    help = (
        "Write a consistent, compressed backup of the database (personal data stays encrypted; "
        "the keys are never in it): pave backup [--output FILE]"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="where to write it (default: ./pave-backup-<UTC time>.<sqlite3.gz|pgdump>)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client_address.set("cli")
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        suffix = SUFFIXES.get(connection.vendor, "backup")
        output = options["output"] or Path(f"pave-backup-{stamp}.{suffix}")
        audit_seal()  # the backup carries the audit events chained, not pending
        try:
            result = backup_write(output=output.resolve())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            audit_record(
                actor=cli_actor(),
                action="backup.create",
                object_type="database",
                detail={"vendor": result.vendor, "bytes": result.size},
            )
        self.stdout.write(f"backup written: {result.path} ({result.size:,} bytes, mode 0600)")
        self.stdout.write(KEYS_REMINDER)
