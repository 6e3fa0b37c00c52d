"""The API's one error shape, shared by every app's router.

Errors are always ``{"detail": "...", "errors": {"field": ["message", ...]}}``; the keys
follow the convention of `pave.core.toolkit`.
"""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


# The error answers every operation may give; spread into a route's `response=`.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def search_in_query_string(request: HttpRequest, *, names: Iterable[str], path: str) -> Any:
    """The 400 answer to a list request whose query string holds a search for persons (a name,
    a phone, an identity or detainee number), or None. Query strings end up in access logs,
    proxies and browser history; such searches are sent by POST to PATH, in the JSON body."""
    sent = [name for name in names if any(v.strip() for v in request.GET.getlist(name))]
    if not sent:
        return None
    message = _(
        "Send searches by POST to %(path)s, in the JSON body: a search in the URL would be "
        "written to access logs and browser history."
    ) % {"path": path}
    return 400, {
        "detail": _("Searches for persons are not accepted in the URL."),
        "errors": {name: [message] for name in sent},
    }
