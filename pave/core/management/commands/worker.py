import threading
from typing import Any

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from pave.core.scheduling import periodic_enqueue_due


class Scheduler(threading.Thread):
    """Enqueues the periodic tasks when they are due, beside the worker's own loop."""

    def __init__(self, every: float):
        super().__init__(name="pave-scheduler", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                close_old_connections()
                periodic_enqueue_due()
                self.stopped.wait(self.every)
        finally:
            connections.close_all()


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background worker: e-mail, reminders and the other tasks PAVE enqueues, and the "
        "periodic ones it schedules itself (django-tasks-db's db_worker, plus the schedule)"
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=30.0,
            help="seconds between looks at the periodic schedule (default 30; 0: no schedule)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options.pop("schedule_every")
        scheduler = None
        if every > 0:
            if options.get("batch"):
                periodic_enqueue_due()  # once, then run everything that is due
            else:
                scheduler = Scheduler(every)
                scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
