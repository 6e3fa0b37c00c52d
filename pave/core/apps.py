from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created

from pave.core.extensions import contributions
from pave.core.filemodes import sqlite_files_private


class CoreConfig(AppConfig):
    name = "pave.core"
    label = "core"
    verbose_name = "PAVE core"

    def ready(self) -> None:
        # Checks other apps contribute (their AppConfig's `system_checks`), registered here so
        # that no app imports its own modules inside ready().
        for check in contributions("system_checks"):
            checks.register(check)
        connection_created.connect(sqlite_files_private, dispatch_uid="pave.sqlite_files_private")
