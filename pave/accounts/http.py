from django.http import HttpRequest

from pave.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request that passed authentication: `user` is a PAVE user, never anonymous."""

    user: User  # type: ignore[assignment]
