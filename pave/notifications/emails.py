"""Notification e-mail: one message per recipient, written in their language, holding no
personal data (the message names references only and links to PAVE)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from pave.notifications.models import Notification


def absolute_link(path: str) -> str:
    """The link an e-mail carries: on PAVE_BASE_URL when it is set, else the path alone."""
    path = path or "/"
    return f"{settings.PAVE_BASE_URL}{path}" if settings.PAVE_BASE_URL else path


def notification_emails_send(*, notification_ids: list[int]) -> int:
    """One message per recipient (addresses are never disclosed to one another); returns how
    many were sent. Run by the background worker (`notification_emails`)."""
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    sent = 0
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
        sent += 1
    return sent
