from typing import Any

from django.core.management.base import CommandError

from pave.core import crypto
from pave.core.audit import (
    audit_checkpoint,
    audit_pending,
    audit_seal,
    audit_verify,
    checkpoint_file,
    checkpoints_verify,
)
from pave.core.management.base import ActionCommand
from pave.core.models import AuditEvent


class Command(ActionCommand):
    help = (
        "Audit log: pave audit verify (exit 1 naming the first bad row or broken checkpoint) | "
        "pave audit checkpoint [--print]"
    )
    actions = {
        "verify": "seal the events appended since the last sealing, check the keyed hash "
        "chain of the whole audit log and every checkpoint, then write a new checkpoint "
        "(exit 1 too when events waited more than 5 minutes: the sealer is not running)",
        "checkpoint": "seal the events appended since the last sealing, then append the head's "
        "sequence number and keyed hash to the checkpoint file (PAVE_AUDIT_CHECKPOINT_FILE)",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "checkpoint":
            parser.add_argument(
                "--print",
                action="store_true",
                dest="print_line",
                help="print only the checkpoint line, to keep somewhere else too",
            )

    def _checkpoints_ok(self) -> None:
        try:
            broken = list(checkpoints_verify())
        except ValueError as exc:
            raise CommandError(f"audit checkpoints unreadable: {exc}", returncode=1) from exc
        if broken:
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            raise CommandError(f"audit log BROKEN: {broken[0]}{more}", returncode=1)

    def _seal(self) -> int:
        try:
            return audit_seal()
        except crypto.MissingKeyError as exc:
            raise CommandError(f"audit log NOT SEALED: {exc}", returncode=1) from exc

    def handle_verify(self, **options: Any) -> None:
        pending = audit_pending()  # as the sealer (not) running left them
        sealed = self._seal()
        problems = audit_verify(pending=pending)
        first = next(problems, None)
        if first is not None:
            remaining = sum(1 for _ in problems)
            more = f" (and {remaining} more problem(s) after it)" if remaining else ""
            if first.seq is None:  # the chain is intact; events waited too long for it
                raise CommandError(f"audit log AT RISK: {first}", returncode=1)
            raise CommandError(f"audit log BROKEN at {first}{more}", returncode=1)
        self._checkpoints_ok()
        point = audit_checkpoint()
        verified = AuditEvent.objects.filter(seq__isnull=False).count()
        self.stdout.write(f"audit log intact: {verified} events verified")
        if sealed:
            since = f" (the oldest from {pending.oldest:%Y-%m-%d %H:%M:%S} UTC)"
            self.stdout.write(
                f"{sealed} pending events sealed now{since if pending.oldest else ''}"
            )
        if point is not None:
            self.stdout.write(f"checkpoint seq={point.seq} appended to {checkpoint_file()}")

    def handle_checkpoint(self, **options: Any) -> None:
        self._checkpoints_ok()
        self._seal()
        point = audit_checkpoint()
        if point is None:
            self.stdout.write("the audit log is empty: nothing to checkpoint")
        elif options["print_line"]:
            self.stdout.write(point.line())
        else:
            self.stdout.write(f"checkpoint seq={point.seq} appended to {checkpoint_file()}")
