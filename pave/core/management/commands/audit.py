from typing import Any

from django.core.management.base import CommandError

from pave.core.audit import audit_checkpoint, audit_verify, checkpoint_file, checkpoints_verify
from pave.core.management.base import ActionCommand
from pave.core.models import AuditEvent


class Command(ActionCommand):
    help = (
        "Audit log: pave audit verify (exit 1 naming the first bad row or broken checkpoint) | "
        "pave audit checkpoint [--print]"
    )
    actions = {
        "verify": "check the keyed hash chain of the whole audit log and every checkpoint, "
        "then write a new checkpoint",
        "checkpoint": "append the head's sequence number and keyed hash to the checkpoint file "
        "(PAVE_AUDIT_CHECKPOINT_FILE)",
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

    def handle_verify(self, **options: Any) -> None:
        problems = audit_verify()
        first = next(problems, None)
        if first is not None:
            remaining = sum(1 for _ in problems)
            more = f" (and {remaining} more problem(s) after it)" if remaining else ""
            raise CommandError(f"audit log BROKEN at {first}{more}", returncode=1)
        self._checkpoints_ok()
        point = audit_checkpoint()
        self.stdout.write(f"audit log intact: {AuditEvent.objects.count()} events verified")
        if point is not None:
            self.stdout.write(f"checkpoint seq={point.seq} appended to {checkpoint_file()}")

    def handle_checkpoint(self, **options: Any) -> None:
        self._checkpoints_ok()
        point = audit_checkpoint()
        if point is None:
            self.stdout.write("the audit log is empty: nothing to checkpoint")
        elif options["print_line"]:
            self.stdout.write(point.line())
        else:
            self.stdout.write(f"checkpoint seq={point.seq} appended to {checkpoint_file()}")
