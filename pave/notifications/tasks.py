"""Notification e-mail leaves through the background worker, never in the request."""

from django_tasks import task

from pave.notifications.emails import notification_emails_send


@task()
def notification_emails(notification_ids: list[int]) -> int:
    return notification_emails_send(notification_ids=notification_ids)
