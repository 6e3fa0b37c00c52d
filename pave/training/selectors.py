"""Reads of events, participants and their results, always scoped to what the user may see.

Events and participants are seen by the training managers of the organisation that holds
them (see roles.py) and by nobody else: other organisations, and other roles, get 404.
The aggregates count people and are what donors see (suppressed).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pave.accounts.models import Organisation, User
from pave.core import codelists, counting
from pave.privacy import periods
from pave.privacy.selectors import suppression_threshold
from pave.training import aggregates
from pave.training.models import (
    Attendance,
    Certificate,
    Event,
    EventType,
    KnowledgeTest,
    Participant,
    Session,
    StakeholderGroup,
)
from pave.training.roles import AGGREGATE_READERS, TRAINING_MANAGERS


def may_manage(user: User) -> bool:
    return user.is_active and user.role in TRAINING_MANAGERS


def may_read_aggregates(user: User) -> bool:
    return user.is_active and user.role in AGGREGATE_READERS


def partner_ids(codes: list[str]) -> list[int]:
    """The organisations named by these codes (in order), or ValidationError naming the
    unknown ones."""
    found = dict(Organisation.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {"partners": [_("No organisation with the code %s.") % ", ".join(unknown)]}
        )
    return [found[code] for code in codes]


# --- events ----------------------------------------------------------------------------------


def event_queryset_for_user(*, user: User) -> QuerySet[Event]:
    """The events of the user's organisation, for training managers; none for anyone else."""
    if not may_manage(user):
        return Event.objects.none()
    return Event.objects.filter(organisation_id=user.organisation_id)


def event_get_for_user(*, user: User, event_id: int) -> Event:
    """The event if the user may see it; otherwise 404, so that existence is not revealed."""
    event = (
        event_queryset_for_user(user=user)
        .select_related("organisation", "created_by")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            Prefetch("sessions", queryset=Session.objects.order_by("date", "id")),
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404("No such event.")
    return event


@dataclass(frozen=True)
class EventFilters:
    event_type: str = ""
    country: str = ""
    year: int | None = None
    search: str = ""


def with_dates_and_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate first_day, last_day and `participants` (distinct people present)."""
    return events.annotate(
        first_day=Min("sessions__date"),
        last_day=Max(Coalesce("sessions__end_date", "sessions__date")),
        participant_count=Count(
            "sessions__attendances__participant",
            filter=Q(sessions__attendances__present=True),
            distinct=True,
        ),
        session_count=Count("sessions", distinct=True),
    )


def event_list(*, user: User, filters: EventFilters) -> QuerySet[Event]:
    """Events latest first, with dates, counts and partners in two queries."""
    events = event_queryset_for_user(user=user)
    if filters.event_type:
        events = events.filter(event_type=filters.event_type)
    if filters.country:
        events = events.filter(country=filters.country.upper())
    if filters.year:
        # A subquery, not a join: the annotations below must see all of an event's sessions.
        in_year = Session.objects.filter(date__year=filters.year).values("event_id")
        events = events.filter(pk__in=in_year)
    if filters.search.strip():
        events = events.filter(title__icontains=filters.search.strip())
    return (
        with_dates_and_counts(events)
        .prefetch_related(Prefetch("partners", queryset=Organisation.objects.order_by("name")))
        .order_by(F("first_day").desc(nulls_first=True), "-id")
    )


def event_dates(event: Event) -> tuple[datetime.date | None, datetime.date | None]:
    """First and last day of an event (from its prefetched sessions)."""
    sessions = list(event.sessions.all())
    if not sessions:
        return None, None
    return min(s.date for s in sessions), max(s.last_day for s in sessions)


# --- participants ----------------------------------------------------------------------------


def participant_queryset_for_user(*, user: User) -> QuerySet[Participant]:
    if not may_manage(user):
        return Participant.objects.none()
    return Participant.objects.filter(organisation_id=user.organisation_id)


def participant_get_for_user(*, user: User, participant_id: int) -> Participant:
    participant = participant_queryset_for_user(user=user).filter(pk=participant_id).first()
    if participant is None:
        raise Http404("No such participant.")
    return participant


@dataclass(frozen=True)
class ParticipantFilters:
    stakeholder_group: str = ""
    country: str = ""
    affiliation: str = ""
    event_id: int | None = None


def participant_list(
    *, user: User, filters: ParticipantFilters, ids: Iterable[int] | None = None
) -> QuerySet[Participant]:
    """Participants with the number of sessions they attended (one query)."""
    participants = participant_queryset_for_user(user=user)
    if ids is not None:
        participants = participants.filter(pk__in=list(ids))
    if filters.stakeholder_group:
        participants = participants.filter(stakeholder_group=filters.stakeholder_group)
    if filters.country:
        participants = participants.filter(country=filters.country.upper())
    if filters.affiliation.strip():
        participants = participants.filter(affiliation__icontains=filters.affiliation.strip())
    if filters.event_id is not None:
        at_event = Attendance.objects.filter(session__event_id=filters.event_id)
        participants = participants.filter(pk__in=at_event.values("participant_id"))
    return participants.annotate(
        sessions_attended=Count("attendances", filter=Q(attendances__present=True), distinct=True)
    ).order_by("-id")


def participant_history(*, participant: Participant) -> list[Attendance]:
    """Every session a participant was registered for, oldest first, with its event."""
    return list(
        Attendance.objects.filter(participant=participant)
        .select_related("session__event")
        .order_by("session__date", "session_id")
    )


# --- an event's roster -----------------------------------------------------------------------


@dataclass
class RosterRow:
    participant: Participant
    marks: dict[int, bool] = field(default_factory=dict)  # session id -> present
    test: KnowledgeTest | None = None
    certificates: list[Certificate] = field(default_factory=list)

    def mark(self, session_id: int) -> bool | None:
        return self.marks.get(session_id)

    @property
    def attended(self) -> bool:
        return any(self.marks.values())

    @property
    def certificate(self) -> Certificate | None:
        valid = [c for c in self.certificates if c.is_valid]
        return valid[0] if valid else None


def event_roster(*, event: Event) -> list[RosterRow]:
    """Everyone registered for a session of the event or tested at it, in four queries
    whatever their number. The caller scoped `event` and records the read."""
    rows: dict[int, RosterRow] = {}
    attendances = Attendance.objects.filter(session__event=event).select_related("participant")
    for attendance in attendances.order_by("participant_id", "session_id"):
        row = rows.setdefault(attendance.participant_id, RosterRow(attendance.participant))
        row.marks[attendance.session_id] = attendance.present
    for test in KnowledgeTest.objects.filter(event=event).select_related("participant"):
        rows.setdefault(test.participant_id, RosterRow(test.participant)).test = test
    for certificate in Certificate.objects.filter(event=event).order_by("-id"):
        if certificate.participant_id in rows:
            rows[certificate.participant_id].certificates.append(certificate)
    return sorted(
        rows.values(), key=lambda row: (row.participant.full_name.casefold(), row.participant.pk)
    )


def event_knowledge(*, event: Event) -> dict[str, Any]:
    scores = KnowledgeTest.objects.filter(event=event).values_list(
        "pre_score", "post_score", "max_score"
    )
    return aggregates.knowledge_summary(scores)


# --- certificates ----------------------------------------------------------------------------


def certificate_get_for_user(*, user: User, certificate_id: int) -> Certificate:
    certificate = (
        Certificate.objects.filter(
            pk=certificate_id, event__in=event_queryset_for_user(user=user).values("pk")
        )
        .select_related("event__organisation", "participant")
        .first()
    )
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def certificate_by_code(*, code: str) -> Certificate | None:
    if not code:
        return None
    return (
        Certificate.objects.filter(code=code)
        .select_related("event__organisation", "participant")
        .prefetch_related(Prefetch("event__sessions", queryset=Session.objects.order_by("date")))
        .first()
    )


# --- aggregates ------------------------------------------------------------------------------


def _in_period(prefix: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    """Sessions overlapping [date_from, date_to] (both inclusive, either open)."""
    condition = Q()
    if date_to is not None:
        condition &= Q(**{f"{prefix}date__lte": date_to})
    if date_from is not None:
        condition &= Q(**{f"{prefix}end_date__gte": date_from}) | Q(
            **{f"{prefix}end_date__isnull": True, f"{prefix}date__gte": date_from}
        )
    return condition


# The breakdowns of the participants (each partitions them, but event types may overlap) and
# the crossing of stakeholder group by sex, with the key each has in the aggregate.
_BREAKDOWNS = {
    "sex": "by_sex",
    "stakeholder_group": "by_stakeholder_group",
    "country": "by_country",
    "event_type": "by_event_type",
}
_GROUP_BY_SEX = ("stakeholder_group", "sex")


def _zeros(codes: Sequence[str], found: dict[str, int]) -> dict[str, int]:
    """Every listed code (0 when nobody), then the others found."""
    return {**dict.fromkeys(codes, 0), **found}


def participants_aggregate(
    *,
    organisation: Organisation,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    event_types: Sequence[str] | None = None,
    stakeholder_groups: Sequence[str] | None = None,
    partner: Organisation | None = None,
) -> dict[str, Any]:
    """Distinct people present at the organisation's sessions in the period, disaggregated
    by sex, stakeholder group, country and event type, with the knowledge-test summary.

    Counted by the counting engine (pave.core.counting) with the participants source, as the
    results framework's participant indicators are: a person counts once however many
    sessions and events they attended. A session counts when it overlaps the period (dates
    inclusive; None leaves that end open). With `partner`, only events that organisation is a
    partner of. Two queries: the people, their breakdowns, the attendances, events and
    sessions in one statement; the knowledge tests. Nothing is suppressed here: callers whose
    output leaves the organisation pass the result through `aggregates.suppress_counts`.
    """
    filters: dict[str, tuple[str, ...]] = {}
    if event_types:
        filters["event_type"] = tuple(event_types)
    if stakeholder_groups:
        filters["stakeholder_group"] = tuple(stakeholder_groups)
    if partner is not None:
        filters["partner"] = (partner.code,)

    def definition(count: str, distinct_field: str = "") -> counting.Definition:
        return counting.Definition(
            "participants", count, "session_dates", filters, distinct_field=distinct_field
        )

    people = counting.compute(
        definition("distinct_persons"),
        organisation=organisation,
        period=counting.Period.between(date_from, date_to),
        disaggregations=tuple(_BREAKDOWNS),
        crossings=(_GROUP_BY_SEX,),
        totals={
            "attendances": definition("rows"),
            "events": definition("distinct_values", "event"),
            "sessions": definition("distinct_values", "session"),
        },
    )
    sexes, groups = codelists.Sex.values, StakeholderGroup.values
    cross: dict[str, dict[str, int]] = {group: _zeros(sexes, {}) for group in groups}
    for (group, sex), n in people.crossed[_GROUP_BY_SEX].items():
        cross.setdefault(group, _zeros(sexes, {}))[sex] = n
    by = people.breakdowns
    result: dict[str, Any] = {
        "participants": people.value,
        **people.totals,
        "by_sex": _zeros(sexes, by["sex"]),
        "by_stakeholder_group": _zeros(groups, by["stakeholder_group"]),
        "by_country": by["country"],
        "by_event_type": _zeros(EventType.values, by["event_type"]),
        "by_stakeholder_group_and_sex": cross,
    }
    events = Event.objects.filter(organisation=organisation)
    if event_types:
        events = events.filter(event_type__in=list(event_types))
    if partner is not None:
        events = events.filter(partners=partner)
    tested = KnowledgeTest.objects.filter(
        event__in=events.filter(
            pk__in=Session.objects.filter(_in_period("", date_from, date_to)).values("event_id")
        ).values("pk")
    )
    if stakeholder_groups:
        tested = tested.filter(participant__stakeholder_group__in=list(stakeholder_groups))
    result["knowledge"] = aggregates.knowledge_summary(
        tested.values_list("pre_score", "post_score", "max_score")
    )
    result.update(
        organisation=organisation.code,
        period={
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
        filters={
            "event_types": sorted(event_types or []),
            "stakeholder_groups": sorted(stakeholder_groups or []),
            "partner": partner.code if partner else None,
        },
    )
    return result


def suppress_aggregate(result: dict[str, Any], *, threshold: int) -> dict[str, Any]:
    """The aggregate as it may leave the organisation (small cells hidden)."""
    out = aggregates.suppress_counts(result, threshold=threshold)
    out["knowledge"] = aggregates.suppress_knowledge(result["knowledge"], threshold=threshold)
    return out


@dataclass(frozen=True)
class AggregateScope:
    """Whose events a user may count, and whether the result must be suppressed."""

    organisation: Organisation
    partner: Organisation | None
    suppressed: bool


def aggregate_scope(
    *, user: User, organisation_code: str = "", suppress: bool = False
) -> AggregateScope:
    """Managers count their own organisation's events (suppressed on request, to preview
    what leaves it). Donor viewers count their own organisation's events, or another
    organisation's events that theirs is a partner of (funder), always suppressed.
    Without a code, the first of `aggregate_organisations` (the same for page, API and CLI).
    Other organisations are 404 (which exist is not revealed); other roles 403."""
    if not may_read_aggregates(user):
        raise PermissionDenied(_("Your role gives no access to training results."))
    own = user.organisation
    donor = user.role not in TRAINING_MANAGERS
    if not organisation_code:
        organisation_code = aggregate_organisations(user=user)[0].code
    if organisation_code == own.code:
        return AggregateScope(own, None, suppressed=donor or suppress)
    target = Organisation.objects.filter(code=organisation_code).first()
    if (
        target is None
        or not donor
        or not Event.objects.filter(organisation=target, partners=own).exists()
    ):
        raise Http404("No aggregates for this organisation.")
    return AggregateScope(target, own, suppressed=True)


@dataclass(frozen=True)
class AggregateQuery:
    """What to count: sessions overlapping [date_from, date_to] (either end open), or in
    `period` (2014, 2014-Q2, 2014-06), of these event types and stakeholder groups (empty:
    all)."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    event_types: Sequence[str] = ()
    stakeholder_groups: Sequence[str] = ()
    period: str = ""


def aggregate_compute(
    *,
    organisation: Organisation,
    query: AggregateQuery,
    partner: Organisation | None = None,
    suppressed: bool,
) -> dict[str, Any]:
    """The aggregate as it is published: suppressed (at the configured threshold) or whole
    (then `suppressed` False and `threshold` None). The one place that decides both."""
    result = participants_aggregate(
        organisation=organisation,
        date_from=query.date_from,
        date_to=query.date_to,
        event_types=list(query.event_types) or None,
        stakeholder_groups=list(query.stakeholder_groups) or None,
        partner=partner,
    )
    if suppressed:
        return suppress_aggregate(result, threshold=suppression_threshold())
    return {**result, "suppressed": False, "threshold": None}


def aggregate_for_user(
    *, user: User, query: AggregateQuery, organisation_code: str = "", suppress: bool = False
) -> tuple[AggregateScope, dict[str, Any]]:
    """The aggregate a user asked for (page and API alike): whose events (`aggregate_scope`),
    suppressed when it must be or on request. A suppressed aggregate is counted over a
    whole ended month, quarter or year only (privacy.periods; ValidationError otherwise), so
    two of them cannot be subtracted to reveal the people of a day."""
    scope = aggregate_scope(user=user, organisation_code=organisation_code, suppress=suppress)
    date_from, date_to = periods.release_window(
        period=query.period,
        date_from=query.date_from,
        date_to=query.date_to,
        suppressed=scope.suppressed,
        today=timezone.localdate(),
    )
    query = dataclasses.replace(query, date_from=date_from, date_to=date_to, period="")
    result = aggregate_compute(
        organisation=scope.organisation,
        query=query,
        partner=scope.partner,
        suppressed=scope.suppressed,
    )
    return scope, result


def aggregate_organisations(*, user: User) -> list[Organisation]:
    """Organisations whose aggregates the user may read: their own first — for a donor
    viewer, only if it organises events itself — then those whose events it partners."""
    if not may_read_aggregates(user):
        return []
    own = [user.organisation]
    if user.role in TRAINING_MANAGERS:
        return own
    others = list(
        Organisation.objects.filter(training_events__partners=user.organisation)
        .exclude(pk=user.organisation_id)
        .distinct()
        .order_by("name")
    )
    organises = Event.objects.filter(organisation_id=user.organisation_id).exists()
    return own + others if organises or not others else others
