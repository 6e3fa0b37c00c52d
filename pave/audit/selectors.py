from django.db.models import QuerySet

from pave.accounts.models import User
from pave.cases.models import Case
from pave.core.models import AuditEvent


def audit_events_for_admin(
    *, user: User, case_reference: str = "", username: str = ""
) -> QuerySet[AuditEvent]:
    """Events an administrator may browse: all events about one of the organisation's cases
    (whoever acted), or otherwise the events of the organisation's own users."""
    events = AuditEvent.objects.all()
    if case_reference:
        case = Case.objects.filter(
            organisation_id=user.organisation_id, reference=case_reference.upper()
        ).first()
        if case is None:
            return AuditEvent.objects.none()
        events = events.filter(object_type="case", object_id=str(case.pk))
    else:
        events = events.filter(organisation_id=user.organisation_id)
    if username:
        events = events.filter(actor_label=username)
    # Newest first, sealed or not (unsealed events have no seq yet).
    return events.order_by("-id")
