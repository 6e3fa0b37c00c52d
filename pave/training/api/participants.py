"""Participants (people, once however many events): /api/v1/training/participants."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS, LIMIT, MAX_INT, OFFSET, PathId, search_in_query_string
from pave.training import selectors, services
from pave.training.api.schemas import (
    MergeIn,
    MergeOut,
    ParticipantDetailOut,
    ParticipantIn,
    ParticipantListOut,
    ParticipantOut,
    ParticipantPatch,
)
from pave.training.models import Participant

router = Router()


@router.get("/participants", response={200: ParticipantListOut, **ERRORS})
def list_participants(
    request: AuthedHttpRequest,
    stakeholder_group: str = "",
    country: str = "",
    affiliation: str = "",
    event: int | None = None,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    """The organisation's participants, newest first. Reading them is recorded. A search by
    name is refused here (400): send it by POST to /participants/search, never in a URL."""
    refused = search_in_query_string(request, names=("name",), path=PARTICIPANT_SEARCH_PATH)
    if refused:
        return refused
    filters = selectors.ParticipantFilters(
        stakeholder_group=stakeholder_group,
        country=country,
        affiliation=affiliation,
        event_id=event,
    )
    return _participant_page(request, filters, "", limit, offset)


PARTICIPANT_SEARCH_PATH = "/api/v1/training/participants/search"


class ParticipantSearchIn(Schema):
    name: str = Field("", description="the full name, exactly (case and accents ignored)")
    stakeholder_group: str = ""
    country: str = ""
    affiliation: str = ""
    event: int | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_INT)  # bounded: an unbounded offset overflows (500)


@router.post("/participants/search", response={200: ParticipantListOut, **ERRORS})
def search_participants(request: AuthedHttpRequest, payload: ParticipantSearchIn) -> Any:
    """The list of `GET /participants`, searched by name: the name and the filters in the JSON
    body, so that it is never in a URL. Answers exactly like the list."""
    filters = selectors.ParticipantFilters(
        stakeholder_group=payload.stakeholder_group,
        country=payload.country,
        affiliation=payload.affiliation,
        event_id=payload.event,
    )
    return _participant_page(request, filters, payload.name, payload.limit, payload.offset)


def _participant_page(
    request: AuthedHttpRequest,
    filters: selectors.ParticipantFilters,
    name: str,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    page = services.participant_search(
        actor=request.user, filters=filters, name=name, limit=limit, offset=offset
    )
    return {"count": page.count, "limit": limit, "offset": offset, "results": page.participants}


@router.post("/participants", response={201: ParticipantOut, **ERRORS})
def create_participant(request: AuthedHttpRequest, payload: ParticipantIn) -> Any:
    """Record a person; refused (422, naming the record) if they are already recorded."""
    return 201, services.participant_create(actor=request.user, data=payload.dict())


def _detail(participant: Participant, history: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: getattr(participant, name) for name in ("id", *services.PARTICIPANT_FIELDS)
    }
    out["country"] = str(participant.country or "")
    out["sessions"] = [
        {
            "event": a.session.event_id,
            "event_title": a.session.event.title,
            "session": a.session_id,
            "date": a.session.date,
            "present": a.present,
        }
        for a in history
    ]
    return out


@router.get("/participants/{int:participant_id}", response={200: ParticipantDetailOut, **ERRORS})
def get_participant(request: AuthedHttpRequest, participant_id: PathId) -> Any:
    return _detail(*services.participant_read(actor=request.user, participant_id=participant_id))


@router.patch("/participants/{int:participant_id}", response={200: ParticipantOut, **ERRORS})
def update_participant(
    request: AuthedHttpRequest, participant_id: PathId, payload: ParticipantPatch
) -> Any:
    return services.participant_update(
        actor=request.user, participant_id=participant_id, data=payload.dict(exclude_unset=True)
    )


@router.post("/participants/{int:participant_id}/merge", response={200: MergeOut, **ERRORS})
def merge_participants(request: AuthedHttpRequest, participant_id: PathId, payload: MergeIn) -> Any:
    """Two records are one person: keep this one, move the other's attendance, scores and
    certificates here, and delete the other."""
    return services.participant_merge(
        actor=request.user, keep_id=participant_id, merge_id=payload.merge_id
    )
