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
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from pave.accounts.models import User
from pave.accounts.roles import CASE_ASSIGNERS, CASE_CREATORS, CASE_EDITORS, CaseScope, Role
from pave.cases import selectors, workflow
from pave.cases.models import ADULT_AGE, Case, CaseNote, CaseTransition, Person, PersonNameToken
from pave.cases.selectors import CaseFilters, TimelineEntry, case_get_for_user, case_list
from pave.core import codelists
from pave.core.audit import audit_record
from pave.core.crypto import keyring
from pave.core.models import Counter
from pave.core.normalise import name_tokens, normalise_identifier, normalise_phone

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "birth_date",
    "age_estimate",
    "sex",
    "gender",
    "citizenship",
    "languages",
    "phone",
    "identity_number",
    "address",
)
CASE_FIELDS = (
    "case_type",
    "country",
    "office",
    "trafficking_status",
    "trafficking_status_decided_by",
    "types_of_exploitation",
    "methods_of_control",
    "industry",
    "country_of_recruitment",
    "country_of_exploitation",
    "identification_source",
    "identification_date",
    "assigned_to",
    "summary",
)
MULTI_CHOICE = {
    "types_of_exploitation": codelists.TypeOfExploitation,
    "methods_of_control": codelists.MethodOfControl,
}
PERSONAL_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "other_names",
        "birth_date",
        "phone",
        "identity_number",
        "address",
        "summary",
    }
)


class ConflictError(Exception):
    """The record changed since the version the caller based its edit on."""

    def __init__(self, current_version: int):
        super().__init__(
            _(
                "This case was changed by someone else (now version %(v)s). Reload it, "
                "re-apply your changes and save again."
            )
            % {"v": current_version}
        )
        self.current_version = current_version


# --- helpers ---------------------------------------------------------------------------------


def next_references(*, country: str, year: int, count: int) -> list[str]:
    """A block of the next pseudonymous references for a country and year (LB-2014-000123).

    Call inside a transaction: the UPDATE locks the counter row until commit, so concurrent
    callers (several app servers) get disjoint blocks.
    """
    name = f"person:{country}:{year}"
    Counter.objects.get_or_create(name=name)
    Counter.objects.filter(name=name).update(value=F("value") + count)
    last = Counter.objects.get(name=name).value
    return [f"{country}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_reference(*, country: str, year: int) -> str:
    return next_references(country=country, year=year, count=1)[0]


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def derive_is_minor(person: Person, identification_date: datetime.date) -> bool | None:
    if person.birth_date:
        return age_on(person.birth_date, identification_date) < ADULT_AGE
    if person.age_estimate is not None:
        return person.age_estimate < ADULT_AGE
    return None


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


def _apply(instance: Any, data: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """Set the given fields that differ; return the names that changed."""
    changed = []
    for name in names:
        if name not in data:
            continue
        value = data[name]
        if name in MULTI_CHOICE:
            value = _clean_codes(name, value, MULTI_CHOICE[name].values)
        elif name == "citizenship":
            value = [
                code.upper()
                for code in _clean_codes(
                    name, [str(v).upper() for v in (value or [])], dict(countries).keys()
                )
            ]
        elif name == "languages":
            value = _clean_codes(name, value, [str(v) for v in (value or [])])
        elif name in ("office", "assigned_to"):
            name = f"{name}_id"
            value = getattr(value, "pk", value)
        elif value is None and name not in ("age_estimate", "birth_date"):
            value = ""
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name.removesuffix("_id"))
    return changed


def _validate_person(person: Person) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        person.full_clean(exclude=["organisation", "reference"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
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


def _validate_case(case: Case, actor: User) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean(exclude=["person", "organisation", "reference", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
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


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _known_fields(data: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({f"{prefix}{name}": [_("Unknown field.")] for name in unknown})


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def case_open(*, actor: User, person: Mapping[str, Any], case: Mapping[str, Any]) -> Case:
    """Register a person and open their first case with the actor's organisation.

    The actor becomes the assigned case worker unless `case["assigned_to"]` names another.
    """
    if actor.role not in CASE_CREATORS:
        raise PermissionDenied(_("Your role cannot open cases."))
    _known_fields(person, PERSON_FIELDS)
    _known_fields(case, CASE_FIELDS)
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
    _raise_if(errors)
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
    _known_fields(person, PERSON_FIELDS)
    _known_fields(case, CASE_FIELDS)
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
    _raise_if(errors)
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


# --- workflow --------------------------------------------------------------------------------

REASON_MAX_LENGTH = 4000
_STEP_AUDIT_ACTIONS = {
    workflow.Action.MOVE: "case.stage.move",
    workflow.Action.REQUEST_CLOSURE: "case.closure.request",
    workflow.Action.APPROVE_CLOSURE: "case.closure.approve",
    workflow.Action.SEND_BACK: "case.closure.send_back",
    workflow.Action.REOPEN: "case.reopen",
}
_ROLE_REFUSALS = {
    workflow.Action.MOVE: _lazy(
        "Only case workers, case managers and administrators change a case's stage."
    ),
    workflow.Action.REQUEST_CLOSURE: _lazy(
        "Only case workers, case managers and administrators request a closure."
    ),
    workflow.Action.APPROVE_CLOSURE: _lazy(
        "Only a case manager or an administrator approves a closure. Request the closure "
        "instead: a case manager will be asked to approve it."
    ),
    workflow.Action.SEND_BACK: _lazy(
        "Only a case manager or an administrator sends a closure request back."
    ),
    workflow.Action.REOPEN: _lazy("Only a case manager or an administrator reopens a case."),
}


def stage_label(stage: str) -> str:
    return str(dict(codelists.CaseStage.choices).get(stage, stage))


def _refused_stage_message(from_stage: str, to_stage: str, allowed: list[Any]) -> str:
    names = ", ".join(f"“{stage_label(t.to_stage)}” ({t.to_stage})" for t in allowed)
    return _(
        "A case in the stage “%(from)s” cannot move to “%(to)s”. "
        "From “%(from)s” it can move to: %(allowed)s."
    ) % {
        "from": stage_label(from_stage),
        "to": stage_label(to_stage) if to_stage else "—",
        "allowed": names or _("nothing"),
    }


def _clean_reason(reason: str) -> tuple[str, list[str]]:
    reason = (reason or "").strip()
    if not reason:
        return reason, [_("Give the reason for this step.")]
    if len(reason) > REASON_MAX_LENGTH:
        return reason, [_("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH}]
    return reason, []


def _target_stage(
    action: workflow.Action | None, to_stage: str | None, pending: workflow.Pending | None
) -> str:
    """The stage a dedicated step leads to, known only once the case is locked."""
    if to_stage is not None:
        return to_stage
    if action == workflow.Action.APPROVE_CLOSURE:
        return pending.outcome if pending else workflow.CLOSED
    if action == workflow.Action.SEND_BACK:
        return pending.return_stage if pending else ""
    return workflow.ASSISTANCE  # reopen


def _notify_managers(*, actor: User, case: Case) -> None:
    """Tell the organisation's case managers (or, if it has none, its administrators) that a
    closure waits for their approval. The message holds only the pseudonymous reference."""
    # Imported here: notifications builds on accounts and cases, not the other way round.
    from pave.notifications.services import notify

    colleagues = User.objects.filter(organisation_id=case.organisation_id, is_active=True).exclude(
        pk=actor.pk
    )
    recipients = list(colleagues.filter(role=Role.CASE_MANAGER)) or list(
        colleagues.filter(role=Role.ADMINISTRATOR)
    )
    if not recipients:
        return
    notify(
        recipients=recipients,
        kind="approval_waiting",
        message=_("Case %(reference)s: a closure waits for your approval.")
        % {"reference": case.reference},
        url=reverse("cases:detail", args=[case.pk]),
    )


def _allowed_step(
    actor: User,
    case: Case,
    target: str,
    action: workflow.Action | None,
    pending: workflow.Pending | None,
) -> tuple[workflow.Transition | None, dict[str, list[str]]]:
    """The step to `target` if the graph has it and the actor may take it; a wrong stage is
    a validation error (returned, to be reported with the others), a wrong person a 403."""
    try:
        step = workflow.check(
            role=actor.role,
            user_id=actor.pk,
            from_stage=case.stage,
            to_stage=target,
            action=action,
            pending=pending,
        )
    except workflow.Refusal as refusal:
        if refusal.kind == "own_request":
            raise PermissionDenied(
                _(
                    "You asked for this closure: another case manager or an administrator "
                    "must approve it."
                )
            ) from None
        wanted = workflow.find(case.stage, target)
        if refusal.kind == "role" and wanted is not None:
            raise PermissionDenied(str(_ROLE_REFUSALS[wanted.action])) from None
        key = "to_stage" if action is None else "__all__"
        return None, {key: [_refused_stage_message(case.stage, target, refusal.allowed)]}
    return step, {}


@transaction.atomic
def _take_step(
    *,
    actor: User,
    case_id: int,
    reason: str,
    version: int,
    to_stage: str | None = None,
    action: workflow.Action | None = None,
    outcome: str = workflow.CLOSED,
) -> CaseTransition:
    """Move a case one step along the workflow (see pave.cases.workflow).

    Order of refusals: 404 for a case the actor cannot see, 403 for a role outside the
    workflow, ConflictError for a stale `version`, ValidationError for a step the graph does
    not allow from the current stage (naming the allowed ones) or a missing reason, and 403
    for a step this role may not take.
    """
    scoped = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in workflow.WORKFLOW_ROLES:
        raise PermissionDenied(_("Your role cannot change a case's stage."))
    case = Case.objects.select_for_update(of=("self",)).get(pk=scoped.pk)
    if case.version != version:
        raise ConflictError(case.version)
    pending = selectors.case_pending_closure(case=case)
    target = _target_stage(action, to_stage, pending)
    step, errors = _allowed_step(actor, case, target, action, pending)
    reason, reason_errors = _clean_reason(reason)
    if reason_errors:
        errors["reason"] = reason_errors
    if step and step.action == workflow.Action.REQUEST_CLOSURE:
        if outcome not in workflow.CLOSURE_OUTCOMES:
            errors["outcome"] = [
                _("Choose %(a)s or %(b)s.") % {"a": workflow.CLOSED, "b": workflow.CLOSED_REFERRED}
            ]
    _raise_if(errors)
    assert step is not None  # no errors means the graph allowed a step
    return _record_step(actor=actor, case=case, step=step, reason=reason, outcome=outcome)


def _record_step(
    *, actor: User, case: Case, step: workflow.Transition, reason: str, outcome: str
) -> CaseTransition:
    case.stage = step.to_stage
    case.status = codelists.CASE_STAGE_STATUS[step.to_stage]
    case.version += 1
    case.save(update_fields=["stage", "status", "version", "updated_at"])
    is_request = step.action == workflow.Action.REQUEST_CLOSURE
    transition = CaseTransition.objects.create(
        case=case,
        action=step.action,
        from_stage=step.from_stage,
        to_stage=step.to_stage,
        requested_stage=outcome if is_request else "",
        actor=actor,
        reason=reason,
        case_version=case.version,
    )
    # The reason is personal data: the log says that one was given, never what it says.
    audit_record(
        actor=actor,
        action=_STEP_AUDIT_ACTIONS[step.action],
        obj=case,
        fields=["stage", "status", "transition.reason"],
        detail={
            "transition": transition.pk,
            "from": step.from_stage,
            "to": step.to_stage,
            "reason_given": bool(reason),
            **({"requested": outcome} if is_request else {}),
        },
    )
    if is_request:
        _notify_managers(actor=actor, case=case)
    return transition


def case_transition(
    *,
    actor: User,
    case_id: int,
    to_stage: str,
    reason: str,
    version: int,
    outcome: str = workflow.CLOSED,
) -> CaseTransition:
    """Take whichever step of the graph leads from the case's stage to `to_stage` (a move, a
    closure request — `outcome` says closed or closed_referred —, an approval, a send-back or
    a reopening), if the actor's role may take it."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        to_stage=to_stage,
        reason=reason,
        version=version,
        outcome=outcome,
    )


def case_closure_request(
    *, actor: User, case_id: int, reason: str, version: int, outcome: str = workflow.CLOSED
) -> CaseTransition:
    """Ask a case manager to close the case (as `closed`, or `closed_referred` when it was
    closed by referral); the organisation's case managers are notified."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        to_stage=workflow.CLOSURE_REQUESTED,
        action=workflow.Action.REQUEST_CLOSURE,
        reason=reason,
        version=version,
        outcome=outcome,
    )


def case_closure_approve(*, actor: User, case_id: int, reason: str, version: int) -> CaseTransition:
    """Close the case as its pending request asked (case managers and administrators, not
    the person who requested it)."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        action=workflow.Action.APPROVE_CLOSURE,
        reason=reason,
        version=version,
    )


def case_closure_send_back(
    *, actor: User, case_id: int, reason: str, version: int
) -> CaseTransition:
    """Refuse the pending closure: the case returns to the stage it was requested from."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        action=workflow.Action.SEND_BACK,
        reason=reason,
        version=version,
    )


def case_reopen(*, actor: User, case_id: int, reason: str, version: int) -> CaseTransition:
    """Reopen a closed case: it goes back to receiving assistance."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        action=workflow.Action.REOPEN,
        reason=reason,
        version=version,
    )


@transaction.atomic
def case_timeline_read(*, actor: User, case_id: int) -> tuple[Case, list[TimelineEntry]]:
    """A case and its timeline for display, recording the read of the free text it shows."""
    case = case_get_for_user(user=actor, case_id=case_id)
    entries = selectors.case_timeline(case=case)
    audit_record(
        actor=actor, action="case.timeline.read", obj=case, fields=selectors.timeline_fields()
    )
    return case, entries
