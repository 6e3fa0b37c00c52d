"""Screening API: /api/v1/screening.

`POST /assess` is the pure scoring contract shared with `pave screen` (nothing is stored);
the other endpoints record and read screening interviews, places and visits.

Languages: `GET /instruments` gives titles and labels in `?lang=` or else the request's active
language (English where the instrument file has no translation); `POST /assess` gives
`outcome_label` in English, as `pave screen` does, unless `?lang=` is given. Codes and stored
assessments are never translated.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.cases.api import CaseOut, PersonPatch
from pave.cases.rules import PERSON_FIELDS
from pave.cases.selectors import case_get_for_user
from pave.core.api import (
    ERRORS,
    LIMIT,
    MAX_ID,
    MAX_INT,
    OFFSET,
    CountryCode,
    Id,
    OptionalCountryCode,
    PathId,
    search_in_query_string,
)
from pave.core.toolkit import nest_errors
from pave.screening import selectors, services
from pave.screening.engine import (
    Instrument,
    InstrumentRegistry,
    ScreeningRequestError,
    assess_batch,
)
from pave.screening.models import Place, Screening, Visit

router = Router(tags=["screening"])

# A batch larger than this is refused: it would hold a worker for too long.
MAX_BATCH = 1000
# A language tag such as "ar" or "ar-LB" (BCP 47 allows 35 characters).
LANG_QUERY = Query(
    "",
    max_length=35,
    description="language tag (e.g. ar, fr, ar-LB); unknown or untranslated: English",
)


# --- scoring ---------------------------------------------------------------------------------


def _bad_request(message: str, key: object = None) -> HttpResponse:
    """The project's error shape, with the engine's one-line message under the key it names."""
    name = "__all__" if key is None else str(key)
    body = {"detail": message, "errors": {name: [message]}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=400, content_type="application/json"
    )


def assess_body(registry: InstrumentRegistry, body: bytes, lang: str | None = None) -> Any:
    """Parse and assess a request body; raises ScreeningRequestError (the 400 contract).

    ``outcome_label`` is English unless ``lang`` is given."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScreeningRequestError(f"request body is not valid JSON: {exc}") from None
    if isinstance(payload, list) and len(payload) > MAX_BATCH:
        raise ScreeningRequestError(
            f"a batch holds at most {MAX_BATCH} requests, got {len(payload)}"
        )
    return assess_batch(registry, payload, lang)


@router.post(
    "/assess",
    response={200: Any, **ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "description": '{"instrument": CODE, "version": N?, "answers": {CODE: '
                        "true|false|null}} or an array of them (at most 1000)",
                        "oneOf": [
                            {"type": "object"},
                            {"type": "array", "items": {"type": "object"}},
                        ],
                    }
                }
            },
        }
    },
)
def assess(request: AuthedHttpRequest, lang: str = LANG_QUERY) -> Any:
    """Assess one screening request, or a batch in the same order. Nothing is stored.

    A wrong request gives 400 with the one-line message of `pave screen` naming the key.
    `outcome_label` is English (as from `pave screen`) unless `lang` names a language the
    instrument translates its outcomes to; the codes are the same in every language."""
    try:
        return assess_body(selectors.instrument_registry(), request.body, lang or None)
    except ScreeningRequestError as exc:
        return _bad_request(exc.message, exc.key)
    except RequestDataTooBig:
        return _bad_request("request body is too large")


class IndicatorOut(Schema):
    code: str
    strength: str
    label: str


class DimensionOut(Schema):
    code: str
    title: str
    indicators: list[IndicatorOut]


class OutcomeOut(Schema):
    code: str
    label: str
    when: str


class InstrumentOut(Schema):
    code: str
    version: int
    latest: bool
    title: str
    dimension_rule: str
    derived_from: str | None
    dimensions: list[DimensionOut]
    outcomes: list[OutcomeOut]


def instrument_out(instrument: Instrument, latest: bool, lang: str | None = None) -> dict[str, Any]:
    """The instrument with its texts in ``lang`` (a language tag), English where untranslated."""
    base = instrument.derived_from
    return {
        "code": instrument.code,
        "version": instrument.version,
        "latest": latest,
        "title": instrument.title_in(lang),
        "dimension_rule": instrument.dimension_rule,
        "derived_from": f"{base[0]} v{base[1]}" if base else None,
        "dimensions": [
            {
                "code": d.code,
                "title": d.title_in(lang),
                "indicators": [
                    {"code": i.code, "strength": i.strength, "label": i.label_in(lang)}
                    for i in d.indicators
                ],
            }
            for d in instrument.dimensions
        ],
        "outcomes": [
            {"code": o.code, "label": o.label_in(lang), "when": str(o.when)}
            for o in instrument.outcomes
        ],
    }


@router.get("/instruments", response={200: list[InstrumentOut], **ERRORS})
def list_instruments(
    request: AuthedHttpRequest,
    code: str = "",
    latest_only: bool = False,
    lang: str = LANG_QUERY,
) -> Any:
    """Every instrument version (or one code's), with dimensions and labelled indicators.

    Titles and labels are in `lang`, else in the request's language (Accept-Language, the
    language cookie), falling back to English where the instrument has no translation."""
    lang = lang or get_language()
    registry = selectors.instrument_registry()
    out = []
    for instrument in registry:
        if code and instrument.code != code:
            continue
        latest = instrument.version == max(registry.versions(instrument.code))
        if latest or not latest_only:
            out.append(instrument_out(instrument, latest, lang))
    return out


# --- screenings ------------------------------------------------------------------------------


class ScreeningConsentIn(Schema):
    given: bool = Field(..., description="the person consents (or assents) to the interview")
    method: str = Field("", description="verbal, written or guardian")
    informed_purpose: bool = False
    informed_data_use: bool = False
    informed_research_use: bool = False
    informed_access_right: bool = False
    informed_retention: bool = False
    informed_withdrawal: bool = False
    to_referral: bool = False


class SubjectIn(Schema):
    detainee_number: str = Field("", max_length=64)
    given_name: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    sex: str = Field("", description="female, male, other or unknown")
    age_estimate: int | None = Field(None, ge=0, le=120)
    citizenship: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")


class ScreeningIn(Schema):
    instrument: str
    version: int | None = Field(
        None, ge=1, le=MAX_INT, description="the latest version when missing"
    )
    # Any: the engine, not pydantic, decides what an answer may be (1 and "yes" are refused).
    answers: dict[str, Any] = Field(default_factory=dict)
    interviewed_on: datetime.date
    language: str = Field(..., description="ISO 639 code of the interview's language")
    interpreter_used: bool = False
    place: Id | None = None
    visit: Id | None = None
    consent: ScreeningConsentIn
    subject: SubjectIn | None = None
    flagged_for_follow_up: bool = Field(
        False, description="flag for follow-up even when the outcome found no indication"
    )


class ScreeningConsentOut(Schema):
    given: bool
    method: str
    informed_purpose: bool
    informed_data_use: bool
    informed_research_use: bool
    informed_access_right: bool
    informed_retention: bool
    informed_withdrawal: bool
    to_referral: bool


class SubjectSummaryOut(Schema):
    anonymous: bool
    detainee_number: str
    given_name: str
    family_name: str
    sex: str
    age_estimate: int | None
    citizenship: list[str]


class ScreeningSummaryOut(Schema):
    id: int
    interviewed_on: datetime.date
    interviewer: str | None
    place: int | None
    visit: int | None
    instrument: str
    version: int
    refused: bool
    outcome: str
    flagged_for_follow_up: bool
    case: int | None
    subject: SubjectSummaryOut

    @staticmethod
    def resolve_interviewer(obj: Screening) -> str | None:
        return obj.interviewer.username if obj.interviewer else None

    @staticmethod
    def resolve_place(obj: Screening) -> int | None:
        return obj.place_id

    @staticmethod
    def resolve_visit(obj: Screening) -> int | None:
        return obj.visit_id

    @staticmethod
    def resolve_instrument(obj: Screening) -> str:
        return obj.instrument_code

    @staticmethod
    def resolve_version(obj: Screening) -> int:
        return obj.instrument_version

    @staticmethod
    def resolve_case(obj: Screening) -> int | None:
        return obj.case_id

    @staticmethod
    def resolve_subject(obj: Screening) -> dict[str, Any]:
        return {
            "anonymous": obj.anonymous,
            **{name: getattr(obj, name) for name in services.SUBJECT_FIELDS},
        }


class ScreeningOut(ScreeningSummaryOut):
    language: str
    interpreter_used: bool
    answers: dict[str, bool | None]
    assessment: dict[str, Any]
    consent: ScreeningConsentOut
    created_at: datetime.datetime

    @staticmethod
    def resolve_consent(obj: Screening) -> dict[str, Any]:
        return {name: getattr(obj, f"consent_{name}") for name in services.CONSENT_FIELDS}


class ScreeningListOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[ScreeningSummaryOut]


@router.post("/screenings", response={201: ScreeningOut, **ERRORS})
def create_screening(request: AuthedHttpRequest, payload: ScreeningIn) -> Any:
    """Record a screening interview; its assessment is computed now and kept unchanged.

    Without consent (`consent.given` false) only the refusal is recorded: answers or
    personal data in the request are refused with 422."""
    subject = payload.subject.model_dump(exclude_unset=True) if payload.subject else {}
    screening = services.screening_submit(
        actor=request.user,
        instrument_code=payload.instrument,
        version=payload.version,
        answers=payload.answers,
        interviewed_on=payload.interviewed_on,
        language=payload.language,
        interpreter_used=payload.interpreter_used,
        place_id=payload.place,
        visit_id=payload.visit,
        consent=payload.consent.model_dump(),
        subject=subject,
        flag_for_follow_up=payload.flagged_for_follow_up,
    )
    return 201, screening


@router.get("/screenings", response={200: ScreeningListOut, **ERRORS})
def list_screenings(
    request: AuthedHttpRequest,
    outcome: str = "",
    flagged: bool | None = None,
    visit: int | None = Query(None, ge=1, le=MAX_ID),
    place: int | None = Query(None, ge=1, le=MAX_ID),
    has_case: bool | None = None,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    """Screenings the caller may see, latest first. A search by detainee number is refused
    here (400): send it by POST to /screenings/search, so it is never in a URL."""
    refused = search_in_query_string(
        request, names=("detainee_number",), path=SCREENING_SEARCH_PATH
    )
    if refused:
        return refused
    filters = selectors.ScreeningFilters(
        outcome=outcome, flagged=flagged, visit=visit, place=place, has_case=has_case
    )
    return _screening_page(request, filters, limit, offset)


SCREENING_SEARCH_PATH = "/api/v1/screening/screenings/search"


class ScreeningSearchIn(Schema):
    detainee_number: str = Field(
        "", description="finds a detainee's earlier screenings (spaces, dashes and case ignored)"
    )
    outcome: str = ""
    flagged: bool | None = None
    visit: int | None = None
    place: int | None = None
    has_case: bool | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_INT)  # bounded: an unbounded offset overflows (500)


@router.post("/screenings/search", response={200: ScreeningListOut, **ERRORS})
def search_screenings(request: AuthedHttpRequest, payload: ScreeningSearchIn) -> Any:
    """The list of `GET /screenings`, searched: the detainee number and the filters in the JSON
    body, so that it is never in a URL. Answers exactly like the list."""
    filters = selectors.ScreeningFilters(**payload.model_dump(exclude={"limit", "offset"}))
    return _screening_page(request, filters, payload.limit, payload.offset)


def _screening_page(
    request: AuthedHttpRequest, filters: selectors.ScreeningFilters, limit: int, offset: int
) -> dict[str, Any]:
    page, total = services.screening_search(
        actor=request.user, filters=filters, limit=limit, offset=offset
    )
    return {"count": total, "limit": limit, "offset": offset, "results": page}


@router.get("/screenings/{int:screening_id}", response={200: ScreeningOut, **ERRORS})
def get_screening(request: AuthedHttpRequest, screening_id: PathId) -> Any:
    return services.screening_read(actor=request.user, screening_id=screening_id)


class FlagIn(Schema):
    flagged_for_follow_up: bool


@router.post("/screenings/{int:screening_id}/flag", response={200: ScreeningOut, **ERRORS})
def flag_screening(request: AuthedHttpRequest, screening_id: PathId, payload: FlagIn) -> Any:
    """Flag for follow-up (or unflag a screening whose outcome found no indication)."""
    return services.screening_flag(
        actor=request.user, screening_id=screening_id, flagged=payload.flagged_for_follow_up
    )


# Opening a case may add to or correct what the screening carries over: the same partial
# person as a case edit.
OpenCasePersonIn = PersonPatch


class OpenCaseIn(Schema):
    person: OpenCasePersonIn | None = Field(
        None, description="overrides and additions to what the screening carries over"
    )
    case_type: str | None = Field(None, description="default: from the screening's outcome")
    country: OptionalCountryCode = Field(None, description="default: the place's country")
    summary: str | None = Field(None, max_length=20000)


@router.post("/screenings/{int:screening_id}/open-case", response={201: CaseOut, **ERRORS})
def open_case(request: AuthedHttpRequest, screening_id: PathId, payload: OpenCaseIn) -> Any:
    """Open a case from a screening: names, sex, estimated age, citizenship and language are
    carried over, the case type follows the outcome, and the two are linked."""
    person = payload.person.model_dump(exclude_unset=True) if payload.person else {}
    case = payload.model_dump(exclude_unset=True, exclude={"person"})
    try:
        new_case = services.screening_open_case(
            actor=request.user, screening_id=screening_id, person=person, case=case
        )
    except ValidationError as exc:
        raise nest_errors(exc, PERSON_FIELDS, "person.") from exc
    # Read back: the in-memory person holds "" for an unset encrypted date (see report).
    return 201, case_get_for_user(user=request.user, case_id=new_case.pk)


# --- places and visits -----------------------------------------------------------------------


class PlaceIn(Schema):
    name: str = Field(..., max_length=200)
    kind: str
    country: CountryCode = Field(..., description="ISO 3166 alpha-2 code")
    city: str = Field("", max_length=100)


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    city: str

    @staticmethod
    def resolve_country(obj: Place) -> str:
        return str(obj.country)


def _require_visit_access(request: AuthedHttpRequest) -> None:
    if not selectors.can_see_screenings(request.user):
        raise PermissionDenied(_("Your role gives no access to screenings."))


@router.get("/places", response={200: list[PlaceOut], **ERRORS})
def list_places(request: AuthedHttpRequest) -> Any:
    _require_visit_access(request)
    return list(selectors.place_list(user=request.user))


@router.post("/places", response={201: PlaceOut, **ERRORS})
def create_place(request: AuthedHttpRequest, payload: PlaceIn) -> Any:
    return 201, services.place_create(actor=request.user, **payload.model_dump())


class VisitIn(Schema):
    place: Id
    visited_on: datetime.date
    team: str = Field("", max_length=300)
    notes: str = Field("", max_length=20000)


class VisitSummaryOut(Schema):
    id: int
    place: PlaceOut
    visited_on: datetime.date
    team: str
    screened: int = 0
    refused: int = 0
    flagged: int = 0
    cases_opened: int = 0


class VisitOut(VisitSummaryOut):
    notes: str
    screenings: list[ScreeningSummaryOut]


@router.get("/visits", response={200: list[VisitSummaryOut], **ERRORS})
def list_visits(request: AuthedHttpRequest, limit: int = LIMIT, offset: int = OFFSET) -> Any:
    """The organisation's visits, latest first, with counts (no one is named)."""
    _require_visit_access(request)
    return list(selectors.visit_list(user=request.user)[offset : offset + limit])


@router.post("/visits", response={201: VisitSummaryOut, **ERRORS})
def create_visit(request: AuthedHttpRequest, payload: VisitIn) -> Any:
    visit = services.visit_create(
        actor=request.user,
        place_id=payload.place,
        visited_on=payload.visited_on,
        team=payload.team,
        notes=payload.notes,
    )
    return 201, visit


@router.get("/visits/{int:visit_id}", response={200: VisitOut, **ERRORS})
def get_visit(request: AuthedHttpRequest, visit_id: PathId) -> Any:
    """A visit with the screenings of it the caller may see (who was flagged, which case)."""
    visit, screenings = services.visit_read(actor=request.user, visit_id=visit_id)
    return _visit_out(visit, screenings)


def _visit_out(visit: Visit, screenings: list[Screening]) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "place": visit.place,
        "visited_on": visit.visited_on,
        "team": visit.team,
        "notes": visit.notes,
        "screenings": screenings,
        **{
            name: getattr(visit, name, 0)
            for name in ("screened", "refused", "flagged", "cases_opened")
        },
    }
