import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from pave.core.logfilters import ACCESS_LOG_FORMAT


class Command(BaseCommand):
    help = "Serve PAVE with gunicorn on 127.0.0.1:PAVE_PORT (production: see the README)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="", help="address:port (default 127.0.0.1:PAVE_PORT)")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"] or f"127.0.0.1:{settings.PAVE_PORT}"
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        argv = [
            gunicorn or "gunicorn",
            "config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            # No query string in any log line (issue 12): the path only, and the error log
            # filtered the same way.
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--logger-class",
            "pave.core.gunicorn_logger.Logger",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        self.stdout.write(f"PAVE is listening on http://{bind}/  (Ctrl-C to stop)")
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - replace this process with the server
