"""Background work on the real queue: tasks enqueued by PAVE run in `pave worker`, and the
worker schedules the periodic ones itself (no cron), once per period however many run."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pave.assistance.models import FollowUpVisit
from pave.core.models import ScheduledJob
from pave.core.scheduling import periodic_enqueue_due, periodic_tasks
from pave.notifications.models import Notification
from pave.notifications.services import notify
from pave.testing import make_case, run_pave

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def worker(*options: str) -> tuple[int, str, str]:
    """`pave worker --batch` in-process. The worker drops stale connections between tasks, as
    a long-running process must; here that would end the test's transaction, so not that."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        return run_pave("worker", "--batch", "--no-startup-delay", *options)


@override_settings(TASKS=DATABASE_QUEUE)
def test_notification_email_waits_in_the_queue_until_the_worker_sends_it(
    personas, django_capture_on_commit_callbacks
):
    personas.bilal.email = "bilal@example.org"
    personas.bilal.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[personas.bilal], kind="approval_waiting", message="Case LB-2026-000001")
    assert mail.outbox == []  # not sent in the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    code, _out, err = worker("--schedule-every", "0")
    assert code == 0, err
    assert [m.to for m in mail.outbox] == [["bilal@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_apps_declare_their_periodic_tasks():
    jobs = periodic_tasks()
    assert jobs["pave.assistance.tasks.follow_up_reminders"] == 6 * 3600
    assert "pave.core.tasks.task_results_prune" in jobs


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_due_periodic_task_is_enqueued_once_per_period_whoever_looks(db):
    now = timezone.now()
    first = periodic_enqueue_due(now=now)
    assert "pave.assistance.tasks.follow_up_reminders" in first  # new jobs run at once
    # A second worker looking at the same moment, or a minute later, enqueues nothing.
    assert periodic_enqueue_due(now=now) == []
    assert periodic_enqueue_due(now=now + datetime.timedelta(minutes=1)) == []
    queued = DBTaskResult.objects.filter(status="READY").count()
    assert queued == len(first)
    later = now + datetime.timedelta(hours=6, seconds=1)
    assert "pave.assistance.tasks.follow_up_reminders" in periodic_enqueue_due(now=later)
    job = ScheduledJob.objects.get(name="pave.assistance.tasks.follow_up_reminders")
    assert job.next_run_at == later + datetime.timedelta(hours=6)


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_worker_sends_follow_up_reminders_without_cron(personas):
    case = make_case(personas.amal)
    FollowUpVisit.objects.create(case=case, due_on=timezone.localdate())
    code, _out, err = worker()
    assert code == 0, err
    reminder = Notification.objects.get(user=personas.amal, kind="follow_up_due")
    assert case.reference in reminder.message
    # The next look within the period enqueues nothing, so nothing is sent twice.
    assert worker()[0] == 0
    assert Notification.objects.filter(kind="follow_up_due").count() == 1


@pytest.mark.parametrize("bad", ["-1", "nan"])
def test_the_worker_refuses_a_bad_interval(db, bad):
    code, _out, _err = worker("--interval", bad)
    assert code != 0
