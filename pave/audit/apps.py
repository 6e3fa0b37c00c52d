from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Administrators browse the audit log by case and by user. The log itself (append,
    chain, verify) lives in pave.core.audit, below every app that writes to it."""

    name = "pave.audit"
    label = "audit"
    verbose_name = "PAVE audit log browser"
