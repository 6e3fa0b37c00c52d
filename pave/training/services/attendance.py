"""Attendance, knowledge-test scores, and the audited reads of who took part."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.core.audit import Actor, audit_record
from pave.core.crypto import keyring
from pave.core.normalise import normalise_name
from pave.training import selectors
from pave.training.models import (
    Attendance,
    Event,
    KnowledgeTest,
    Participant,
    Session,
)
from pave.training.services.common import (
    NAME_PURPOSE,
    PERSONAL_FIELDS,
    add_error,
    event_for_actor,
    participant_for_actor,
    raise_if,
    require_manager,
)
from pave.training.services.participants import (
    clean_participant,
    participant_register,
)

# --- attendance and scores -------------------------------------------------------------------


def _session_of(event: Event, session_id: int) -> Session:
    session = Session.objects.filter(pk=session_id, event=event).first()
    if session is None:
        raise ValidationError({"session": [_("Not a session of this event.")]})
    return session


def clean_scores(
    pre: Decimal | None, post: Decimal | None, maximum: Decimal | None
) -> tuple[Decimal | None, Decimal | None, Decimal]:
    errors: dict[str, list[str]] = {}
    top = Decimal(100) if maximum is None else Decimal(maximum)
    if top <= 0:
        add_error(errors, "max_score", _("Must be above 0."))
    for name, value in (("pre_score", pre), ("post_score", post)):
        if value is not None and not 0 <= Decimal(value) <= top:
            add_error(errors, name, _("A score between 0 and %(max)s.") % {"max": top})
    raise_if(errors)
    return (
        None if pre is None else Decimal(pre),
        None if post is None else Decimal(post),
        top,
    )


def store_test(
    event: Event,
    participant: Participant,
    pre: Decimal | None,
    post: Decimal | None,
    top: Decimal,
) -> KnowledgeTest:
    test, _created = KnowledgeTest.objects.get_or_create(
        event=event, participant=participant, defaults={"max_score": top}
    )
    merge_scores(test, pre, post, top)
    test.save()
    return test


def merge_scores(
    test: KnowledgeTest, pre: Decimal | None, post: Decimal | None, top: Decimal
) -> None:
    """Complete a test with new scores. Scores out of another maximum replace the old ones
    (a pre-test of 15/20 and a post-test of 8/10 would not compare)."""
    if test.max_score != top:
        test.pre_score, test.post_score, test.max_score = pre, post, top
        return
    test.pre_score = pre if pre is not None else test.pre_score
    test.post_score = post if post is not None else test.post_score


def store_attendance(session_id: int, participant: Participant, present: bool) -> None:
    Attendance.objects.update_or_create(
        session_id=session_id, participant=participant, defaults={"present": present}
    )


@transaction.atomic
def attendance_record(
    *, actor: Actor, event_id: int, session_id: int, participant_id: int, present: bool = True
) -> Attendance:
    """Register a participant for a session of the event, present or absent."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    session = _session_of(event, session_id)
    participant = _participant_of(event, participant_id)
    attendance, _created = Attendance.objects.update_or_create(
        session=session, participant=participant, defaults={"present": present}
    )
    audit_record(
        actor=actor,
        action="training.attendance.record",
        obj=event,
        fields=["attendance.present"],
        detail={"session": session.pk, "participant": participant.pk},
    )
    return attendance


def _participant_of(event: Event, participant_id: int) -> Participant:
    participant = Participant.objects.filter(
        pk=participant_id, organisation_id=event.organisation_id
    ).first()
    if participant is None:
        raise ValidationError({"participant": [_("No such participant.")]})
    return participant


@transaction.atomic
def attendance_set(
    *, actor: Actor, event_id: int, present: set[tuple[int, int]], test_scores: Mapping[int, Any]
) -> int:
    """Save an event's attendance grid: for each participant already on the event's roster
    and each session, `(participant, session)` in `present` marks them present; a mark that
    is not there becomes absent. `test_scores`: participant -> (pre, post, max)."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    roster = {row.participant.pk: row for row in selectors.event_roster(event=event)}
    session_ids = list(event.sessions.values_list("pk", flat=True))
    changes = 0
    for participant_id, row in roster.items():
        for session_id in session_ids:
            wanted = (participant_id, session_id) in present
            current = row.marks.get(session_id)
            if current is None and not wanted:
                continue
            if current != wanted:
                store_attendance(session_id, row.participant, wanted)
                changes += 1
    for participant_id, scores in test_scores.items():
        if participant_id not in roster:
            raise ValidationError({"participant": [_("Not on this event's list.")]})
        pre, post, top = clean_scores(*scores)
        test = roster[participant_id].test
        if test and (test.pre_score, test.post_score, test.max_score) == (pre, post, top):
            continue
        if test or pre is not None or post is not None:
            store_test(event, roster[participant_id].participant, pre, post, top)
            changes += 1
    audit_record(
        actor=actor,
        action="training.attendance.update",
        obj=event,
        fields=["attendance.present", "test.pre_score", "test.post_score"],
        detail={"changes": changes},
    )
    return changes


@transaction.atomic
def test_record(
    *,
    actor: Actor,
    event_id: int,
    participant_id: int,
    pre_score: Decimal | None,
    post_score: Decimal | None,
    max_score: Decimal | None = None,
) -> KnowledgeTest:
    """Record (or complete) a participant's pre- and post-test scores for the event."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    participant = _participant_of(event, participant_id)
    pre, post, top = clean_scores(pre_score, post_score, max_score)
    test = store_test(event, participant, pre, post, top)
    audit_record(
        actor=actor,
        action="training.test.record",
        obj=event,
        fields=["test.pre_score", "test.post_score", "test.max_score"],
        detail={"participant": participant.pk},
    )
    return test


@transaction.atomic
def participant_add_to_event(
    *,
    actor: Actor,
    event_id: int,
    data: Mapping[str, Any],
    session_ids: Sequence[int],
    pre_score: Decimal | None = None,
    post_score: Decimal | None = None,
    max_score: Decimal | None = None,
) -> tuple[Participant, bool]:
    """Put a person on the event's list — the recorded participant if they are one — as
    present at the given sessions, with their scores. Returns (participant, created)."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    cleaned = clean_participant(data)
    sessions = [_session_of(event, pk) for pk in session_ids]
    if not sessions:
        raise ValidationError({"sessions": [_("Choose at least one session.")]})
    pre, post, top = clean_scores(pre_score, post_score, max_score)
    participant, created = participant_register(
        actor=actor, organisation=event.organisation, data=cleaned
    )
    for session in sessions:
        store_attendance(session.pk, participant, True)
    if pre is not None or post is not None:
        store_test(event, participant, pre, post, top)
    audit_record(
        actor=actor,
        action="training.participant.add",
        obj=event,
        fields=[*cleaned, "attendance.present"],
        detail={"participant": participant.pk, "created": created},
    )
    return participant, created


# --- audited reads ---------------------------------------------------------------------------


@transaction.atomic
def event_roster_read(*, actor: Actor, event_id: int) -> tuple[Event, list[selectors.RosterRow]]:
    """An event with everyone on its list, their marks and scores, recording the read."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    roster = selectors.event_roster(event=event)
    if roster:
        audit_record(
            actor=actor,
            action="training.event.participants.read",
            obj=event,
            fields=["participant.full_name", "participant.title"],
            detail={"participants": [row.participant.pk for row in roster]},
        )
    return event, roster


@transaction.atomic
def participant_read(*, actor: Actor, participant_id: int) -> tuple[Participant, list[Attendance]]:
    participant = participant_for_actor(actor=actor, participant_id=participant_id)
    require_manager(actor)
    history = selectors.participant_history(participant=participant)
    audit_record(
        actor=actor,
        action="training.participant.read",
        obj=participant,
        fields=list(PERSONAL_FIELDS),
    )
    return participant, history


COUNT_CAP = 10_000


@dataclass(frozen=True)
class ParticipantPage:
    participants: list[Participant]
    count: int


def participant_search(
    *,
    actor: User,
    filters: selectors.ParticipantFilters,
    name: str = "",
    limit: int = 50,
    offset: int = 0,
) -> ParticipantPage:
    """A page of the organisation's participants; `name` finds a person by their full name
    exactly (case, accents and Arabic letter forms ignored). Records whose names were shown."""
    if not selectors.may_manage(actor):
        raise PermissionDenied(_("Your role gives no access to participants."))
    ids = None
    if name.strip():
        digest = keyring().blind_index(normalise_name(name), NAME_PURPOSE)
        ids = Participant.objects.filter(
            organisation_id=actor.organisation_id, name_bidx=digest
        ).values_list("pk", flat=True)
    participants = selectors.participant_list(user=actor, filters=filters, ids=ids)
    count = participants.order_by()[: COUNT_CAP + 1].count()
    page = list(participants[offset : offset + limit])
    if page:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="training.participant.list",
                object_type="participant",
                fields=["full_name", "title"],
                detail={"participants": [p.pk for p in page]},
            )
    return ParticipantPage(page, min(count, COUNT_CAP))
