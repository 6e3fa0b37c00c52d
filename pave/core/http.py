from django.http import HttpRequest

from pave.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request that passed authentication: `user` is a PAVE user, never anonymous."""

    user: User  # type: ignore[assignment]


def requested_page(request: HttpRequest) -> int:
    """The `page` query parameter as a page number from 1; anything else is page 1."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
