"""Reads of instruments, places, visits and screenings, scoped to what the user may see."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from pave.accounts.models import User
from pave.accounts.roles import Role
from pave.core.crypto import keyring
from pave.core.normalise import normalise_identifier
from pave.screening.engine import SHIPPED_DIRECTORY, InstrumentRegistry, load_instruments
from pave.screening.models import Place, Screening, Visit

# Roles that may interview people and record screenings for their organisation.
SCREENERS = frozenset(
    {Role.ADMINISTRATOR, Role.CASE_MANAGER, Role.CASE_WORKER, Role.SCREENING_OFFICER}
)
# Roles that see every screening of their organisation; other screeners see their own.
SCREENING_SUPERVISORS = frozenset({Role.ADMINISTRATOR, Role.PROJECT_MANAGER, Role.CASE_MANAGER})
# Roles that see places and visits (and the screenings of a visit they may see).
VISIT_READERS = SCREENERS | SCREENING_SUPERVISORS
# The outcome filter's value for interviews the person refused (they have no outcome).
REFUSED = "refused"


# --- instruments -----------------------------------------------------------------------------


@functools.cache
def _registry_for(extra_directory: str) -> InstrumentRegistry:
    return load_instruments(SHIPPED_DIRECTORY, extra_directory or None)


def instrument_registry() -> InstrumentRegistry:
    """The shipped instruments plus those in settings.PAVE_INSTRUMENTS_DIR (loaded once per
    process and directory; restart the application after adding a file)."""
    return _registry_for(str(getattr(settings, "PAVE_INSTRUMENTS_DIR", "") or ""))


# --- access ----------------------------------------------------------------------------------


def can_see_screenings(user: User) -> bool:
    return bool(user.is_active and user.organisation_id and user.role in VISIT_READERS)


def screening_queryset_for_user(*, user: User) -> QuerySet[Screening]:
    """Every screening the user may see: all of the organisation's for supervisors; for the
    other screeners, those they made or whose case is assigned to them; none otherwise."""
    if not can_see_screenings(user):
        return Screening.objects.none()
    base = Screening.objects.filter(organisation_id=user.organisation_id)
    if user.role in SCREENING_SUPERVISORS:
        return base
    return base.filter(Q(interviewer=user) | Q(case__assigned_to=user))


def screening_get_for_user(*, user: User, screening_id: int) -> Screening:
    """The screening if the user may see it; otherwise 404, so existence is not revealed."""
    screening = (
        screening_queryset_for_user(user=user)
        .select_related("interviewer", "visit", "place", "case", "organisation")
        .filter(pk=screening_id)
        .first()
    )
    if screening is None:
        raise Http404("No such screening.")
    return screening


def detainee_number_index(number: str) -> str:
    return keyring().blind_index(normalise_identifier(number or ""), "detainee_number")


@dataclass(frozen=True)
class ScreeningFilters:
    detainee_number: str = ""
    outcome: str = ""
    flagged: bool | None = None
    visit: int | None = None
    place: int | None = None
    has_case: bool | None = None

    def used(self) -> list[str]:
        """Names of the filters in use (for the audit log, which never holds their values)."""
        return [name for name, value in self.__dict__.items() if value not in ("", None)]


def screening_list(*, user: User, filters: ScreeningFilters) -> QuerySet[Screening]:
    screenings = screening_queryset_for_user(user=user).select_related(
        "interviewer", "place", "visit__place", "case"
    )
    if filters.detainee_number.strip():
        index = detainee_number_index(filters.detainee_number)
        screenings = screenings.filter(detainee_number_bidx=index) if index else screenings.none()
    if filters.outcome == REFUSED:
        screenings = screenings.filter(consent_given=False)
    elif filters.outcome:
        screenings = screenings.filter(outcome=filters.outcome)
    if filters.flagged is not None:
        screenings = screenings.filter(flagged_for_follow_up=filters.flagged)
    if filters.visit is not None:
        screenings = screenings.filter(visit_id=filters.visit)
    if filters.place is not None:
        screenings = screenings.filter(place_id=filters.place)
    if filters.has_case is not None:
        screenings = screenings.filter(case__isnull=not filters.has_case)
    return screenings.order_by("-interviewed_on", "-id")


# --- places and visits -----------------------------------------------------------------------


def place_list(*, user: User) -> QuerySet[Place]:
    if not can_see_screenings(user):
        return Place.objects.none()
    return Place.objects.filter(organisation_id=user.organisation_id).order_by("name", "id")


def visit_queryset_for_user(*, user: User) -> QuerySet[Visit]:
    if not can_see_screenings(user):
        return Visit.objects.none()
    return Visit.objects.filter(organisation_id=user.organisation_id).select_related("place")


class VisitCounts(TypedDict):
    screened: int
    flagged: int
    refused: int
    cases_opened: int


if TYPE_CHECKING:  # django-stubs' annotated-model type; the package is for type checks only
    from django_stubs_ext import WithAnnotations

    CountedVisit = WithAnnotations[Visit, VisitCounts]


def visit_list(*, user: User) -> QuerySet[CountedVisit]:
    """The organisation's visits with how many people were screened and flagged at each
    (counts over every screening of the visit; they name no one)."""
    return (
        visit_queryset_for_user(user=user)
        .annotate(
            screened=Count("screenings", filter=Q(screenings__consent_given=True)),
            flagged=Count("screenings", filter=Q(screenings__flagged_for_follow_up=True)),
            refused=Count("screenings", filter=Q(screenings__consent_given=False)),
            cases_opened=Count("screenings", filter=Q(screenings__case__isnull=False)),
        )
        .order_by("-visited_on", "-id")
    )


def visit_get_for_user(*, user: User, visit_id: int) -> CountedVisit:
    visit = visit_list(user=user).filter(pk=visit_id).first()
    if visit is None:
        raise Http404("No such visit.")
    return visit
