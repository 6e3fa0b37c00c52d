"""Reads of persons and cases, always scoped to what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from pave.accounts.models import User
from pave.accounts.roles import CaseScope
from pave.cases.models import Case, CaseNote, Person, PersonNameToken
from pave.core.crypto import keyring
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
    digests = {ring.blind_index(token, "name") for token in search_tokens(text)}
    if digests:
        ids.update(
            PersonNameToken.objects.filter(digest__in=digests)
            .values("person_id")
            .annotate(hits=Count("digest", distinct=True))
            .filter(hits=len(digests))
            .values_list("person_id", flat=True)
        )
    return ids


def case_list(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    cases = case_queryset_for_user(user=user).select_related("person", "assigned_to")
    if filters.search.strip():
        text = filters.search.strip()
        match = Q(person_id__in=person_ids_matching(text=text))
        if _REFERENCE_LIKE.match(text):
            match |= Q(reference__startswith=text.upper())
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
    from pave.accounts.roles import Role

    return User.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        role__in=[Role.CASE_WORKER, Role.CASE_MANAGER, Role.SCREENING_OFFICER],
    ).order_by("username")
