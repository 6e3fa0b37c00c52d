"""The JSON API at /api/v1/: one NinjaAPI, one router per app, one error shape.

Errors are always {"detail": "...", "errors": {"field": ["message", ...]}}: bad input, a
body too large (413) and an unexpected failure (500) included. Text holding a NUL character
is refused (422) before any operation runs (`NulRefusingParser`).
"""

import contextlib
import json
import logging
import re
import traceback
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from pave.accounts.http import AuthedHttpRequest
from pave.accounts.services import token_authenticate
from pave.core.api import ERRORS, nul_errors, nul_fields
from pave.core.toolkit import ConflictError
from pave.core.uploads import too_large_message

logger = logging.getLogger("pave.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


class NulText(ValidationError):
    """Text input holding a NUL character: the names of the fields that do."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(nul_errors(names))


class NulRefusingParser(Parser):
    """Ninja's parser, refusing NUL characters in the JSON body, the query and form fields:
    once here rather than in every schema (PostgreSQL cannot store them)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        names = nul_fields(data)
        if names:
            # Ninja turns a parser's exception into 400 "Cannot parse request body";
            # on_http_error answers 422 for this cause.
            raise NulText(names)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> Any:
        names = nul_fields({key: data.getlist(key) for key in data})
        if names:
            raise NulText(names)
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="PAVE API",
    version="1",
    description="Protect and Assist Vulnerable and Exploited migrants — JSON API.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    parser=NulRefusingParser(),
)


def _error(request: HttpRequest, status: int, detail: str, errors: dict | None = None) -> Any:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/ path no operation matches (`/cases/-1`, `/nothing`): 404 in the error shape,
    not the web's HTML page."""
    return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)


def _submitted_values(request: HttpRequest) -> set[str]:
    """Every text value the request sent (JSON body, form fields, query string)."""
    values: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str) and len(value.strip()) >= 3:
            values.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    with contextlib.suppress(ValueError, RawPostDataException):  # not JSON, or already read
        walk(json.loads(request.body or b"null"))
    for source in (request.GET, request.POST):
        for _name, items in source.lists():
            walk(items)
    return values


_QUOTES_BEFORE = "\"'“”‘’«"
_QUOTES_AFTER = "\"'“”‘’»"


def _quotes(value: str, message: str) -> bool:
    """Whether MESSAGE quotes VALUE."""
    pattern = rf"[{_QUOTES_BEFORE}]\s?{re.escape(value)}\s?[{_QUOTES_AFTER}]"
    return re.search(pattern, message) is not None


def _without_values(request: HttpRequest, errors: list[ValidationError]) -> list[str]:
    """The messages of ERRORS, none of them echoing a submitted value: Django's model and form
    messages do ("Value 'ZQ99887766' is not a valid choice."), and a value may be a name or an
    identity number, which must not travel back in an answer that clients and proxies log.
    Messages that still carry their parameters are recognised by them; those already turned
    into text (services collect messages) by quoting a value the request sent, as Django's
    messages do ('…', “…”, « … »). A code that is part of a label ("assistance" in "Receiving
    assistance") is not a quoted value and stays."""
    sent = _submitted_values(request)
    messages = []
    for error in errors:
        if error.params and "value" in error.params:
            if error.code == "invalid_choice":
                messages.append(gettext("Select a valid choice."))
            else:
                messages.append(gettext("Enter a valid value."))
            continue
        for message in error.messages:
            if any(_quotes(value, message) for value in sent):
                messages.append(gettext("Enter a valid value."))
            else:
                messages.append(message)
    return messages


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {name: _without_values(request, list_) for name, list_ in exc.error_dict.items()}
    else:
        errors = {"__all__": _without_values(request, exc.error_list)}
    return _error(request, 422, "The data is not valid.", errors)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    # Only the message: pydantic's `input` (and `ctx`) would echo the submitted value.
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        name = ".".join(location) or "__all__"
        # A validator's own message (a country code, a time zone), without pydantic's prefix.
        cause = error.get("ctx", {}).get("error") if error.get("type") == "value_error" else None
        errors.setdefault(name, []).append(str(cause) if cause else error.get("msg", ""))
    return _error(request, 422, "The data is not valid.", errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NulText):
        return on_validation_error(request, exc.__cause__)
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything unexpected: 500 in the error shape. The log names the operation and where it
    failed, never the request's data nor the exception's message (a database error may quote
    the values it refused)."""
    match = request.resolver_match
    where = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    logger.error(
        "Unhandled %s in %s %s\n%s",
        type(exc).__name__,
        request.method,
        match.route if match else "?",
        where,
    )
    return _error(request, 500, _("Something went wrong on the server. It has been logged."))


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return _error(request, 409, str(exc), {"version": [str(exc)]})


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, too_large_message())


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required: a bearer token or a session.")


@api.get("/me", tags=["accounts"], response={200: dict, **ERRORS})
def me(request: AuthedHttpRequest) -> dict:
    """Who the caller is: a trivial authenticated endpoint (also the benchmarks' baseline)."""
    user = request.user
    return {
        "username": user.username,
        "role": user.role,
        "organisation": user.organisation.code,
    }


from pave.accounts.api import router as tokens_router  # noqa: E402

api.add_router("/tokens", tokens_router)

from pave.cases.api import router as cases_router  # noqa: E402

api.add_router("/cases", cases_router)

from pave.screening.api import router as screening_router  # noqa: E402

api.add_router("/screening", screening_router)

from pave.referrals.api import router as referrals_router  # noqa: E402

api.add_router("/referrals", referrals_router)

from pave.notifications.api import router as notifications_router  # noqa: E402

api.add_router("/notifications", notifications_router)

from pave.assistance.api import router as assistance_router  # noqa: E402

api.add_router("/assistance", assistance_router)
api.add_router("/reports", "pave.monitoring.api.router")
api.add_router("/training", "pave.training.api.router")
