"""Reads of persons and cases, always scoped to what the user may see."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from pave.accounts.models import User
from pave.accounts.roles import CaseScope, Role
from pave.cases import workflow
from pave.cases.models import (
    Case,
    CaseNote,
    CaseTransition,
    Person,
    PersonNameToken,
    TransitionAction,
)
from pave.core import codelists
from pave.core.crypto import keyring
from pave.core.extensions import contributions
from pave.core.normalise import normalise_identifier, normalise_phone, search_tokens

_REFERENCE_LIKE = re.compile(r"^[A-Za-z]{2}-")


def case_queryset_for_user(*, user: User) -> QuerySet[Case]:
    """Every case the user may see, and nothing else (empty for roles without case access)."""
    base = Case.objects.filter(organisation_id=user.organisation_id)
    scope = user.case_scope
    if not user.is_active or scope == CaseScope.NONE:
        return Case.objects.none()
    if scope == CaseScope.ORGANISATION:
        return base
    if scope == CaseScope.ASSIGNED:
        return base.filter(assigned_to=user)
    return base.filter(Q(assigned_to=user) | Q(created_by=user))


def case_get_for_user(*, user: User, case_id: int) -> Case:
    """The case if the user may see it; otherwise 404, so that existence is not revealed."""
    case = (
        case_queryset_for_user(user=user)
        .select_related("person", "assigned_to", "organisation", "office")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("No such case.")
    return case


def case_notes(*, case: Case) -> QuerySet[CaseNote]:
    """Notes of a case the caller already obtained through case_get_for_user/case_read."""
    return CaseNote.objects.filter(case=case).select_related("author").order_by("-created_at")


@dataclass(frozen=True)
class CaseFilters:
    search: str = ""
    stage: str = ""
    case_type: str = ""
    country: str = ""
    sex: str = ""
    assigned_to: int | None = None
    is_minor: bool | None = None

    def used(self) -> list[str]:
        """Names of the filters in use (for the audit log, which never holds their values)."""
        return [name for name, value in self.__dict__.items() if value not in ("", None)]


def person_ids_matching(*, text: str) -> set[int]:
    """Persons whose identity number, phone or every name token matches `text` exactly."""
    ring = keyring()
    ids: set[int] = set()
    exact = Q()
    if identifier := normalise_identifier(text):
        exact |= Q(identity_number_bidx=ring.blind_index(identifier, "identity_number"))
    if (phone := normalise_phone(text)) and len(phone) >= 6:
        exact |= Q(phone_bidx=ring.blind_index(phone, "phone"))
    if exact:
        ids.update(Person.objects.filter(exact).values_list("id", flat=True))
    digests = sorted({ring.blind_index(token, "name") for token in search_tokens(text)})
    if digests:
        # One index range per typed word, intersected in the database: (person, digest) is
        # unique, so a person is in every range exactly when all words match one of her names.
        per_word = [
            PersonNameToken.objects.filter(digest=digest).values_list("person_id", flat=True)
            for digest in digests
        ]
        matching = per_word[0].intersection(*per_word[1:]) if len(per_word) > 1 else per_word[0]
        ids.update(matching)
    return ids


def reference_prefix(prefix: str) -> Q:
    """References starting with `prefix`, as an index range scan on every database.

    SQLite's LIKE is case-insensitive and cannot use the index; references are upper-case
    ASCII, so a half-open range in binary order is the same set. PostgreSQL's LIKE uses the
    pattern-ops index Django creates for the unique column.
    """
    if connection.vendor == "sqlite":
        return Q(reference__gte=prefix, reference__lt=prefix + "\U0010ffff")
    return Q(reference__startswith=prefix)


def case_list(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    cases = case_queryset_for_user(user=user).select_related("person", "assigned_to")
    if filters.search.strip():
        text = filters.search.strip()
        match = Q(person_id__in=person_ids_matching(text=text))
        if _REFERENCE_LIKE.match(text):
            match |= reference_prefix(text.upper())
        cases = cases.filter(match)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.case_type:
        cases = cases.filter(case_type=filters.case_type)
    if filters.country:
        cases = cases.filter(country=filters.country.upper())
    if filters.sex:
        cases = cases.filter(person__sex=filters.sex)
    if filters.assigned_to is not None:
        cases = cases.filter(assigned_to_id=filters.assigned_to)
    if filters.is_minor is not None:
        cases = cases.filter(is_minor=filters.is_minor)
    return cases.order_by("-identification_date", "-id")


def assignable_users(*, organisation_id: int) -> QuerySet[User]:

    return User.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        role__in=[Role.CASE_WORKER, Role.CASE_MANAGER, Role.SCREENING_OFFICER],
    ).order_by("username")


# --- workflow and timeline -------------------------------------------------------------------


def case_pending_closure(*, case: Case) -> workflow.Pending | None:
    """The closure request a case in `closure_requested` waits on (None in other stages)."""
    if case.stage != workflow.CLOSURE_REQUESTED:
        return None
    request = (
        CaseTransition.objects.filter(case_id=case.pk, action=TransitionAction.REQUEST_CLOSURE)
        .order_by("-at", "-id")
        .values("from_stage", "requested_stage", "actor_id")
        .first()
    )
    if request is None:  # only if someone set the stage by hand: closing stays possible
        return workflow.Pending(workflow.ASSISTANCE, workflow.CLOSED, None)
    return workflow.Pending(request["from_stage"], request["requested_stage"], request["actor_id"])


def case_closure_request(*, case: Case) -> CaseTransition | None:
    """The pending closure request's transition, with who asked (for the case page)."""
    if case.stage != workflow.CLOSURE_REQUESTED:
        return None
    return (
        CaseTransition.objects.filter(case_id=case.pk, action=TransitionAction.REQUEST_CLOSURE)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a case, as the timeline shows it.

    `day` is when it happened (the date of a service, a visit…, or the local date of a
    step); entries of the same day keep the order in which they were recorded (`at`).
    `title` and `detail` hold no personal data; `text` is what someone wrote about the person.
    """

    day: datetime.date
    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    text: str = ""
    actor: str = ""
    url: str = ""
    object_id: int | None = None

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.datetime, int]:
        return (self.day, self.at, self.object_id or 0)


# A source yields the entries of one kind for one case in a bounded number of queries.
TimelineSource = Callable[[Case], Iterable[TimelineEntry]]
# Other apps add their records to case timelines by naming a source in their AppConfig
# (`timeline_source`) with the personal-data fields it shows (`timeline_fields`, for the audit
# of the read); see pave.core.extensions.


def timeline_fields() -> list[str]:
    """Names of the personal-data fields a timeline shows (for the audit log)."""
    names = {"transition.reason", "note.body"}
    for fields in contributions("timeline_fields"):
        names.update(fields)
    return sorted(names)


def _username(user: User | None) -> str:
    return user.username if user else ""


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _case_entries(case: Case) -> Iterator[TimelineEntry]:
    created_by = User.objects.filter(pk=case.created_by_id).first() if case.created_by_id else None
    yield TimelineEntry(
        # Placed on the day the person was identified, which may precede its recording.
        day=case.identification_date,
        at=case.created_at,
        kind="case",
        title=gettext("Case opened"),
        detail=gettext("Recorded on %(date)s") % {"date": _local_day(case.created_at).isoformat()},
        actor=_username(created_by),
        object_id=case.pk,
    )
    stages = dict(codelists.CaseStage.choices)
    steps = CaseTransition.objects.filter(case_id=case.pk).select_related("actor")
    for step in steps.order_by("at", "id"):
        yield TimelineEntry(
            day=_local_day(step.at),
            at=step.at,
            kind="transition",
            title=str(step.get_action_display()),
            detail=f"{stages.get(step.from_stage, step.from_stage)} → "
            f"{stages.get(step.to_stage, step.to_stage)}",
            text=step.reason,
            actor=_username(step.actor),
            object_id=step.pk,
        )
    for note in case_notes(case=case):
        yield TimelineEntry(
            day=_local_day(note.created_at),
            at=note.created_at,
            kind="note",
            title=gettext("Note"),
            text=note.body,
            actor=_username(note.author),
            object_id=note.pk,
        )


def case_timeline(*, case: Case) -> list[TimelineEntry]:
    """Everything that happened to a case, oldest first: its opening, stage changes with
    their reasons, notes, and what other apps register (services, plans, visits…).

    The caller has already scoped `case` to the user. One query per kind of record, however
    many records there are.
    """
    entries = list(_case_entries(case))
    for source in contributions("timeline_source"):
        entries.extend(source(case))
    return sorted(entries, key=lambda entry: entry.sort_key)
