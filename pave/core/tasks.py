"""Periodic housekeeping of the core app, run by `pave worker` (see CoreConfig)."""

import datetime

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from pave.core.audit import audit_checkpoint, audit_seal, checkpoints_verify

KEEP_DAYS = 14


@task()
def task_results_prune() -> int:
    """Finished task results older than two weeks go (the queue is not an archive)."""
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_DAYS)
    deleted, _by_model = DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return deleted


@task()
def audit_checkpoint_write() -> str:
    """Anchor the audit chain's head outside the database every hour (as `pave audit
    checkpoint` does), after checking the earlier checkpoints still hold; the events appended
    until now are sealed first, so that the checkpoint covers them."""
    problems = list(checkpoints_verify())
    if problems:
        # Do not anchor a log that no longer matches its anchors: verify reports it.
        return "not written: " + problems[0]
    audit_seal()
    point = audit_checkpoint()
    return f"seq={point.seq}" if point is not None else "empty log"
