from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created

from pave.core.extensions import contributions
from pave.core.filemodes import sqlite_files_private


class CoreConfig(AppConfig):
    name = "pave.core"
    label = "core"
    verbose_name = "PAVE core"
    periodic_tasks = {
        "pave.core.tasks.task_results_prune": 24 * 3600,
        # The audit chain anchored outside the database hourly (see docs/security.md).
        "pave.core.tasks.audit_checkpoint_write": 3600,
    }
    # Keys fail closed: checked before every command (pave.core.keycheck).
    system_checks = "pave.core.keycheck.keys_check"
    signal_receivers = "pave.core.keycheck.signals_connect"

    def ready(self) -> None:
        # Checks and signal receivers apps contribute (their AppConfig's `system_checks` and
        # `signal_receivers`, the latter a function connecting them), registered here so that
        # no app imports its own modules inside ready().
        for check in contributions("system_checks"):
            checks.register(check)
        for connect in contributions("signal_receivers"):
            connect()
        connection_created.connect(sqlite_files_private, dispatch_uid="pave.sqlite_files_private")
