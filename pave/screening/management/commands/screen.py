"""`pave screen [FILE|-]`: assess screening requests from a file or standard input.

Prints exactly one JSON document (an object for a request, an array for a batch) and exits 0;
on any problem prints nothing on standard output, one line naming the offending key on
standard error, and exits 2. No database is needed.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from pave.screening.engine import InstrumentError, ScreeningRequestError, assess_batch
from pave.screening.selectors import instrument_registry

EXIT_REQUEST_ERROR = 2
# A bad file in PAVE_INSTRUMENTS_DIR is the deployment's problem, not the request's.
EXIT_CONFIGURATION_ERROR = 1


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


class Command(BaseCommand):
    help = (
        'Assess a screening request {"instrument", "version"?, "answers"} (or a JSON array of '
        "them) read from FILE or standard input, and print the result as JSON."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            default="-",
            metavar="FILE|-",
            help="a JSON file; '-' or nothing reads standard input",
        )
        parser.add_argument(
            "--indent", type=int, default=None, help="indent the JSON output by N spaces"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self._assess(options["file"])
        except (ScreeningRequestError, _InputError) as exc:
            self._fail(str(exc), EXIT_REQUEST_ERROR)
        except InstrumentError as exc:
            self._fail(f"instrument files: {exc}", EXIT_CONFIGURATION_ERROR)
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"]) + "\n")
        sys.stdout.flush()

    @staticmethod
    def _fail(message: str, code: int) -> NoReturn:
        sys.stderr.write(_one_line(message) + "\n")
        sys.stderr.flush()
        raise SystemExit(code)

    def _assess(self, name: str) -> Any:
        payload = _read_json(name)
        return assess_batch(instrument_registry(), payload)


class _InputError(Exception):
    """The input cannot be read or is not JSON."""


def _read_json(name: str) -> Any:
    try:
        if name == "-":
            text = sys.stdin.read()
        else:
            with open(name, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise _InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise _InputError(f"{name}: not UTF-8 text ({exc.reason})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        where = "standard input" if name == "-" else name
        raise _InputError(f"{where} is not valid JSON: {exc}") from None
