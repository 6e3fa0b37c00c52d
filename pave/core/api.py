"""The API's one error shape, shared by every app's router, and the bounds of its input.

Errors are always ``{"detail": "...", "errors": {"field": ["message", ...]}}``; the keys
follow the convention of `pave.core.toolkit`.

Every integer the API reads is bounded (an unbounded one reaches the database and overflows
it: a 500): ids to the database's 64-bit keys, counts, offsets and years to what makes sense.
"""

import datetime
from collections.abc import Iterable
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from ninja import Field, Path, Query, Schema
from pydantic import AfterValidator

# The largest primary key (BigAutoField) and the largest ordinary integer column.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1

# An id in a path (`/cases/{int:case_id}`) or a body (`"case": 12`).
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A count or a score kept in an integer column.
Int = Annotated[int, Field(ge=0, le=MAX_INT)]
# A record's version (optimistic locking).
Version = Annotated[int, Field(ge=0, le=MAX_INT, description="The version the edit is based on")]

# Paging: the same bounds on every list.
LIMIT = Query(50, ge=1, le=500)
OFFSET = Query(0, ge=0, le=MAX_INT)
# A calendar year (what the date types can hold, and a programme may mean).
YEAR = Query(None, ge=1900, le=2999)


def _null_as_empty(value: str | None) -> str:
    return "" if value is None else value


# Text an update may leave out. The database holds no null text: an explicit `null` means
# empty ("" — refused where the field is required), never a NOT NULL violation.
OptionalText = Annotated[str | None, AfterValidator(_null_as_empty)]


def _local_time(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise ValueError(gettext("Give a local time, without a time zone."))
    return value


# A time of day as the programme's staff read it (a session starts at 09:00). A time with a
# zone cannot be stored (PostgreSQL's time column refuses it): refused before anything is
# written, not after.
LocalTime = Annotated[datetime.time, AfterValidator(_local_time)]


def _country(value: str | None) -> str:
    code = (value or "").strip().upper()
    if code and code not in countries:
        raise ValueError(gettext("Not an ISO 3166 alpha-2 country code (such as LB)."))
    return code


# A country, by its ISO 3166 alpha-2 code (as a case's countries): one rule for every API
# input, so that "³" or "Lebanon" is a 422, not a 500 where the country field refuses it.
# Empty means none (refused where a country is required).
CountryCode = Annotated[str, AfterValidator(_country)]
OptionalCountryCode = Annotated[str | None, AfterValidator(_country)]


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
    413: ErrorOut,
    422: ErrorOut,
    500: ErrorOut,
}


# PostgreSQL cannot store NUL in text (psycopg refuses it, the request ends in a 500), and no
# one types it: any text input holding one is refused before it reaches a service.
NUL = "\x00"
NUL_MESSAGE = _("Null characters are not allowed.")


def nul_fields(data: Any, prefix: str = "") -> list[str]:
    """The names (dotted, as in the error shape) of the values in DATA — parsed JSON or a
    QueryDict's lists — whose text, or key, holds a NUL character."""
    if isinstance(data, str):
        return [prefix or "__all__"] if NUL in data else []
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, (list, tuple)):
        items = enumerate(data)
    else:
        return []
    found = []
    for key, value in items:
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(key, str) and NUL in key:
            found.append(prefix or "__all__")
        elif isinstance(data, (list, tuple)):
            found += nul_fields(value, prefix)
        else:
            found += nul_fields(value, name)
    return list(dict.fromkeys(found))


def nul_errors(names: list[str]) -> dict[str, list[str]]:
    return {name: [str(NUL_MESSAGE)] for name in names}


def search_in_query_string(request: HttpRequest, *, names: Iterable[str], path: str) -> Any:
    """The 400 answer to a list request whose query string holds a search for persons (a name,
    a phone, an identity or detainee number), or None. Query strings end up in access logs,
    proxies and browser history; such searches are sent by POST to PATH, in the JSON body."""
    sent = [name for name in names if any(v.strip() for v in request.GET.getlist(name))]
    if not sent:
        return None
    message = gettext(
        "Send searches by POST to %(path)s, in the JSON body: a search in the URL would be "
        "written to access logs and browser history."
    ) % {"path": path}
    return 400, {
        "detail": gettext("Searches for persons are not accepted in the URL."),
        "errors": {name: [message] for name in sent},
    }
