"""Reads of the service catalogue and of a case's assistance records.

Every function that returns records of a case takes a `case` the caller already obtained
through `case_get_for_user`, so that scoping is decided in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from pave.accounts.models import Organisation, User
from pave.accounts.roles import REFERENCE_DATA_EDITORS, Role
from pave.assistance.models import (
    CasePlan,
    CaseRecord,
    FollowUpVisit,
    ReintegrationAssessment,
    ServiceDelivery,
    ServiceType,
)
from pave.cases.models import Case
from pave.cases.selectors import TimelineEntry

# Roles that record assistance on the cases they can see; everyone else who can see a case
# (project managers, the screening officer who opened it, partner focal points) only reads.
ASSISTANCE_RECORDERS = frozenset({Role.ADMINISTRATOR, Role.CASE_MANAGER, Role.CASE_WORKER})
# Roles that edit the service catalogue: one catalogue for the whole installation, shared
# reference data, so a platform administrator only (never an organisation's administrator).
CATALOGUE_EDITORS = REFERENCE_DATA_EDITORS


def can_record_assistance(user: User) -> bool:
    return user.is_active and user.role in ASSISTANCE_RECORDERS


def can_edit_catalogue(user: User) -> bool:
    return user.is_active and user.role in CATALOGUE_EDITORS


# --- catalogue -------------------------------------------------------------------------------


def service_type_list(*, active_only: bool = False) -> QuerySet[ServiceType]:
    types = ServiceType.objects.all()
    if active_only:
        types = types.filter(active=True)
    return types.order_by("family", "sort_order", "name")


def provider_list() -> QuerySet[Organisation]:
    """Organisations that may be named as providers: any organisation PAVE knows."""
    return Organisation.objects.order_by("name")


# --- a case's records ------------------------------------------------------------------------


def service_deliveries(*, case: Case) -> QuerySet[ServiceDelivery]:
    return (
        ServiceDelivery.objects.filter(case_id=case.pk)
        .select_related("service_type", "provider", "recorded_by")
        .order_by("-delivered_on", "-id")
    )


def case_plans(*, case: Case) -> QuerySet[CasePlan]:
    return (
        CasePlan.objects.filter(case_id=case.pk)
        .select_related("recorded_by")
        .order_by("-started_on", "-id")
    )


def follow_up_visits(*, case: Case) -> QuerySet[FollowUpVisit]:
    return (
        FollowUpVisit.objects.filter(case_id=case.pk)
        .select_related("visited_by", "recorded_by")
        .order_by("-due_on", "-id")
    )


def reintegration_assessments(*, case: Case) -> QuerySet[ReintegrationAssessment]:
    return (
        ReintegrationAssessment.objects.filter(case_id=case.pk)
        .select_related("recorded_by")
        .order_by("-assessed_on", "-id")
    )


def record_get(*, case: Case, model: type[CaseRecord], record_id: int) -> CaseRecord:
    """One record of the case (404 if it belongs to another case or does not exist)."""
    record = model._default_manager.filter(case_id=case.pk, pk=record_id).first()
    if record is None:
        raise Http404("No such record.")
    return record


def visitor_choices(*, organisation_id: int) -> QuerySet[User]:
    """Who can be named as having made a follow-up visit: the organisation's case staff."""
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=ASSISTANCE_RECORDERS
    ).order_by("username")


# --- timeline --------------------------------------------------------------------------------


def _money(cost: Decimal | None, currency: str) -> str:
    return f"{cost:,.2f} {currency}" if cost is not None else ""


def _name(user: User | None) -> str:
    return user.username if user else ""


def _moment(record: CaseRecord) -> datetime.datetime:
    return record.created_at or timezone.now()


def assistance_timeline(case: Case) -> Iterator[TimelineEntry]:
    """The case's assistance records as timeline entries: four queries, whatever their number."""
    page = reverse("assistance:case", args=[case.pk])
    for service in service_deliveries(case=case):
        facts = [service.get_status_display(), service.provider.name]
        facts.append(_money(service.cost, service.currency))
        yield TimelineEntry(
            day=service.delivered_on,
            at=_moment(service),
            kind="service",
            title=gettext("Service: %(name)s") % {"name": str(service.service_type)},
            detail=" · ".join(str(f) for f in facts if f),
            text=service.notes,
            actor=_name(service.recorded_by),
            url=f"{page}#services",
            object_id=service.pk,
        )
    for plan in case_plans(case=case):
        ends = plan.actual_end or plan.planned_end
        yield TimelineEntry(
            day=plan.started_on,
            at=_moment(plan),
            kind="plan",
            title=gettext("Support plan: %(type)s") % {"type": plan.get_plan_type_display()},
            detail=" · ".join(
                str(f) for f in [plan.get_status_display(), ends.isoformat() if ends else ""] if f
            ),
            text="\n\n".join(t for t in [plan.objectives, plan.action_plan] if t),
            actor=_name(plan.recorded_by),
            url=f"{page}#plans",
            object_id=plan.pk,
        )
    for visit in follow_up_visits(case=case):
        done = visit.done_on is not None
        yield TimelineEntry(
            day=visit.done_on or visit.due_on,
            at=_moment(visit),
            kind="follow_up",
            title=gettext("Follow-up visit") if done else gettext("Follow-up visit due"),
            detail=str(visit.get_outcome_display()) if done else "",
            text=visit.notes,
            actor=_name(visit.visited_by or visit.recorded_by),
            url=f"{page}#follow-ups",
            object_id=visit.pk,
        )
    for assessment in reintegration_assessments(case=case):
        yield TimelineEntry(
            day=assessment.assessed_on,
            at=_moment(assessment),
            kind="reintegration",
            title=gettext("Reintegration assessment"),
            detail=gettext("economic %(e)s, social %(s)s, psychosocial %(p)s (0–4)")
            % {
                "e": assessment.economic_score,
                "s": assessment.social_score,
                "p": assessment.psychosocial_score,
            },
            text=assessment.notes,
            actor=_name(assessment.recorded_by),
            url=f"{page}#reintegration",
            object_id=assessment.pk,
        )


TIMELINE_FIELDS = (
    "service.notes",
    "plan.objectives",
    "plan.action_plan",
    "follow_up.notes",
    "reintegration.notes",
)
