"""The size of a request is capped before its body is read (docs/security.md, "Uploads").

`RequestSizeLimitMiddleware` refuses a request whose `Content-Length` exceeds
PAVE_MAX_UPLOAD_MB with 413 before anything reads the body: an HTML page, or on the API
(`/api/`) its JSON error shape. It then parses a POST body itself (as the CSRF check would a
moment later) so that Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE for the fields) and
`SizeLimitUploadHandler` answer 413 too, instead of a 400 page.

A body without `Content-Length` (chunked) is never read by Django under WSGI: it sees an empty
body. `SizeLimitUploadHandler` caps the files of a multipart body all the same, for any server
that hands Django more than it announced: past the limit it stops with `UploadTooLarge`.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class UploadTooLarge(RequestDataTooBig):
    """The files of a request are larger than PAVE_MAX_UPLOAD_MB."""


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in a request and stops past the limit. Put first in
    FILE_UPLOAD_HANDLERS: it passes each chunk on to the handlers after it."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.PAVE_MAX_REQUEST_BYTES:
            raise UploadTooLarge("The uploaded files exceed PAVE_MAX_UPLOAD_MB.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large_message() -> str:
    return _("The request is larger than %(n)s MB: it was refused before being read.") % {
        "n": settings.PAVE_MAX_UPLOAD_MB
    }


def too_large(request: HttpRequest) -> HttpResponse:
    """413, in the API's JSON error shape under /api/, else as a page."""
    message = too_large_message()
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message, "errors": {}}, status=413)
    return HttpResponse(render_to_string("413.html", {"message": message}), status=413)


def declared_length(request: HttpRequest) -> int:
    """The body's announced size; 0 when absent or not a number (Django then reads nothing)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """413 for a body over PAVE_MAX_UPLOAD_MB, decided on its Content-Length, unread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if declared_length(request) > settings.PAVE_MAX_REQUEST_BYTES:
            return too_large(request)
        if request.method == "POST":
            try:
                # Parsed here rather than by the CSRF check, so that a limit met while
                # parsing answers 413. A JSON body is not read by this.
                request.POST  # noqa: B018 - read for its side effect
            except RequestDataTooBig:
                return too_large(request)
        return self.get_response(request)
