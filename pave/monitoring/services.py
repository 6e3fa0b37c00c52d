"""Writes: projects, the logframe, indicators (definitions validated), targets, manual values
and the budget. Every write is audited in its transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pave.accounts.models import Organisation, User
from pave.core.audit import Actor, audit_record
from pave.monitoring import definitions
from pave.monitoring.access import INDICATOR_EDITORS
from pave.monitoring.models import (
    BudgetLine,
    CoFunding,
    Expenditure,
    Indicator,
    IndicatorKind,
    ManualValue,
    Project,
    ResultNode,
    Target,
)


def _require_editor(actor: Actor, project: Project) -> None:
    if isinstance(actor, User) and (
        actor.role not in INDICATOR_EDITORS or actor.organisation_id != project.organisation_id
    ):
        raise PermissionDenied("Only M&E officers and administrators edit indicators.")


def definition_clean(raw: Any) -> dict[str, Any]:
    """The normalised definition, or ValidationError with one message per problem."""
    try:
        return definitions.validate(raw).as_json()
    except definitions.DefinitionError as exc:
        raise ValidationError({f"definition.{k}": v for k, v in exc.errors.items()}) from exc


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    organisation: Organisation,
    code: str,
    title: str,
    start: datetime.date,
    end: datetime.date,
    donor: str = "",
    donor_organisation: Organisation | None = None,
    currency: str = "EUR",
    budget: Decimal = Decimal(0),
) -> Project:
    project = Project(
        organisation=organisation,
        code=code,
        title=title,
        start=start,
        end=end,
        donor=donor,
        donor_organisation=donor_organisation,
        currency=currency,
        budget=budget,
    )
    project.full_clean()
    project.save()
    audit_record(actor=actor, action="monitoring.project.create", obj=project)
    return project


@transaction.atomic
def result_node_create(
    *,
    actor: Actor,
    project: Project,
    level: str,
    code: str,
    title: str,
    parent: ResultNode | None = None,
    order: int = 0,
) -> ResultNode:
    _require_editor(actor, project)
    node = ResultNode(
        project=project, parent=parent, level=level, code=code, title=title, order=order
    )
    node.full_clean()
    node.save()
    audit_record(actor=actor, action="monitoring.node.create", obj=node)
    return node


@transaction.atomic
def indicator_save(
    *,
    actor: Actor,
    project: Project,
    code: str,
    label: str,
    kind: str = IndicatorKind.COMPUTED,
    definition: Any = None,
    unit: str = "persons",
    baseline: int = 0,
    label_ar: str = "",
    node: ResultNode | None = None,
    order: int = 0,
) -> Indicator:
    """Create or update the project's indicator `code`; a computed one needs a valid
    definition, a manual one has none."""
    _require_editor(actor, project)
    if kind == IndicatorKind.COMPUTED:
        definition = definition_clean(definition)
    elif definition:
        raise ValidationError({"definition": ["A manual indicator has no definition."]})
    indicator = Indicator.objects.filter(project=project, code=code).first() or Indicator(
        project=project, code=code
    )
    for name, value in {
        "label": label,
        "label_ar": label_ar,
        "kind": kind,
        "definition": definition or {},
        "unit": unit,
        "baseline": baseline,
        "node": node,
        "order": order,
    }.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    audit_record(
        actor=actor,
        action="monitoring.indicator.save",
        obj=indicator,
        fields=["label", "kind", "definition", "unit", "baseline"],
    )
    return indicator


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value: int,
) -> Target:
    _require_editor(actor, indicator.project)
    target, _created = Target.objects.update_or_create(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        defaults={"value": value},
    )
    target.full_clean()
    audit_record(actor=actor, action="monitoring.target.set", obj=target, fields=["value"])
    return target


@transaction.atomic
def manual_value_record(
    *,
    actor: Actor,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value: int,
    evidence: str,
) -> ManualValue:
    _require_editor(actor, indicator.project)
    if indicator.kind != IndicatorKind.MANUAL:
        raise ValidationError({"indicator": ["A computed indicator's value comes from records."]})
    entry = ManualValue(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        evidence=evidence.strip(),
        recorded_by=actor if isinstance(actor, User) else None,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="monitoring.value.record", obj=entry, fields=["value"])
    return entry


@transaction.atomic
def budget_line_create(
    *, actor: Actor, project: Project, code: str, title: str, amount: Decimal
) -> BudgetLine:
    _require_editor(actor, project)
    line = BudgetLine(project=project, code=code, title=title, amount=amount)
    line.full_clean()
    line.save()
    audit_record(actor=actor, action="monitoring.budget_line.create", obj=line)
    return line


@transaction.atomic
def expenditure_record(
    *,
    actor: Actor,
    line: BudgetLine,
    spent_on: datetime.date,
    amount: Decimal,
    description: str = "",
) -> Expenditure:
    _require_editor(actor, line.project)
    entry = Expenditure(line=line, spent_on=spent_on, amount=amount, description=description)
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="monitoring.expenditure.record", obj=entry)
    return entry


@transaction.atomic
def co_funding_set(
    *, actor: Actor, project: Project, funder: str, share_percent: Decimal
) -> CoFunding:
    _require_editor(actor, project)
    entry, _created = CoFunding.objects.update_or_create(
        project=project, funder=funder, defaults={"share_percent": share_percent}
    )
    entry.full_clean()
    if sum(c.share_percent for c in project.co_funding.all()) > 100:
        raise ValidationError({"share_percent": ["Co-funding shares add up to more than 100 %."]})
    audit_record(actor=actor, action="monitoring.co_funding.set", obj=entry)
    return entry
