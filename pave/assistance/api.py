"""Assistance API: /api/v1/assistance — the service catalogue, and per case the services
delivered, support plans, follow-up visits and reintegration assessments.

Records of a case are scoped like the case itself (404 for a case the caller cannot see);
writing needs a case worker's, case manager's or administrator's role (403 otherwise), and an
update carries the `version` it is based on (409 when someone saved in between).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema
from pydantic import ConfigDict

from pave.accounts.http import AuthedHttpRequest
from pave.assistance import selectors, services
from pave.assistance.models import (
    CasePlan,
    FollowUpVisit,
    ReintegrationAssessment,
    ServiceDelivery,
)
from pave.assistance.services import FOLLOW_UP, PLAN, REINTEGRATION, SERVICE, RecordKind
from pave.core.api import ERRORS, Id, Int, OptionalText, PathId, Version

router = Router(tags=["assistance"])


def _username(user: Any) -> str | None:
    return user.username if user else None


class RecordOut(Schema):
    id: int
    version: int
    recorded_by: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return _username(obj.recorded_by)


class StrictIn(Schema):
    """Input that refuses fields it does not know (a misspelt field is not silently lost)."""

    model_config = ConfigDict(extra="forbid")


class VersionIn(StrictIn):
    version: Version


def _created(request: AuthedHttpRequest, case_id: PathId, kind: RecordKind, payload: Schema) -> Any:
    data = payload.model_dump(exclude_unset=True)
    return 201, services.record_create(actor=request.user, case_id=case_id, kind=kind, data=data)


def _updated(
    request: AuthedHttpRequest,
    case_id: PathId,
    kind: RecordKind,
    record_id: PathId,
    payload: Schema,
) -> Any:
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    return services.record_update(
        actor=request.user,
        case_id=case_id,
        kind=kind,
        record_id=record_id,
        version=version,
        data=data,
    )


def _listed(request: AuthedHttpRequest, case_id: PathId, kind: RecordKind, reader: Any) -> Any:
    case = services.assistance_read(actor=request.user, case_id=case_id, kinds=(kind,))
    return list(reader(case=case))


# --- catalogue -------------------------------------------------------------------------------


class ServiceTypeOut(Schema):
    id: int
    code: str
    family: str
    name: str
    description: str
    active: bool
    sort_order: int


class ServiceTypeIn(StrictIn):
    code: str = Field(..., max_length=40, description="A short slug; cannot change later")
    family: str = Field(..., description="return, recovery or reintegration")
    name: str = Field(..., max_length=120)
    description: str = ""
    active: bool = True
    sort_order: int = Field(0, ge=0, le=32767)


class ServiceTypePatch(StrictIn):
    family: OptionalText = None
    name: OptionalText = Field(None, max_length=120)
    description: OptionalText = None
    active: bool | None = None
    sort_order: int | None = Field(None, ge=0, le=32767)


@router.get("/service-types", response={200: list[ServiceTypeOut], **ERRORS})
def list_service_types(request: AuthedHttpRequest, active: bool | None = None) -> Any:
    """The service catalogue (no personal data: every signed-in user may read it).
    `active=true` lists only the services offered for new records."""
    types = selectors.service_type_list(active_only=bool(active))
    if active is False:
        types = types.filter(active=False)
    return list(types)


@router.post("/service-types", response={201: ServiceTypeOut, **ERRORS})
def create_service_type(request: AuthedHttpRequest, payload: ServiceTypeIn) -> Any:
    """Add a service to the catalogue (administrators)."""
    return 201, services.service_type_create(actor=request.user, data=payload.model_dump())


@router.patch("/service-types/{int:service_type_id}", response={200: ServiceTypeOut, **ERRORS})
def update_service_type(
    request: AuthedHttpRequest, service_type_id: PathId, payload: ServiceTypePatch
) -> Any:
    """Rename, re-order, move or (de)activate a service (administrators); the code stays."""
    return services.service_type_update(
        actor=request.user,
        service_type_id=service_type_id,
        data=payload.model_dump(exclude_unset=True),
    )


# --- services delivered ----------------------------------------------------------------------


class ServiceDeliveryOut(RecordOut):
    service_type: str
    service_name: str
    family: str
    provider: int
    provider_name: str
    delivered_on: datetime.date
    status: str
    cost: Decimal | None
    currency: str
    notes: str

    @staticmethod
    def resolve_service_type(obj: ServiceDelivery) -> str:
        return obj.service_type.code

    @staticmethod
    def resolve_service_name(obj: ServiceDelivery) -> str:
        return obj.service_type.name

    @staticmethod
    def resolve_family(obj: ServiceDelivery) -> str:
        return obj.service_type.family

    @staticmethod
    def resolve_provider(obj: ServiceDelivery) -> int:
        return obj.provider_id

    @staticmethod
    def resolve_provider_name(obj: ServiceDelivery) -> str:
        return obj.provider.name


class ServiceDeliveryIn(StrictIn):
    service_type: Id = Field(..., description="id of a service type that is offered")
    provider: Id | None = Field(None, description="organisation id; default: yours")
    delivered_on: datetime.date = Field(..., description="when delivered, or planned for")
    status: str = Field("delivered", description="planned, delivered or cancelled")
    cost: Decimal | None = Field(None, description="e.g. 120.50; needs a currency")
    currency: str = Field("", description="ISO 4217 code, e.g. EUR, USD, LBP, ETB")
    notes: str = Field("", max_length=20000)


class ServiceDeliveryPatch(VersionIn):
    service_type: Id | None = None
    provider: Id | None = None
    delivered_on: datetime.date | None = None
    status: OptionalText = None
    cost: Decimal | None = None
    currency: OptionalText = None
    notes: OptionalText = Field(None, max_length=20000)


def _one_delivery(record: Any) -> ServiceDelivery:
    """Re-read with the joins the output needs (the service returns the bare row)."""
    return ServiceDelivery.objects.select_related("service_type", "provider", "recorded_by").get(
        pk=record.pk
    )


@router.get("/cases/{int:case_id}/services", response={200: list[ServiceDeliveryOut], **ERRORS})
def list_services(request: AuthedHttpRequest, case_id: PathId) -> Any:
    """Services delivered or planned for the case, latest first."""
    return _listed(request, case_id, SERVICE, selectors.service_deliveries)


@router.post("/cases/{int:case_id}/services", response={201: ServiceDeliveryOut, **ERRORS})
def create_service(request: AuthedHttpRequest, case_id: PathId, payload: ServiceDeliveryIn) -> Any:
    status, record = _created(request, case_id, SERVICE, payload)
    return status, _one_delivery(record)


@router.patch(
    "/cases/{int:case_id}/services/{int:record_id}", response={200: ServiceDeliveryOut, **ERRORS}
)
def update_service(
    request: AuthedHttpRequest, case_id: PathId, record_id: PathId, payload: ServiceDeliveryPatch
) -> Any:
    return _one_delivery(_updated(request, case_id, SERVICE, record_id, payload))


# --- support plans ---------------------------------------------------------------------------


class CasePlanOut(RecordOut):
    plan_type: str
    objectives: str
    action_plan: str
    started_on: datetime.date
    planned_end: datetime.date | None
    actual_end: datetime.date | None
    status: str


class CasePlanIn(StrictIn):
    plan_type: str = Field(..., description="HTCDS spl_Type, e.g. Health, Livelihood, Legal")
    objectives: str = Field(..., max_length=20000)
    action_plan: str = Field("", max_length=20000)
    started_on: datetime.date
    planned_end: datetime.date | None = None
    actual_end: datetime.date | None = None
    status: str = Field("active", description="active, completed or discontinued")


class CasePlanPatch(VersionIn):
    plan_type: OptionalText = None
    objectives: OptionalText = Field(None, max_length=20000)
    action_plan: OptionalText = Field(None, max_length=20000)
    started_on: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_end: datetime.date | None = None
    status: OptionalText = None


@router.get("/cases/{int:case_id}/plans", response={200: list[CasePlanOut], **ERRORS})
def list_plans(request: AuthedHttpRequest, case_id: PathId) -> Any:
    return _listed(request, case_id, PLAN, selectors.case_plans)


@router.post("/cases/{int:case_id}/plans", response={201: CasePlanOut, **ERRORS})
def create_plan(request: AuthedHttpRequest, case_id: PathId, payload: CasePlanIn) -> Any:
    return _created(request, case_id, PLAN, payload)


@router.patch("/cases/{int:case_id}/plans/{int:record_id}", response={200: CasePlanOut, **ERRORS})
def update_plan(
    request: AuthedHttpRequest, case_id: PathId, record_id: PathId, payload: CasePlanPatch
) -> CasePlan:
    return _updated(request, case_id, PLAN, record_id, payload)


# --- follow-up visits ------------------------------------------------------------------------


class FollowUpOut(RecordOut):
    due_on: datetime.date
    done_on: datetime.date | None
    visited_by: str | None
    outcome: str
    notes: str

    @staticmethod
    def resolve_visited_by(obj: FollowUpVisit) -> str | None:
        return _username(obj.visited_by)


class FollowUpIn(StrictIn):
    due_on: datetime.date
    done_on: datetime.date | None = None
    visited_by: Id | None = Field(None, description="user id; default: you, once done")
    outcome: str = Field("", description="stable, needs_support, at_risk or not_reached")
    notes: str = Field("", max_length=20000)


class FollowUpPatch(VersionIn):
    due_on: datetime.date | None = None
    done_on: datetime.date | None = None
    visited_by: Id | None = None
    outcome: OptionalText = None
    notes: OptionalText = Field(None, max_length=20000)


@router.get("/cases/{int:case_id}/follow-ups", response={200: list[FollowUpOut], **ERRORS})
def list_follow_ups(request: AuthedHttpRequest, case_id: PathId) -> Any:
    return _listed(request, case_id, FOLLOW_UP, selectors.follow_up_visits)


@router.post("/cases/{int:case_id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def create_follow_up(request: AuthedHttpRequest, case_id: PathId, payload: FollowUpIn) -> Any:
    return _created(request, case_id, FOLLOW_UP, payload)


@router.patch(
    "/cases/{int:case_id}/follow-ups/{int:record_id}", response={200: FollowUpOut, **ERRORS}
)
def update_follow_up(
    request: AuthedHttpRequest, case_id: PathId, record_id: PathId, payload: FollowUpPatch
) -> FollowUpVisit:
    return _updated(request, case_id, FOLLOW_UP, record_id, payload)


# --- reintegration monitoring ----------------------------------------------------------------


class ReintegrationOut(RecordOut):
    assessed_on: datetime.date
    economic_score: int
    social_score: int
    psychosocial_score: int
    total: int
    notes: str


class ReintegrationIn(StrictIn):
    assessed_on: datetime.date
    economic_score: Int = Field(..., description="0 (critical) to 4 (sustainable)")
    social_score: Int = Field(..., description="0 (critical) to 4 (sustainable)")
    psychosocial_score: Int = Field(..., description="0 (critical) to 4 (sustainable)")
    notes: str = Field("", max_length=20000)


class ReintegrationPatch(VersionIn):
    assessed_on: datetime.date | None = None
    economic_score: Int | None = None
    social_score: Int | None = None
    psychosocial_score: Int | None = None
    notes: OptionalText = Field(None, max_length=20000)


@router.get("/cases/{int:case_id}/reintegration", response={200: list[ReintegrationOut], **ERRORS})
def list_reintegration(request: AuthedHttpRequest, case_id: PathId) -> Any:
    """Reintegration assessments of the case, latest first: the scores over time."""
    return _listed(request, case_id, REINTEGRATION, selectors.reintegration_assessments)


@router.post("/cases/{int:case_id}/reintegration", response={201: ReintegrationOut, **ERRORS})
def create_reintegration(
    request: AuthedHttpRequest, case_id: PathId, payload: ReintegrationIn
) -> Any:
    return _created(request, case_id, REINTEGRATION, payload)


@router.patch(
    "/cases/{int:case_id}/reintegration/{int:record_id}",
    response={200: ReintegrationOut, **ERRORS},
)
def update_reintegration(
    request: AuthedHttpRequest, case_id: PathId, record_id: PathId, payload: ReintegrationPatch
) -> ReintegrationAssessment:
    return _updated(request, case_id, REINTEGRATION, record_id, payload)
