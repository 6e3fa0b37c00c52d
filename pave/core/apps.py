from django.apps import AppConfig
from django.core import checks

from pave.core.extensions import contributions


class CoreConfig(AppConfig):
    name = "pave.core"
    label = "core"
    verbose_name = "PAVE core"
    periodic_tasks = {"pave.core.tasks.task_results_prune": 24 * 3600}

    def ready(self) -> None:
        # Checks other apps contribute (their AppConfig's `system_checks`), registered here so
        # that no app imports its own modules inside ready().
        for check in contributions("system_checks"):
            checks.register(check)
