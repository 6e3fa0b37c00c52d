"""Events and their sessions: /api/v1/training/events."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS, LIMIT, OFFSET, YEAR, PathId
from pave.training import selectors, services
from pave.training.api.schemas import (
    EventIn,
    EventListOut,
    EventOut,
    EventPatch,
    SessionIn,
    SessionOut,
)
from pave.training.models import Event

router = Router()


def _event_data(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if data.get("partners") is not None:
        data["partners"] = selectors.partner_ids(data["partners"])
    return data


def _event(request: AuthedHttpRequest, event_id: PathId) -> Event:
    return selectors.event_get_for_user(user=request.user, event_id=event_id)


@router.get("/events", response={200: EventListOut, **ERRORS})
def list_events(
    request: AuthedHttpRequest,
    event_type: str = "",
    country: str = "",
    year: int | None = YEAR,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    """The organisation's events, latest first, with dates and distinct participants."""
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Your role gives no access to training records."))
    filters = selectors.EventFilters(event_type=event_type, country=country, year=year)
    events = selectors.event_list(user=request.user, filters=filters)
    return {
        "count": events.count(),
        "limit": limit,
        "offset": offset,
        "results": list(events[offset : offset + limit]),
    }


@router.post("/events", response={201: EventOut, **ERRORS})
def create_event(request: AuthedHttpRequest, payload: EventIn) -> Any:
    event = services.event_create(actor=request.user, data=_event_data(payload))
    return 201, _event(request, event.pk)


@router.get("/events/{int:event_id}", response={200: EventOut, **ERRORS})
def get_event(request: AuthedHttpRequest, event_id: PathId) -> Any:
    return _event(request, event_id)


@router.patch("/events/{int:event_id}", response={200: EventOut, **ERRORS})
def update_event(request: AuthedHttpRequest, event_id: PathId, payload: EventPatch) -> Any:
    services.event_update(actor=request.user, event_id=event_id, data=_event_data(payload))
    return _event(request, event_id)


@router.post("/events/{int:event_id}/sessions", response={201: SessionOut, **ERRORS})
def add_session(request: AuthedHttpRequest, event_id: PathId, payload: SessionIn) -> Any:
    return 201, services.session_add(actor=request.user, event_id=event_id, **payload.dict())
