"""Notifications API: /api/v1/notifications (the caller's own, nobody else's)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS, LIMIT, OFFSET, PathId
from pave.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationListOut(Schema):
    count: int
    unread: int
    limit: int
    offset: int
    results: list[NotificationOut]


class ReadAllOut(Schema):
    marked_read: int


@router.get("", response={200: NotificationListOut, **ERRORS})
def list_notifications(
    request: AuthedHttpRequest,
    unread: bool = False,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    """The caller's notifications, latest first; `unread=true` for the unread ones only."""
    rows = selectors.notifications_for_user(user=request.user, unread_only=unread)
    return {
        "count": rows.count(),
        "unread": selectors.unread_count(user=request.user),
        "limit": limit,
        "offset": offset,
        "results": list(rows[offset : offset + limit]),
    }


@router.post("/{int:notification_id}/read", response={200: NotificationOut, **ERRORS})
def mark_read(request: AuthedHttpRequest, notification_id: PathId) -> Any:
    return services.notification_mark_read(actor=request.user, notification_id=notification_id)


@router.post("/read-all", response={200: ReadAllOut, **ERRORS})
def mark_all_read(request: AuthedHttpRequest) -> Any:
    return {"marked_read": services.notifications_mark_all_read(actor=request.user)}
