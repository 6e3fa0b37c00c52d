"""Writes (and audited reads) of the service catalogue and of a case's assistance records.

Every function takes `actor=`, runs in one transaction, validates before writing anything and
appends its audit event (field names only, never values) in that same transaction. Records
are written under the case's row lock, so nothing is added to a case while it is being closed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pave.accounts.models import Organisation, User
from pave.assistance import selectors
from pave.assistance.models import (
    SCORE_DIMENSIONS,
    CasePlan,
    CaseRecord,
    DeliveryStatus,
    FollowUpVisit,
    PlanStatus,
    ReintegrationAssessment,
    ServiceDelivery,
    ServiceType,
)
from pave.cases import workflow
from pave.cases.models import Case
from pave.cases.selectors import case_get_for_user
from pave.core.audit import audit_record
from pave.core.toolkit import ConflictError, model_update, reject_unknown_fields
from pave.notifications.models import NotificationKind
from pave.notifications.services import notify

Errors = dict[str, list[str]]


class RecordConflictError(ConflictError):
    """The record changed since the version the caller based its edit on (HTTP 409)."""

    def __init__(self, current_version: int):
        Exception.__init__(
            self,
            _(
                "This record was changed by someone else (now version %(v)s). Reload it, "
                "re-apply your changes and save again."
            )
            % {"v": current_version},
        )
        self.current_version = current_version


# --- validation of each kind of record -------------------------------------------------------


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _not_future(errors: Errors, name: str, value: datetime.date | None) -> None:
    if isinstance(value, datetime.date) and value > timezone.localdate():
        _add(errors, name, _("This date cannot be in the future."))


def _check_service(actor: User, record: Any, changed: set[str]) -> Errors:
    errors: Errors = {}
    delivery: ServiceDelivery = record
    if (
        "service_type" in changed
        and delivery.service_type_id is not None
        and not ServiceType.objects.filter(pk=delivery.service_type_id, active=True).exists()
    ):
        _add(errors, "service_type", _("Choose a service the catalogue offers."))
    if (
        delivery.provider_id is not None
        and "provider" in changed
        and not Organisation.objects.filter(pk=delivery.provider_id).exists()
    ):
        _add(errors, "provider", _("Choose an organisation known to PAVE."))
    if delivery.status == DeliveryStatus.DELIVERED:
        _not_future(errors, "delivered_on", delivery.delivered_on)
    cost: Any = delivery.cost
    if isinstance(cost, str):
        try:
            cost = Decimal(cost)
        except InvalidOperation:
            cost = None  # the model's own check reports it
    if isinstance(cost, Decimal | int | float) and cost < 0:
        _add(errors, "cost", _("A cost cannot be negative."))
    if cost is not None and not delivery.currency:
        _add(errors, "currency", _("Say in which currency the cost was paid."))
    return errors


def _check_plan(actor: User, record: Any, changed: set[str]) -> Errors:
    errors: Errors = {}
    plan: CasePlan = record
    start = plan.started_on
    for name in ("planned_end", "actual_end"):
        end = getattr(plan, name)
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            _add(errors, name, _("The end cannot be before the start date."))
    _not_future(errors, "actual_end", plan.actual_end)
    if plan.status == PlanStatus.ACTIVE and plan.actual_end:
        _add(errors, "status", _("A plan with an actual end date is completed or discontinued."))
    if plan.status != PlanStatus.ACTIVE and not plan.actual_end:
        _add(errors, "actual_end", _("Say when the plan ended."))
    if not (plan.objectives or "").strip():
        _add(errors, "objectives", _("State the plan's objectives."))
    return errors


def _check_follow_up(actor: User, record: Any, changed: set[str]) -> Errors:
    errors: Errors = {}
    visit: FollowUpVisit = record
    _not_future(errors, "done_on", visit.done_on)
    if visit.done_on and not visit.outcome:
        _add(errors, "outcome", _("Record the outcome of the visit."))
    if visit.outcome and not visit.done_on:
        _add(errors, "done_on", _("Say when the visit was made."))
    if visit.visited_by_id and "visited_by" in changed:
        visitors = selectors.visitor_choices(organisation_id=actor.organisation_id)
        if not visitors.filter(pk=visit.visited_by_id).exists():
            _add(errors, "visited_by", _("Choose a case worker or manager of your organisation."))
    return errors


def _check_reintegration(actor: User, record: Any, changed: set[str]) -> Errors:
    errors: Errors = {}
    _not_future(errors, "assessed_on", record.assessed_on)
    for name in SCORE_DIMENSIONS:
        value = getattr(record, name)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 4):
            _add(errors, name, _("A score is a whole number from 0 (critical) to 4 (sustainable)."))
    return errors


@dataclass(frozen=True)
class RecordKind:
    """How one kind of assistance record is written: its fields, which of them are personal
    data (encrypted, never shown in logs), and the checks beyond the model's own."""

    name: str  # in audit actions and details: "service", "plan", …
    model: type[CaseRecord]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    personal: frozenset[str]
    check: Callable[[User, Any, set[str]], Errors]
    foreign_keys: frozenset[str] = frozenset()


SERVICE = RecordKind(
    name="service",
    model=ServiceDelivery,
    fields=("service_type", "provider", "delivered_on", "status", "cost", "currency", "notes"),
    required=("service_type", "delivered_on"),
    personal=frozenset({"notes"}),
    check=_check_service,
    foreign_keys=frozenset({"service_type", "provider"}),
)
PLAN = RecordKind(
    name="plan",
    model=CasePlan,
    fields=(
        "plan_type",
        "objectives",
        "action_plan",
        "started_on",
        "planned_end",
        "actual_end",
        "status",
    ),
    required=("plan_type", "objectives", "started_on"),
    personal=frozenset({"objectives", "action_plan"}),
    check=_check_plan,
)
FOLLOW_UP = RecordKind(
    name="follow_up",
    model=FollowUpVisit,
    fields=("due_on", "done_on", "visited_by", "outcome", "notes"),
    required=("due_on",),
    personal=frozenset({"notes"}),
    check=_check_follow_up,
    foreign_keys=frozenset({"visited_by"}),
)
REINTEGRATION = RecordKind(
    name="reintegration",
    model=ReintegrationAssessment,
    fields=("assessed_on", *SCORE_DIMENSIONS, "notes"),
    required=("assessed_on", *SCORE_DIMENSIONS),
    personal=frozenset({"notes"}),
    check=_check_reintegration,
)
KINDS = {kind.name: kind for kind in (SERVICE, PLAN, FOLLOW_UP, REINTEGRATION)}


# --- shared machinery ------------------------------------------------------------------------


def _stripped(name: str, value: Any) -> tuple[str, Any]:
    return name, value.strip() if isinstance(value, str) else value


def _apply(record: CaseRecord, data: Mapping[str, Any], kind: RecordKind) -> set[str]:
    """Set the fields that differ; return the names of those that changed."""

    def convert(name: str, value: Any) -> tuple[str, Any]:
        if name in kind.foreign_keys:
            return f"{name}_id", getattr(value, "pk", value)
        if value is None and name in kind.personal | {"currency", "outcome"}:
            return name, ""
        if isinstance(value, str) and name in kind.personal:
            return name, value.strip()
        return name, value

    return set(model_update(record, data, kind.fields, convert=convert))


def _defaults(actor: User, record: CaseRecord) -> set[str]:
    """A visit recorded as done without a visitor was made by whoever records it."""
    if isinstance(record, FollowUpVisit) and record.done_on and not record.visited_by_id:
        record.visited_by_id = actor.pk
        return {"visited_by"}
    return set()


def _validate(
    actor: User, record: CaseRecord, kind: RecordKind, data: Mapping[str, Any], changed: set[str]
) -> None:
    errors: Errors = {
        name: [_("This field is required.")]
        for name in kind.required
        if name in data and data[name] in (None, "")
    }
    for name, messages in kind.check(actor, record, changed).items():
        errors.setdefault(name, []).extend(messages)
    # The model's own checks (types, choices, decimal places, missing values) on the fields
    # not already found wrong, so that each field gets its clearest message, once.
    try:
        record.full_clean(exclude=["case", "recorded_by", *errors], validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _case_for_writing(*, actor: User, case_id: int) -> Case:
    """The case, locked, if the actor may record assistance on it: 404 if they cannot see
    it, 403 if their role only reads, and refused while the case is closed."""
    scoped = case_get_for_user(user=actor, case_id=case_id)
    if not selectors.can_record_assistance(actor):
        raise PermissionDenied(_("Your role cannot record assistance."))
    case = Case.objects.select_for_update(of=("self",)).get(pk=scoped.pk)
    if case.stage in workflow.CLOSED_STAGES:
        raise ValidationError(
            _("This case is closed: a case manager must reopen it before assistance is recorded.")
        )
    return case


def _audit(actor: User, case: Case, kind: RecordKind, verb: str, record: Any, names: Any) -> None:
    audit_record(
        actor=actor,
        action=f"assistance.{kind.name}.{verb}",
        obj=case,
        fields=[f"{kind.name}.{name}" for name in names],
        detail={kind.name: record.pk},
    )


@transaction.atomic
def record_create(
    *, actor: User, case_id: int, kind: RecordKind, data: Mapping[str, Any]
) -> CaseRecord:
    """Record one assistance record of `kind` on a case."""
    reject_unknown_fields(data, kind.fields)
    case = _case_for_writing(actor=actor, case_id=case_id)
    data = {name: data.get(name) for name in kind.required} | dict(data)
    if kind is SERVICE and not data.get("provider"):
        data["provider"] = actor.organisation_id
    record = kind.model(case=case, recorded_by=actor)
    changed = _apply(record, data, kind) | _defaults(actor, record)
    _validate(actor, record, kind, data, changed)
    record.save()
    written = [name for name in kind.fields if data.get(name) not in (None, "")]
    _audit(actor, case, kind, "create", record, written)
    return record


@transaction.atomic
def record_update(
    *,
    actor: User,
    case_id: int,
    kind: RecordKind,
    record_id: int,
    version: int,
    data: Mapping[str, Any],
) -> CaseRecord:
    """Apply a partial update based on `version`; a stale version raises RecordConflictError."""
    reject_unknown_fields(data, kind.fields)
    case = _case_for_writing(actor=actor, case_id=case_id)
    record = (
        kind.model._default_manager.select_for_update()
        .filter(case_id=case.pk, pk=record_id)
        .first()
    )
    if record is None:
        raise Http404("No such record.")
    if record.version != version:
        raise RecordConflictError(record.version)
    changed = _apply(record, data, kind) | _defaults(actor, record)
    _validate(actor, record, kind, data, changed)
    if not changed:
        return record
    record.version = version + 1
    record.save()
    _audit(actor, case, kind, "update", record, sorted(changed))
    return record


# --- named entry points ----------------------------------------------------------------------


def service_delivery_record(
    *, actor: User, case_id: int, data: Mapping[str, Any]
) -> ServiceDelivery:
    """A service given (or planned) to the case; the provider defaults to the actor's
    organisation."""
    return record_create(actor=actor, case_id=case_id, kind=SERVICE, data=data)  # type: ignore[return-value]


def case_plan_create(*, actor: User, case_id: int, data: Mapping[str, Any]) -> CasePlan:
    return record_create(actor=actor, case_id=case_id, kind=PLAN, data=data)  # type: ignore[return-value]


def follow_up_schedule(*, actor: User, case_id: int, data: Mapping[str, Any]) -> FollowUpVisit:
    """A follow-up visit, due or already made (then made by the actor unless named)."""
    return record_create(actor=actor, case_id=case_id, kind=FOLLOW_UP, data=data)  # type: ignore[return-value]


def reintegration_assess(
    *, actor: User, case_id: int, data: Mapping[str, Any]
) -> ReintegrationAssessment:
    return record_create(actor=actor, case_id=case_id, kind=REINTEGRATION, data=data)  # type: ignore[return-value]


# --- audited reads ---------------------------------------------------------------------------


@transaction.atomic
def assistance_read(*, actor: User, case_id: int, kinds: tuple[RecordKind, ...]) -> Case:
    """The case whose records of `kinds` are about to be shown, recording the read."""
    case = case_get_for_user(user=actor, case_id=case_id)
    fields = sorted(f"{kind.name}.{name}" for kind in kinds for name in kind.personal)
    audit_record(actor=actor, action="assistance.read", obj=case, fields=fields)
    return case


# --- the catalogue ---------------------------------------------------------------------------

SERVICE_TYPE_FIELDS = ("code", "family", "name", "description", "active", "sort_order")


def _require_catalogue_editor(actor: User) -> None:
    if not selectors.can_edit_catalogue(actor):
        raise PermissionDenied(_("Only a platform administrator edits the service catalogue."))


@transaction.atomic
def service_type_create(*, actor: User, data: Mapping[str, Any]) -> ServiceType:
    _require_catalogue_editor(actor)
    reject_unknown_fields(data, SERVICE_TYPE_FIELDS)
    service_type = ServiceType(
        **{k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    )
    service_type.full_clean()
    service_type.save()
    audit_record(actor=actor, action="service_type.create", obj=service_type, fields=list(data))
    return service_type


@transaction.atomic
def service_type_update(
    *, actor: User, service_type_id: int, data: Mapping[str, Any]
) -> ServiceType:
    """Rename, re-order, move to another family or (de)activate a service type. Its code
    stays: records and exports refer to it. A deactivated type is no longer offered for new
    records; what was delivered under it keeps it."""
    _require_catalogue_editor(actor)
    unknown = sorted(set(data) - set(SERVICE_TYPE_FIELDS[1:]))
    if unknown:
        raise ValidationError({name: [_("This cannot be changed.")] for name in unknown})
    service_type = ServiceType.objects.select_for_update().filter(pk=service_type_id).first()
    if service_type is None:
        raise Http404("No such service type.")
    changed = model_update(service_type, data, list(data), convert=_stripped)
    service_type.full_clean()
    if changed:
        service_type.save()
        audit_record(actor=actor, action="service_type.update", obj=service_type, fields=changed)
    return service_type


# --- reminders -------------------------------------------------------------------------------


def follow_up_reminders_send(
    *, actor: Any, within_days: int, today: datetime.date | None = None
) -> int:
    """Tell assigned case workers about follow-up visits not done and due within
    `within_days` days (overdue ones included), once per visit. Returns how many were sent.

    Safe to run as often as wanted (e.g. daily): a visit already notified about is
    skipped, whoever runs the command and however many run at once.
    """
    day = today or timezone.localdate()
    visits = (
        FollowUpVisit.objects.filter(
            done_on__isnull=True,
            due_on__lte=day + datetime.timedelta(days=within_days),
            case__assigned_to__isnull=False,
            case__assigned_to__is_active=True,
        )
        .exclude(case__stage__in=workflow.CLOSED_STAGES)
        .select_related("case", "case__assigned_to")
        .order_by("due_on", "pk")
    )
    sent = 0
    with transaction.atomic():
        for visit in visits.iterator(chunk_size=500):
            case, worker = visit.case, visit.case.assigned_to
            if worker is None:  # excluded by the query; keeps the type checker informed
                continue
            with translation.override(worker.preferred_language or settings.LANGUAGE_CODE):
                created = notify(
                    recipients=[worker],
                    kind=NotificationKind.FOLLOW_UP_DUE,
                    message=_("Follow-up visit for case %(reference)s is due on %(day)s.")
                    % {"reference": case.reference, "day": visit.due_on.isoformat()},
                    url=reverse("cases:detail", args=[case.pk]),
                    key=f"follow-up:{visit.pk}",
                )
            sent += len(created)
        audit_record(
            actor=actor,
            action="notification.follow_ups",
            object_type="notification",
            detail={"within_days": within_days, "sent": sent},
        )
    return sent
