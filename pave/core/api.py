"""The API's one error shape, shared by every app's router.

Errors are always ``{"detail": "...", "errors": {"field": ["message", ...]}}``; the keys
follow the convention of `pave.core.toolkit`.
"""

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
