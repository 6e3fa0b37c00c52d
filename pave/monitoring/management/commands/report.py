import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from pave.core.management.base import ActionCommand, cli_actor
from pave.monitoring import outputs, selectors, services
from pave.monitoring.selectors import INTERNAL, PUBLIC


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(ActionCommand):
    help = "Reports: pave report assistance-in-numbers [--project CODE] [--from] [--to] ..."
    actions = {
        "assistance-in-numbers": "the factsheet's indicators, computed from records, with "
        "targets and disaggregations",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        parser.add_argument("--project", help="project code (default: the earliest project)")
        parser.add_argument(
            "--period",
            default="",
            help="a whole year (2014), quarter (2014-Q2) or month (2014-06); --audience "
            "public accepts only such a period, ended (as --period or as --from/--to)",
        )
        parser.add_argument("--from", dest="date_from", type=_date, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", type=_date, help="last day (YYYY-MM-DD)")
        parser.add_argument("--format", choices=outputs.FORMATS, default="json")
        parser.add_argument("--language", choices=("en", "ar"), default="en")
        parser.add_argument(
            "--audience",
            choices=(INTERNAL, PUBLIC),
            default=INTERNAL,
            help="public: suppress small counts for publication outside the organisation",
        )
        parser.add_argument("--output", type=Path, help="file to write (default: stdout)")

    def handle_assistance_in_numbers(self, **options: Any) -> None:
        code = options["project"]
        project = selectors.project_for_cli(code=code)
        if project is None:
            raise CommandError(f"no project {code!r}" if code else "no project yet")
        fmt = options["format"]
        if (options["date_from"] and options["date_to"]) and options["date_from"] > options[
            "date_to"
        ]:
            raise CommandError("--from is after --to")
        try:
            date_from, date_to = selectors.report_window(
                project=project,
                audience=options["audience"],
                period=options["period"],
                date_from=options["date_from"],
                date_to=options["date_to"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        data = services.report_export(
            actor=cli_actor(),
            project=project,
            fmt=fmt,
            date_from=date_from,
            date_to=date_to,
            audience=options["audience"],
            language=options["language"],
        ).content
        if options["output"]:
            options["output"].write_bytes(data)
        elif fmt in ("pdf", "xlsx"):
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode(), ending="" if data.endswith(b"\n") else "\n")
