"""An event's participants, attendance and knowledge-test scores."""

from __future__ import annotations

from typing import Any

from ninja import Router

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS, PathId
from pave.training import selectors, services
from pave.training.api.schemas import (
    AddedOut,
    AddToEventIn,
    AttendanceIn,
    AttendanceOut,
    RosterOut,
    TestIn,
    TestRecordOut,
)

router = Router()


@router.get("/events/{int:event_id}/participants", response={200: RosterOut, **ERRORS})
def event_participants(request: AuthedHttpRequest, event_id: PathId) -> Any:
    """Everyone on the event's list with their attendance, scores and certificate."""
    event, roster = services.event_roster_read(actor=request.user, event_id=event_id)
    return {
        "event": event.pk,
        "participants": [
            {
                "participant": row.participant,
                "sessions": {str(k): v for k, v in row.marks.items()},
                "test": row.test,
                "certificate": row.certificate.code if row.certificate else None,
            }
            for row in roster
        ],
        "knowledge": selectors.event_knowledge(event=event),
    }


@router.post(
    "/events/{int:event_id}/participants", response={201: AddedOut, 200: AddedOut, **ERRORS}
)
def add_participant(request: AuthedHttpRequest, event_id: PathId, payload: AddToEventIn) -> Any:
    """Put a person on the event's list (the recorded participant if they are one: 200)."""
    data = payload.dict(include=set(services.PARTICIPANT_FIELDS))
    participant, created = services.participant_add_to_event(
        actor=request.user,
        event_id=event_id,
        data=data,
        session_ids=payload.sessions,
        pre_score=payload.pre_score,
        post_score=payload.post_score,
        max_score=payload.max_score,
    )
    return (201 if created else 200), {"participant": participant, "created": created}


@router.post("/events/{int:event_id}/attendance", response={200: AttendanceOut, **ERRORS})
def record_attendance(request: AuthedHttpRequest, event_id: PathId, payload: AttendanceIn) -> Any:
    return services.attendance_record(
        actor=request.user,
        event_id=event_id,
        session_id=payload.session,
        participant_id=payload.participant,
        present=payload.present,
    )


@router.post("/events/{int:event_id}/tests", response={200: TestRecordOut, **ERRORS})
def record_test(request: AuthedHttpRequest, event_id: PathId, payload: TestIn) -> Any:
    return services.test_record(
        actor=request.user,
        event_id=event_id,
        participant_id=payload.participant,
        pre_score=payload.pre_score,
        post_score=payload.post_score,
        max_score=payload.max_score,
    )
