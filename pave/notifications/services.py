"""Notifying people: an in-app row per recipient, and an e-mail once the write is committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.core.audit import audit_record
from pave.notifications.models import Notification, NotificationKind
from pave.notifications.selectors import notification_get_for_user, unread_for_user


def absolute_link(path: str) -> str:
    """The link an e-mail carries: on PAVE_BASE_URL when it is set, else the path alone."""
    path = path or "/"
    return f"{settings.PAVE_BASE_URL}{path}" if settings.PAVE_BASE_URL else path


def _send_email(notification_ids: list[int]) -> None:
    """One message per recipient (addresses are never disclosed to one another)."""
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    for row in rows:
        language = row.user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = _("[PAVE] %(kind)s") % {"kind": row.get_kind_display()}
            body = "\n\n".join(
                [
                    row.message,
                    _("Log in to PAVE to see it: %(url)s") % {"url": absolute_link(row.url)},
                    _("This message holds no personal data on purpose; PAVE shows the rest."),
                ]
            )
        send_mail(subject, body, None, [row.user.email], fail_silently=False)


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
        transaction.on_commit(lambda: _send_email(emailed), robust=True)
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
