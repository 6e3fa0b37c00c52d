from typing import Any

from django.core.management.base import CommandError

from pave.core.audit import audit_verify
from pave.core.management.base import ActionCommand
from pave.core.models import AuditEvent


class Command(ActionCommand):
    help = "Audit log: pave audit verify (exit 1 naming the first bad row)"
    actions = {"verify": "check the hash chain of the whole audit log"}

    def handle_verify(self, **options: Any) -> None:
        problems = audit_verify()
        first = next(problems, None)
        if first is not None:
            remaining = sum(1 for _ in problems)
            more = f" (and {remaining} more problem(s) after it)" if remaining else ""
            raise CommandError(f"audit log BROKEN at {first}{more}", returncode=1)
        self.stdout.write(f"audit log intact: {AuditEvent.objects.count()} events verified")
