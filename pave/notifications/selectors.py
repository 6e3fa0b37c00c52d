"""Reads of notifications: a user only ever sees their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pave.accounts.models import User
from pave.notifications.models import Notification


def notifications_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def unread_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True)


def unread_count(*, user: User) -> int:
    """One COUNT on the (user, read_at) index: cheap enough for every page's header."""
    return unread_for_user(user=user).count()


def notification_get_for_user(*, user: User, notification_id: int) -> Notification:
    row = Notification.objects.filter(user_id=user.pk, pk=notification_id).first()
    if row is None:
        raise Http404("No such notification.")
    return row
