from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from pave.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict:
    """The header's unread count: one COUNT, and only when a template actually shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
