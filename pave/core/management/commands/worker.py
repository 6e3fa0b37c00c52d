import logging
import threading
import time
from typing import Any

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from pave.core.audit import audit_seal
from pave.core.scheduling import periodic_enqueue_due

logger = logging.getLogger(__name__)


class Scheduler(threading.Thread):
    """Beside the worker's own loop: seals the audit log every `seal_every` seconds (appended
    events get their seq and chain hash, pave.core.audit.audit_seal) and enqueues the periodic
    tasks when they are due, looking every `schedule_every` seconds. 0 turns either off."""

    def __init__(self, *, schedule_every: float, seal_every: float):
        super().__init__(name="pave-scheduler", daemon=True)
        self.schedule_every = schedule_every
        self.seal_every = seal_every
        self.stopped = threading.Event()

    def run(self) -> None:
        next_seal = next_schedule = time.monotonic()
        try:
            while not self.stopped.is_set():
                close_old_connections()
                now = time.monotonic()
                if self.seal_every > 0 and now >= next_seal:
                    next_seal = now + self.seal_every
                    try:
                        audit_seal()
                    except Exception:
                        # Keep sealing on the next round (a lost connection, a key problem
                        # being fixed); verify reports events left unsealed too long.
                        logger.exception("audit sealing failed")
                if self.schedule_every > 0 and now >= next_schedule:
                    next_schedule = now + self.schedule_every
                    periodic_enqueue_due()
                due = [
                    at
                    for at, every in (
                        (next_seal, self.seal_every),
                        (next_schedule, self.schedule_every),
                    )
                    if every > 0
                ]
                self.stopped.wait(max(0.0, min(due) - time.monotonic()))
        finally:
            connections.close_all()


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background worker: e-mail, reminders and the other tasks PAVE enqueues, the "
        "periodic ones it schedules itself (django-tasks-db's db_worker, plus the schedule), "
        "and the sealing of the audit log every few seconds"
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=30.0,
            help="seconds between looks at the periodic schedule (default 30; 0: no schedule)",
        )
        parser.add_argument(
            "--seal-every",
            type=float,
            default=2.0,
            help="seconds between sealings of the audit log's new events (default 2; 0: none, "
            "for extra workers when another one seals)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schedule_every = options.pop("schedule_every")
        seal_every = options.pop("seal_every")
        scheduler = None
        if options.get("batch"):
            if schedule_every > 0:
                periodic_enqueue_due()  # once, then run everything that is due
        elif schedule_every > 0 or seal_every > 0:
            scheduler = Scheduler(schedule_every=schedule_every, seal_every=seal_every)
            scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
        if options.get("batch") and seal_every > 0:
            audit_seal()  # once, after the tasks (which may have written events)
