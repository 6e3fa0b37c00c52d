"""Cases API: /api/v1/cases."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.cases import rules, selectors, services, workflow
from pave.cases.models import Case, CaseTransition
from pave.cases.rules import TEXT_LIMITS
from pave.cases.selectors import CaseFilters
from pave.core.api import (
    ERRORS,
    LIMIT,
    MAX_ID,
    MAX_INT,
    OFFSET,
    Id,
    PathId,
    search_in_query_string,
)
from pave.core.toolkit import nest_errors

router = Router(tags=["cases"])


class PersonIn(Schema):
    given_name: str = Field(..., max_length=TEXT_LIMITS["given_name"])
    family_name: str = Field("", max_length=TEXT_LIMITS["family_name"])
    other_names: str = Field("", max_length=TEXT_LIMITS["other_names"])
    sex: str = Field(..., description="female, male, other or unknown")
    gender: str = Field("", description="HTCDS prs_Gender value name")
    birth_date: datetime.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    citizenship: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")
    languages: list[str] = Field(default_factory=list, description="ISO 639 codes")
    identity_number: str = Field("", max_length=TEXT_LIMITS["identity_number"])
    phone: str = Field("", max_length=TEXT_LIMITS["phone"])
    address: str = Field("", max_length=TEXT_LIMITS["address"])


class PersonPatch(Schema):
    given_name: str | None = Field(None, max_length=TEXT_LIMITS["given_name"])
    family_name: str | None = Field(None, max_length=TEXT_LIMITS["family_name"])
    other_names: str | None = Field(None, max_length=TEXT_LIMITS["other_names"])
    sex: str | None = None
    gender: str | None = None
    birth_date: datetime.date | None = None
    age_estimate: int | None = Field(None, ge=0, le=120)
    citizenship: list[str] | None = None
    languages: list[str] | None = None
    identity_number: str | None = Field(None, max_length=TEXT_LIMITS["identity_number"])
    phone: str | None = Field(None, max_length=TEXT_LIMITS["phone"])
    address: str | None = Field(None, max_length=TEXT_LIMITS["address"])


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
    assigned_to: Id | None = Field(None, description="id of a user of your organisation")
    summary: str | None = Field(None, max_length=TEXT_LIMITS["summary"])


class CaseCreateIn(CaseFieldsIn):
    person: PersonIn
    case_type: str
    country: str = Field(..., description="ISO 3166 alpha-2 code of the country of assistance")


class CasePatchIn(CaseFieldsIn):
    version: int = Field(..., ge=0, le=MAX_INT, description="The version the edit is based on")
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
    count: int = Field(..., description="Matches, exact up to 10,000 (see count_exact)")
    count_exact: bool = Field(..., description="False when more than `count` cases match")
    limit: int
    offset: int
    results: list[CaseSummaryOut]


def _split(payload: Schema, *, exclude: set[str]) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude=exclude)


@router.get("", response={200: CaseListOut, **ERRORS})
def list_cases(
    request: AuthedHttpRequest,
    stage: str = "",
    case_type: str = "",
    country: str = "",
    sex: str = "",
    assigned_to: int | None = Query(None, ge=1, le=MAX_ID),
    is_minor: bool | None = None,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    """Cases the caller may see, with filters that are not personal data. A search (a name, a
    phone, an identity number) is refused here (400): send it by POST to /cases/search, so it
    is never written to an access log or a browser's history."""
    refused = search_in_query_string(request, names=("search",), path=SEARCH_PATH)
    if refused:
        return refused
    filters = CaseFilters(
        stage=stage,
        case_type=case_type,
        country=country,
        sex=sex,
        assigned_to=assigned_to,
        is_minor=is_minor,
    )
    return _case_page(request, filters, limit, offset)


SEARCH_PATH = "/api/v1/cases/search"


class CaseSearchIn(Schema):
    search: str = Field(
        "",
        description="a reference prefix, an exact identity or phone number, or every word of a "
        "name (case, accents and Arabic letter forms ignored)",
    )
    stage: str = ""
    case_type: str = ""
    country: str = ""
    sex: str = ""
    assigned_to: Id | None = None
    is_minor: bool | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_INT)  # bounded: an unbounded offset overflows (500)


@router.post("/search", response={200: CaseListOut, **ERRORS})
def search_cases(request: AuthedHttpRequest, payload: CaseSearchIn) -> Any:
    """The list of `GET /cases`, searched: the search and the filters in the JSON body, so that
    personal data is never in a URL. Answers exactly like the list."""
    data = payload.model_dump(exclude={"limit", "offset"})
    return _case_page(request, CaseFilters(**data), payload.limit, payload.offset)


def _case_page(
    request: AuthedHttpRequest, filters: CaseFilters, limit: int, offset: int
) -> dict[str, Any]:
    page = services.case_search(actor=request.user, filters=filters, limit=limit, offset=offset)
    return {
        "count": page.count,
        "count_exact": page.count_exact,
        "limit": limit,
        "offset": offset,
        "results": page.cases,
    }


@router.post("", response={201: CaseOut, **ERRORS})
def create_case(request: AuthedHttpRequest, payload: CaseCreateIn) -> Any:
    person = payload.person.model_dump(exclude_unset=True)
    try:
        case = services.case_open(
            actor=request.user, person=person, case=_split(payload, exclude={"person"})
        )
    except ValidationError as exc:
        raise nest_errors(exc, rules.PERSON_FIELDS, "person.") from exc
    return 201, case


@router.get("/{int:case_id}", response={200: CaseOut, **ERRORS})
def get_case(request: AuthedHttpRequest, case_id: PathId) -> Any:
    return services.case_read(actor=request.user, case_id=case_id)


@router.patch("/{int:case_id}", response={200: CaseOut, **ERRORS})
def update_case(request: AuthedHttpRequest, case_id: PathId, payload: CasePatchIn) -> Any:
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
        raise nest_errors(exc, rules.PERSON_FIELDS, "person.") from exc


# --- workflow and timeline -------------------------------------------------------------------


class StepIn(Schema):
    reason: str = Field(..., description="Why: stored encrypted, shown on the case's timeline")
    version: int = Field(..., ge=0, le=MAX_INT, description="The case version the step is based on")


class TransitionIn(StepIn):
    to_stage: str = Field(..., description="The stage to move to (see GET …/workflow)")
    outcome: str = Field(
        workflow.CLOSED,
        description="Closure requests only: closed, or closed_referred when closed by referral",
    )


class ClosureRequestIn(StepIn):
    outcome: str = Field(workflow.CLOSED, description="closed or closed_referred")


class TransitionOut(Schema):
    id: int
    action: str
    from_stage: str
    to_stage: str
    requested_stage: str
    actor: str | None
    at: datetime.datetime
    case_version: int

    @staticmethod
    def resolve_actor(obj: CaseTransition) -> str | None:
        return obj.actor.username if obj.actor else None


class NextStepOut(Schema):
    to_stage: str
    action: str


class PendingClosureOut(Schema):
    requested_by: str | None
    requested_at: datetime.datetime
    outcome: str
    return_stage: str


class WorkflowOut(Schema):
    id: int
    reference: str
    version: int
    stage: str
    status: str
    pending_closure: PendingClosureOut | None
    next_steps: list[NextStepOut] = Field(..., description="The steps the caller may take now")


class StepOut(WorkflowOut):
    transition: TransitionOut


def _workflow_out(user: Any, case: Case) -> dict[str, Any]:
    request = selectors.case_closure_request(case=case)
    pending = selectors.case_pending_closure(case=case)
    steps = workflow.steps_for(role=user.role, user_id=user.pk, stage=case.stage, pending=pending)
    return {
        "id": case.pk,
        "reference": case.reference,
        "version": case.version,
        "stage": case.stage,
        "status": case.status,
        "pending_closure": None
        if request is None
        else {
            "requested_by": request.actor.username if request.actor else None,
            "requested_at": request.at,
            "outcome": request.requested_stage,
            "return_stage": request.from_stage,
        },
        "next_steps": [{"to_stage": s.to_stage, "action": str(s.action)} for s in steps],
    }


def _step_out(request: AuthedHttpRequest, transition: CaseTransition) -> dict[str, Any]:
    return {**_workflow_out(request.user, transition.case), "transition": transition}


@router.get("/{int:case_id}/workflow", response={200: WorkflowOut, **ERRORS})
def get_workflow(request: AuthedHttpRequest, case_id: PathId) -> Any:
    """The case's stage, any closure waiting for approval, and the steps the caller may take."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    return _workflow_out(request.user, case)


@router.post("/{int:case_id}/transitions", response={200: StepOut, **ERRORS})
def transition_case(request: AuthedHttpRequest, case_id: PathId, payload: TransitionIn) -> Any:
    """Take any step the stage graph allows from the current stage to `to_stage`.

    A step the graph does not allow answers 422 naming the allowed ones; a step the caller's
    role may not take answers 403 (closing needs a case manager's approval)."""
    transition = services.case_transition(
        actor=request.user,
        case_id=case_id,
        to_stage=payload.to_stage,
        reason=payload.reason,
        version=payload.version,
        outcome=payload.outcome,
    )
    return _step_out(request, transition)


@router.post("/{int:case_id}/closure-request", response={200: StepOut, **ERRORS})
def request_closure(request: AuthedHttpRequest, case_id: PathId, payload: ClosureRequestIn) -> Any:
    """Ask for the case to be closed; its organisation's case managers are notified."""
    transition = services.case_closure_request(
        actor=request.user,
        case_id=case_id,
        reason=payload.reason,
        version=payload.version,
        outcome=payload.outcome,
    )
    return _step_out(request, transition)


@router.post("/{int:case_id}/closure-approve", response={200: StepOut, **ERRORS})
def approve_closure(request: AuthedHttpRequest, case_id: PathId, payload: StepIn) -> Any:
    """Close the case as requested (case managers and administrators; not the requester)."""
    transition = services.case_closure_approve(
        actor=request.user, case_id=case_id, reason=payload.reason, version=payload.version
    )
    return _step_out(request, transition)


@router.post("/{int:case_id}/closure-send-back", response={200: StepOut, **ERRORS})
def send_back_closure(request: AuthedHttpRequest, case_id: PathId, payload: StepIn) -> Any:
    """Refuse the closure: the case returns to the stage it was requested from."""
    transition = services.case_closure_send_back(
        actor=request.user, case_id=case_id, reason=payload.reason, version=payload.version
    )
    return _step_out(request, transition)


@router.post("/{int:case_id}/reopen", response={200: StepOut, **ERRORS})
def reopen_case(request: AuthedHttpRequest, case_id: PathId, payload: StepIn) -> Any:
    """Reopen a closed case (case managers and administrators); it returns to assistance."""
    transition = services.case_reopen(
        actor=request.user, case_id=case_id, reason=payload.reason, version=payload.version
    )
    return _step_out(request, transition)


class TimelineEntryOut(Schema):
    day: datetime.date
    at: datetime.datetime
    kind: str = Field(..., description="case, transition, note, service, plan, follow_up, …")
    title: str
    detail: str
    text: str = Field(..., description="Free text written about the person (personal data)")
    actor: str
    object_id: int | None


class TimelineOut(Schema):
    id: int
    reference: str
    stage: str
    entries: list[TimelineEntryOut]


@router.get("/{int:case_id}/timeline", response={200: TimelineOut, **ERRORS})
def case_timeline(request: AuthedHttpRequest, case_id: PathId) -> Any:
    """Everything that happened to the case, oldest first. Reading it is recorded."""
    case, entries = services.case_timeline_read(actor=request.user, case_id=case_id)
    return {"id": case.pk, "reference": case.reference, "stage": case.stage, "entries": entries}
