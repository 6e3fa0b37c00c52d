"""Notifying people: an in-app row per recipient, and an e-mail once the write is committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pave.accounts.models import User
from pave.core.audit import audit_record
from pave.notifications.models import Notification, NotificationKind
from pave.notifications.selectors import notification_get_for_user, unread_for_user
from pave.notifications.tasks import notification_emails


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    message: str,
    url: str = "",
    key: str = "",
) -> list[Notification]:
    """Notify each active recipient in the app, and by e-mail where they have an address.

    Call inside the transaction of the write the notification is about: the rows roll back
    with it, and e-mail leaves only after the commit (never for a write that did not happen).
    `message` must hold references only (a referral number, a case reference), never names.
    With `key`, a recipient already notified under that key is skipped (idempotent reminders).
    """
    if kind not in NotificationKind.values:
        raise ValidationError({"kind": [f"Unknown notification kind {kind!r}."]})
    created: list[Notification] = []
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    for user in unique.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    user=user, kind=kind, message=message[:300], url=url, key=key
                )
        except IntegrityError:  # a concurrent run notified this user under this key
            continue
        created.append(row)
    emailed = [row.pk for row in created if row.user.email]
    if emailed:
        # After the commit: never an e-mail about a write that did not happen.
        transaction.on_commit(lambda: notification_emails.enqueue(emailed), robust=True)
    return created


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (someone else's: 404)."""
    row = notification_get_for_user(user=actor, notification_id=notification_id)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notification.read", obj=row)
    return row


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    count = unread_for_user(user=actor).update(read_at=timezone.now())
    if count:
        audit_record(
            actor=actor,
            action="notification.read_all",
            object_type="notification",
            detail={"count": count},
        )
    return count
