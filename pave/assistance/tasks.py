"""Periodic work of the assistance app, run by `pave worker` (see AssistanceConfig)."""

from django_tasks import task

from pave.assistance.services import follow_up_reminders_send

WORKER = "worker:schedule"


@task()
def follow_up_reminders() -> int:
    """Remind case workers of follow-up visits due within a week (once per visit)."""
    return follow_up_reminders_send(actor=WORKER, within_days=7)
