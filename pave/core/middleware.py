import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from pave.core.api import NUL, NUL_MESSAGE, nul_errors, nul_fields
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


def _address(text: str) -> str:
    """TEXT when it is an IP address, else "" (what the audit log and axes may store)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""


def request_client_address(request: HttpRequest) -> str:
    """The address the request came from, for the audit log and login throttling (axes calls
    this too: AXES_CLIENT_IP_CALLABLE).

    The socket's address, unless PAVE_TRUST_X_FORWARDED_FOR says PAVE runs behind
    PAVE_TRUSTED_PROXY_COUNT proxies that each append the address they received from to
    X-Forwarded-For. Then the client is the entry that many places from the right: whatever a
    client writes into the header itself sits to the left of it and is ignored, so nobody can
    pass for another address (and lock its users out).
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if not settings.PAVE_TRUST_X_FORWARDED_FOR:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    count = max(int(settings.PAVE_TRUSTED_PROXY_COUNT), 1)
    if len(hops) < count:
        return remote  # the request did not pass through every trusted proxy
    return _address(hops[-count]) or remote


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


class RefuseNulMiddleware:
    """Refuses a request whose path, query or form fields hold a NUL character: PostgreSQL
    cannot store or compare such text, so it would end in a 500 (or, worse, after a write).
    The API answers 422 in its error shape; a web page 400. API bodies and forms are checked
    by the API's parser (`pave.api`); uploaded files are the importers' business."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        names = ["__all__"] if NUL in request.path_info else []
        names += nul_fields({key: request.GET.getlist(key) for key in request.GET})
        api = request.path_info.startswith("/api/")
        if not api and request.method == "POST":
            # Parsing the form here is what CSRF's check does next anyway (a too-large body
            # raises the same error it would there).
            names += nul_fields({key: request.POST.getlist(key) for key in request.POST})
        if not names:
            return self.get_response(request)
        if api:
            return JsonResponse(
                {"detail": _("The data is not valid."), "errors": nul_errors(names)}, status=422
            )
        return HttpResponseBadRequest(str(NUL_MESSAGE), content_type="text/plain; charset=utf-8")


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
