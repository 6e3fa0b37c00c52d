"""`pave training import|export|aggregates`: sign-in sheets and counts from the command line.

The operator acts as "cli:<os user>" in the audit log, for the organisation that organises
the event (import, export) or that is named (aggregates).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.http import Http404

from pave.accounts.models import Organisation
from pave.core.management.base import ActionCommand, cli_actor
from pave.interop.messages import read_error_message
from pave.training import importers, selectors, services


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Command(ActionCommand):
    help = (
        "Training records: pave training import EVENT_ID FILE [--dry-run] | "
        "pave training export EVENT_ID [--format csv|xlsx] [--output FILE] | "
        "pave training aggregates --org CODE [--from DATE] [--to DATE]"
    )
    actions = {
        "import": "import a sign-in sheet (CSV or XLSX) into an event: all rows or none",
        "export": "write an event's participant list (CSV to standard output by default)",
        "aggregates": "print the unique participants of an organisation's events as JSON",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "import":
            parser.add_argument("event_id", type=int)
            parser.add_argument("file", type=Path)
            parser.add_argument(
                "--dry-run", action="store_true", help="check and report; write nothing"
            )
            parser.add_argument("--session", type=int, help="the session a 'Present' sheet is for")
            parser.add_argument("--group", default="", help="stakeholder group for empty cells")
            parser.add_argument("--organisation", default="", help="organisation for empty cells")
            parser.add_argument("--country", default="", help="country for empty cells")
            parser.add_argument("--max-score", type=Decimal, default=Decimal(100))
        elif action == "export":
            parser.add_argument("event_id", type=int)
            parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
            parser.add_argument("--output", "-o", type=Path, help="a file (needed for xlsx)")
        elif action == "aggregates":
            parser.add_argument("--org", required=True, help="code of the organiser")
            parser.add_argument("--from", dest="date_from", type=_date)
            parser.add_argument("--to", dest="date_to", type=_date)
            parser.add_argument("--event-type", action="append", default=[])
            parser.add_argument("--group", action="append", default=[])
            parser.add_argument(
                "--suppressed", action="store_true", help="hide small cells (for publication)"
            )

    def handle_import(self, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.stat().st_size > importers.MAX_BYTES:  # refused before it is read
            raise CommandError(f"the file is larger than {importers.MAX_BYTES // 1000} kB")
        defaults = importers.Defaults(
            stakeholder_group=options["group"],
            affiliation=options["organisation"],
            country=options["country"],
            max_score=options["max_score"],
            session_id=options["session"],
        )
        try:
            report = services.participants_import(
                actor=cli_actor(),
                event_id=options["event_id"],
                filename=path.name,
                content=path.read_bytes(),
                dry_run=options["dry_run"],
                defaults=defaults,
            )
        except services.ImportRejected as exc:
            report = exc.report
        except importers.LimitExceeded as exc:
            raise CommandError(read_error_message(exc)) from exc
        except Http404 as exc:
            raise CommandError(f"no event {options['event_id']}") from exc
        for problem in report.problems:
            self.stderr.write(str(problem))
        rows = len(report.rows)
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} problem(s) in {rows} rows: nothing was imported"
            )
        if report.dry_run:
            self.stdout.write(
                f"checked {rows} rows: {report.new_people} new participants, "
                f"{report.known_people} already recorded; nothing written (dry run)"
            )
            return
        self.stdout.write(
            f"imported {rows} rows: {report.created} new participants, {report.matched} already "
            f"recorded, {report.attendances} attendance marks, {report.tests} test results"
        )

    def handle_export(self, **options: Any) -> None:
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--output FILE is needed for xlsx")
        try:
            _name, _type, content = services.participants_export(
                actor=cli_actor(), event_id=options["event_id"], fmt=options["format"]
            )
        except Http404 as exc:
            raise CommandError(f"no event {options['event_id']}") from exc
        if options["output"]:
            options["output"].write_bytes(content)
            self.stdout.write(f"wrote {options['output']}")
        else:
            self.stdout.write(content.decode("utf-8-sig"), ending="")

    def handle_aggregates(self, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"no organisation {options['org']}")
        result = selectors.aggregate_compute(
            organisation=organisation,
            query=selectors.AggregateQuery(
                date_from=options["date_from"],
                date_to=options["date_to"],
                event_types=options["event_type"] or (),
                stakeholder_groups=options["group"] or (),
            ),
            suppressed=options["suppressed"],
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
