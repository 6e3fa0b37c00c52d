"""Login throttling beyond django-axes' (username, address) pairs: one address trying many
usernames (password spraying) is locked out too, at its own, higher limit."""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off time, any username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler (a username at an address: PAVE_LOGIN_FAILURE_LIMIT), plus a
    lock on the address whatever the username (PAVE_LOGIN_ADDRESS_FAILURE_LIMIT; 0: off)."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        limit = int(settings.PAVE_LOGIN_ADDRESS_FAILURE_LIMIT)
        return bool(limit) and address_failures(request) >= limit

    def user_login_failed(
        self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any
    ) -> None:
        """Axes records the failure and locks the pair at its limit; this failure may also
        be the one that reaches the address's limit."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            limit = int(settings.PAVE_LOGIN_ADDRESS_FAILURE_LIMIT)
            if limit and address_failures(request) >= limit:
                request.axes_locked_out = True
                request.axes_credentials = credentials
