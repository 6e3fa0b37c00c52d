"""Periodic work, scheduled by the worker: no cron.

Apps declare their periodic tasks on their AppConfig as ``periodic_tasks = {"dotted.path.to.task":
seconds}`` (a task made with ``django_tasks.task``). Every worker looks at the schedule now and
then; a due run is claimed with one conditional UPDATE of its `ScheduledJob` row and enqueued in
the same transaction, so with several workers each period's task still runs once, and a worker
that dies between the two leaves nothing half done.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from pave.core.models import ScheduledJob


def periodic_tasks() -> dict[str, int]:
    """Every installed app's periodic tasks: dotted path → period in seconds."""
    jobs: dict[str, int] = {}
    for config in apps.get_app_configs():
        jobs.update(getattr(config, "periodic_tasks", None) or {})
    return jobs


def periodic_enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue the periodic tasks that are due (a new one at once); return their paths."""
    now = now or timezone.now()
    enqueued = []
    for path, every in sorted(periodic_tasks().items()):
        try:
            with transaction.atomic():
                ScheduledJob.objects.get_or_create(
                    name=path, defaults={"every_seconds": every, "next_run_at": now}
                )
        except IntegrityError:  # another worker created it at the same moment
            pass
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(name=path, next_run_at__lte=now).update(
                next_run_at=now + datetime.timedelta(seconds=every),
                every_seconds=every,
                last_enqueued_at=now,
            )
            if claimed:
                import_string(path).enqueue()
                enqueued.append(path)
    return enqueued
