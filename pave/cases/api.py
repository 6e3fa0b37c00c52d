"""Cases API: /api/v1/cases."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from pave.cases import services
from pave.cases.models import Case
from pave.cases.selectors import CaseFilters
from pave.core.http import AuthedHttpRequest

router = Router(tags=["cases"])


class PersonIn(Schema):
    given_name: str = Field(..., max_length=200)
    family_name: str = Field("", max_length=200)
    other_names: str = Field("", max_length=400)
    sex: str = Field(..., description="female, male, other or unknown")
    gender: str = Field("", description="HTCDS prs_Gender value name")
    birth_date: datetime.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    citizenship: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")
    languages: list[str] = Field(default_factory=list, description="ISO 639 codes")
    identity_number: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=1000)


class PersonPatch(Schema):
    given_name: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, max_length=200)
    other_names: str | None = Field(None, max_length=400)
    sex: str | None = None
    gender: str | None = None
    birth_date: datetime.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    citizenship: list[str] | None = None
    languages: list[str] | None = None
    identity_number: str | None = Field(None, max_length=64)
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=1000)


class CaseFieldsIn(Schema):
    trafficking_status: str | None = None
    trafficking_status_decided_by: str | None = None
    types_of_exploitation: list[str] | None = None
    methods_of_control: list[str] | None = None
    industry: str | None = None
    country_of_recruitment: str | None = None
    country_of_exploitation: str | None = None
    identification_source: str | None = None
    identification_date: datetime.date | None = None
    assigned_to: int | None = Field(None, description="id of a user of your organisation")
    summary: str | None = Field(None, max_length=20000)


class CaseCreateIn(CaseFieldsIn):
    person: PersonIn
    case_type: str
    country: str = Field(..., description="ISO 3166 alpha-2 code of the country of assistance")


class CasePatchIn(CaseFieldsIn):
    version: int = Field(..., description="The version the edit is based on")
    person: PersonPatch | None = None
    case_type: str | None = None
    country: str | None = None


class PersonSummaryOut(Schema):
    given_name: str
    family_name: str
    sex: str
    citizenship: list[str]


class PersonOut(PersonSummaryOut):
    reference: str
    other_names: str
    gender: str
    birth_date: datetime.date | None
    age_estimate: int | None
    languages: list[str]
    identity_number: str
    phone: str
    address: str


class CaseSummaryOut(Schema):
    id: int
    reference: str
    version: int
    case_type: str
    country: str
    stage: str
    status: str
    identification_date: datetime.date
    is_minor: bool | None
    assigned_to: str | None
    person: PersonSummaryOut

    @staticmethod
    def resolve_country(obj: Case) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_assigned_to(obj: Case) -> str | None:
        return obj.assigned_to.username if obj.assigned_to else None


class CaseOut(CaseSummaryOut):
    organisation: str
    trafficking_status: str
    trafficking_status_decided_by: str
    types_of_exploitation: list[str]
    methods_of_control: list[str]
    industry: str
    country_of_recruitment: str
    country_of_exploitation: str
    identification_source: str
    summary: str
    person: PersonOut
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_organisation(obj: Case) -> str:
        return obj.organisation.code

    @staticmethod
    def resolve_country_of_recruitment(obj: Case) -> str:
        return str(obj.country_of_recruitment or "")

    @staticmethod
    def resolve_country_of_exploitation(obj: Case) -> str:
        return str(obj.country_of_exploitation or "")


class CaseListOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[CaseSummaryOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _split(payload: Schema, *, exclude: set[str]) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude=exclude)


def _prefixed(exc: ValidationError, names: set[str]) -> ValidationError:
    """Report person fields as person.<name>, matching the request body's shape."""
    return ValidationError(
        {(f"person.{k}" if k in names else k): v for k, v in exc.message_dict.items()}
    )


ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@router.get("", response={200: CaseListOut, **ERRORS})
def list_cases(
    request: AuthedHttpRequest,
    search: str = "",
    stage: str = "",
    case_type: str = "",
    country: str = "",
    sex: str = "",
    assigned_to: int | None = None,
    is_minor: bool | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> Any:
    """Cases the caller may see. `search` matches a reference prefix, an exact identity or
    phone number, or every word of a name (case, accents and Arabic letter forms ignored)."""
    filters = CaseFilters(
        search=search,
        stage=stage,
        case_type=case_type,
        country=country,
        sex=sex,
        assigned_to=assigned_to,
        is_minor=is_minor,
    )
    page, total = services.case_search(
        actor=request.user, filters=filters, limit=limit, offset=offset
    )
    return {"count": total, "limit": limit, "offset": offset, "results": page}


@router.post("", response={201: CaseOut, **ERRORS})
def create_case(request: AuthedHttpRequest, payload: CaseCreateIn) -> Any:
    person = payload.person.model_dump(exclude_unset=True)
    try:
        case = services.case_open(
            actor=request.user, person=person, case=_split(payload, exclude={"person"})
        )
    except ValidationError as exc:
        raise _prefixed(exc, set(services.PERSON_FIELDS)) from exc
    return 201, case


@router.get("/{int:case_id}", response={200: CaseOut, **ERRORS})
def get_case(request: AuthedHttpRequest, case_id: int) -> Any:
    return services.case_read(actor=request.user, case_id=case_id)


@router.patch("/{int:case_id}", response={200: CaseOut, **ERRORS})
def update_case(request: AuthedHttpRequest, case_id: int, payload: CasePatchIn) -> Any:
    person = payload.person.model_dump(exclude_unset=True) if payload.person else {}
    try:
        return services.case_update(
            actor=request.user,
            case_id=case_id,
            version=payload.version,
            person=person,
            case=_split(payload, exclude={"person", "version"}),
        )
    except ValidationError as exc:
        raise _prefixed(exc, set(services.PERSON_FIELDS)) from exc
