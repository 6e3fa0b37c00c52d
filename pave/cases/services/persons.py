"""Writes (and audited reads) of persons and cases.

Every function takes `actor=`, runs in one transaction, validates before writing anything, and
appends its audit event in that same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from pave.accounts.models import User
from pave.accounts.roles import CASE_ASSIGNERS, CASE_CREATORS, CASE_EDITORS, CaseScope
from pave.cases.models import Case, CaseNote, Person, PersonNameToken
from pave.cases.references import next_reference
from pave.cases.rules import (
    CASE_FIELDS,
    MULTI_CHOICE,
    PERSON_FIELDS,
    PERSONAL_FIELDS,
    TEXT_LIMITS,
    derive_is_minor,
)
from pave.cases.selectors import CaseFilters, case_get_for_user, case_list
from pave.core import codelists
from pave.core.audit import audit_record
from pave.core.crypto import keyring
from pave.core.normalise import name_tokens, normalise_identifier, normalise_phone
from pave.core.toolkit import (
    ConflictError,
    add_error,
    model_update,
    raise_if,
    reject_unknown_fields,
)


def index_person(person: Person) -> None:
    ring = keyring()
    person.phone_bidx = ring.blind_index(normalise_phone(person.phone or ""), "phone")
    person.identity_number_bidx = ring.blind_index(
        normalise_identifier(person.identity_number or ""), "identity_number"
    )


def person_name_digests(person: Person) -> set[str]:
    ring = keyring()
    tokens = name_tokens(person.given_name, person.family_name, person.other_names)
    return {ring.blind_index(token, "name") for token in tokens}


def _store_name_tokens(person: Person, *, replace: bool) -> None:
    if replace:
        PersonNameToken.objects.filter(person=person).delete()
    PersonNameToken.objects.bulk_create(
        PersonNameToken(person=person, digest=digest) for digest in person_name_digests(person)
    )


def _clean_codes(field: str, values: Any, allowed: Iterable[str]) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise ValidationError({field: [_("Expected a list of codes.")]})
    allowed = set(allowed)
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationError({field: [_("Unknown code(s): %s") % ", ".join(map(str, unknown))]})
    return list(dict.fromkeys(values))


def _convert(name: str, value: Any) -> tuple[str, Any]:
    """A submitted person or case value as the attribute to set and its stored form."""
    if name in MULTI_CHOICE:
        return name, _clean_codes(name, value, MULTI_CHOICE[name].values)
    if name == "citizenship":
        upper = [str(v).upper() for v in (value or [])]
        return name, [code.upper() for code in _clean_codes(name, upper, dict(countries).keys())]
    if name == "languages":
        return name, _clean_codes(name, value, [str(v) for v in (value or [])])
    if name in ("country", "country_of_recruitment", "country_of_exploitation"):
        # One rule for countries (pave.core.api): an ISO alpha-2 code, else a field error
        # (django-countries raises on text such as "³").
        code = str(value or "").strip().upper()
        if code and code not in countries:
            raise ValidationError({name: [_("Not an ISO 3166 alpha-2 country code (such as LB).")]})
        return name, code
    if name in ("office", "assigned_to"):
        return f"{name}_id", getattr(value, "pk", value)
    if value is None and name not in ("age_estimate", "birth_date"):
        return name, ""
    return name, value


def _apply(instance: Any, data: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """Set the given fields that differ; return the names that changed."""
    return model_update(instance, data, names, convert=_convert)


def _validate_person(person: Person) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        person.full_clean(exclude=["organisation", "reference"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_lengths(errors, person, PERSON_FIELDS)
    if not (person.given_name or "").strip():
        errors.setdefault("given_name", []).append(
            _("A given name (or the name used) is required.")
        )
    today = timezone.localdate()
    if person.birth_date and not (datetime.date(1900, 1, 1) <= person.birth_date <= today):
        errors.setdefault("birth_date", []).append(_("Date of birth must be in the past."))
    if person.phone and not 6 <= len(normalise_phone(person.phone)) <= 15:
        errors.setdefault("phone", []).append(_("A phone number has 6 to 15 digits."))
    return errors


def _check_lengths(errors: dict[str, list[str]], instance: Any, names: Iterable[str]) -> None:
    for name in names:
        # Only text has a limit; reading a relation (assigned_to) would fetch it.
        limit = TEXT_LIMITS.get(name)
        value = getattr(instance, name, None) if limit else None
        if limit and isinstance(value, str) and len(value) > limit:
            add_error(errors, name, _("At most %(n)s characters.") % {"n": limit})


def _validate_case(case: Case, actor: User) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean(exclude=["person", "organisation", "reference", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_lengths(errors, case, CASE_FIELDS)
    if case.identification_date and case.identification_date > timezone.localdate():
        errors.setdefault("identification_date", []).append(
            _("The identification date cannot be in the future.")
        )
    if (
        case.assigned_to_id
        and not User.objects.filter(
            pk=case.assigned_to_id, organisation_id=actor.organisation_id, is_active=True
        ).exists()
    ):
        errors.setdefault("assigned_to", []).append(
            _("Cases can only be assigned to an active user of your organisation.")
        )
    if case.office_id and case.office and case.office.organisation_id != actor.organisation_id:
        errors.setdefault("office", []).append(_("Choose one of your organisation's offices."))
    return errors


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def case_open(*, actor: User, person: Mapping[str, Any], case: Mapping[str, Any]) -> Case:
    """Register a person and open their first case with the actor's organisation.

    The actor becomes the assigned case worker unless `case["assigned_to"]` names another.
    """
    if actor.role not in CASE_CREATORS:
        raise PermissionDenied(_("Your role cannot open cases."))
    reject_unknown_fields(person, PERSON_FIELDS)
    reject_unknown_fields(case, CASE_FIELDS)
    if "assigned_to" in case and actor.role not in CASE_ASSIGNERS:
        raise ValidationError({"assigned_to": [_("Only a case manager can assign cases.")]})
    new_person = Person(organisation_id=actor.organisation_id)
    errors: dict[str, list[str]] = {}
    try:
        _apply(new_person, person, PERSON_FIELDS)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    new_case = Case(
        organisation_id=actor.organisation_id,
        created_by=actor,
        assigned_to=actor,
        office_id=actor.office_id,
        identification_date=timezone.localdate(),
    )
    try:
        _apply(new_case, case, CASE_FIELDS)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    errors.update(_validate_person(new_person))
    errors.update(_validate_case(new_case, actor))
    raise_if(errors)
    reference = next_reference(
        country=str(new_case.country), year=new_case.identification_date.year
    )
    new_person.reference = reference
    index_person(new_person)
    new_person.save()
    _store_name_tokens(new_person, replace=False)
    new_case.person = new_person
    new_case.reference = reference
    new_case.is_minor = derive_is_minor(new_person, new_case.identification_date)
    new_case.status = codelists.CASE_STAGE_STATUS[new_case.stage]
    new_case.save()
    audit_record(
        actor=actor,
        action="case.create",
        obj=new_case,
        fields=[*(f"person.{name}" for name in person), *case],
    )
    return new_case


@transaction.atomic
def case_update(
    *,
    actor: User,
    case_id: int,
    version: int,
    person: Mapping[str, Any] | None = None,
    case: Mapping[str, Any] | None = None,
) -> Case:
    """Apply a partial update based on `version`; a stale version raises ConflictError."""
    person, case = dict(person or {}), dict(case or {})
    reject_unknown_fields(person, PERSON_FIELDS)
    reject_unknown_fields(case, CASE_FIELDS)
    current = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in CASE_EDITORS:
        raise PermissionDenied(_("Your role cannot edit cases."))
    if "assigned_to" in case and actor.role not in CASE_ASSIGNERS:
        assigned = getattr(case["assigned_to"], "pk", case["assigned_to"])
        if assigned != current.assigned_to_id:
            raise ValidationError({"assigned_to": [_("Only a case manager can reassign cases.")]})
    # Lock the row and re-read it, then compare versions: two editors cannot both pass this
    # check, and the save below starts from the row as it is now, not as first read.
    target = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "assigned_to", "organisation", "office")
        .get(pk=current.pk)
    )
    if target.version != version:
        raise ConflictError(target.version)
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    try:
        changed += [f"person.{name}" for name in _apply(target.person, person, PERSON_FIELDS)]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        changed += _apply(target, case, CASE_FIELDS)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if person:
        errors.update(_validate_person(target.person))
    errors.update(_validate_case(target, actor))
    raise_if(errors)
    if not changed:
        return target
    if any(name.startswith("person.") for name in changed):
        index_person(target.person)
        target.person.save()
        if {"person.given_name", "person.family_name", "person.other_names"} & set(changed):
            _store_name_tokens(target.person, replace=True)
    target.is_minor = derive_is_minor(target.person, target.identification_date)
    target.version = version + 1
    target.save()
    audit_record(actor=actor, action="case.update", obj=target, fields=changed)
    return target


@transaction.atomic
def case_note_add(*, actor: User, case_id: int, body: str) -> CaseNote:
    case = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in CASE_EDITORS:
        raise PermissionDenied(_("Your role cannot add notes."))
    if not body.strip():
        raise ValidationError({"body": [_("A note cannot be empty.")]})
    if len(body.strip()) > TEXT_LIMITS["note"]:
        raise ValidationError(
            {"body": [_("At most %(n)s characters.") % {"n": TEXT_LIMITS["note"]}]}
        )
    note = CaseNote.objects.create(case=case, author=actor, body=body.strip())
    audit_record(
        actor=actor,
        action="case.note.create",
        obj=case,
        fields=["note.body"],
        detail={"note": note.pk},
    )
    return note


# --- audited reads ---------------------------------------------------------------------------


@transaction.atomic
def case_read(*, actor: User, case_id: int) -> Case:
    """Fetch a case with its person's data for display, recording the read."""
    case = case_get_for_user(user=actor, case_id=case_id)
    audit_record(
        actor=actor,
        action="case.read",
        obj=case,
        # transition.reason: the reason of a closure waiting for approval is on the page.
        fields=[*sorted(PERSONAL_FIELDS), "note.body", "transition.reason"],
    )
    return case


# Counting every match of a broad query costs a scan of the whole register on every page;
# past this many, lists say "more than N" and ask for a narrower search.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    count: int
    count_exact: bool


def case_search(*, actor: User, filters: CaseFilters, limit: int, offset: int = 0) -> CasePage:
    """A page of the user's cases and how many match (exact up to COUNT_CAP); records which
    cases' data were shown."""
    if actor.case_scope == CaseScope.NONE:
        raise PermissionDenied(_("Your role gives no access to person-level data."))
    cases: QuerySet[Case] = case_list(user=actor, filters=filters)
    count = cases.order_by()[: COUNT_CAP + 1].count()
    page = list(cases[offset : offset + limit])
    if page:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="case.list",
                object_type="case",
                fields=["person.name"],
                detail={"filters": filters.used(), "cases": [c.pk for c in page]},
            )
    return CasePage(cases=page, count=min(count, COUNT_CAP), count_exact=count <= COUNT_CAP)


def person_reindex_all(batch: int = 2000) -> int:
    """Recompute every person's blind indexes under the current key (after key rotation)."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            persons = list(Person.objects.filter(pk__gt=last).order_by("pk")[:batch])
            if not persons:
                return done
            tokens = []
            for person in persons:
                index_person(person)
                tokens += [
                    PersonNameToken(person=person, digest=d) for d in person_name_digests(person)
                ]
            Person.objects.bulk_update(persons, ["phone_bidx", "identity_number_bidx"])
            PersonNameToken.objects.filter(person__in=persons).delete()
            PersonNameToken.objects.bulk_create(tokens)
        done += len(persons)
        last = persons[-1].pk
