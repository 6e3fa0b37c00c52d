from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from pave.core.audit import client_address

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and no caching of pages that may hold personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if not request.path.startswith("/static/"):
            # Shared computers: the back button must not show a survivor's file after logout.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def request_client_address(request: HttpRequest) -> str:
    if settings.PAVE_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class ClientAddressMiddleware:
    """Makes the client address available to audit_record without passing the request down."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(request_client_address(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)


class SameOriginFormPostMiddleware:
    """Lets Django's CSRF protection work under `Referrer-Policy: no-referrer`; placed just
    before `CsrfViewMiddleware`.

    With that policy (issue 12: no URL of PAVE is ever sent in a Referer) browsers send no
    Referer and `Origin: null` with a form's POST, which Django refuses. When the browser
    itself says the request comes from one of PAVE's own pages (`Sec-Fetch-Site:
    same-origin`, a header no page can set), the null origin is replaced by PAVE's own, so
    Django's origin check passes; the CSRF token is checked as always. A cross-site page can
    make its posts say `Origin: null`, but not `Sec-Fetch-Site: same-origin`, and it has no
    token.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if meta.get("HTTP_ORIGIN") == "null" and meta.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            meta["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
