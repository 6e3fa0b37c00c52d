"""Periodic housekeeping of the core app, run by `pave worker` (see CoreConfig)."""

import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

KEEP_DAYS = 14


@task()
def task_results_prune() -> int:
    """Finished task results older than two weeks go (the queue is not an archive)."""
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_DAYS)
    deleted, _by_model = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted
