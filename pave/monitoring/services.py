"""Writes: projects, the logframe, indicators (definitions validated), targets, manual values
and the budget. Every write is audited in its transaction, and so are the reads that leave
the screen: report exports (every format) and the records behind a number."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pave.accounts.models import Organisation, User
from pave.core.audit import Actor, audit_record
from pave.core.counting import Period
from pave.monitoring import definitions, outputs, selectors
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
    target = Target.objects.filter(
        indicator=indicator, period_start=period_start, period_end=period_end
    ).first() or Target(indicator=indicator, period_start=period_start, period_end=period_end)
    target.value = value
    # Validated before the write: the database's check would otherwise fail first.
    target.full_clean()
    target.save()
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
        raise ValidationError(
            {"indicator": [_("A computed indicator's value comes from records.")]}
        )
    if period_end < period_start:
        raise ValidationError({"period_end": [_("The period cannot end before it starts.")]})
    if not evidence.strip():
        raise ValidationError({"evidence": [_("A value needs its evidence.")]})
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
    audit_record(
        actor=actor,
        action="monitoring.value.record",
        obj=entry,
        fields=["period_start", "period_end", "value", "evidence"],
    )
    return entry


@transaction.atomic
def budget_line_create(
    *, actor: Actor, project: Project, code: str, title: str, amount: Decimal
) -> BudgetLine:
    _require_editor(actor, project)
    code = code.strip()
    if BudgetLine.objects.filter(project=project, code=code).exists():
        raise ValidationError(
            {"code": [_("This project already has a budget line %(code)s.") % {"code": code}]}
        )
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
    """An amount spent on one of the project's budget lines, on a day within the project's
    period and not in the future. Raises ValidationError keyed by field."""
    project = line.project
    _require_editor(actor, project)
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors["amount"] = [_("An expenditure is an amount greater than zero.")]
    if not project.start <= spent_on <= project.end:
        errors["spent_on"] = [
            _("The date must be within the project's period, %(start)s to %(end)s.")
            % {"start": project.start.isoformat(), "end": project.end.isoformat()}
        ]
    elif spent_on > timezone.localdate():
        errors["spent_on"] = [_("An expenditure cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)
    entry = Expenditure(line=line, spent_on=spent_on, amount=amount, description=description)
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action="monitoring.expenditure.record", obj=entry)
    return entry


@transaction.atomic
def co_funding_set(
    *, actor: Actor, project: Project, funder: str, share_percent: Decimal
) -> CoFunding:
    """Set a funder's share of the project (0 < share ≤ 100; all shares add up to ≤ 100)."""
    _require_editor(actor, project)
    funder = funder.strip()
    entry = CoFunding.objects.filter(project=project, funder=funder).first() or CoFunding(
        project=project, funder=funder
    )
    entry.share_percent = share_percent
    # Validated before the write: the database's check would otherwise fail first.
    entry.full_clean()
    others = project.co_funding.exclude(pk=entry.pk).aggregate(total=Sum("share_percent"))
    if (others["total"] or 0) + share_percent > 100:
        raise ValidationError(
            {"share_percent": [_("Co-funding shares add up to more than 100 %.")]}
        )
    entry.save()
    audit_record(actor=actor, action="monitoring.co_funding.set", obj=entry)
    return entry


# --- audited reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportExport:
    report: selectors.Report
    content: bytes


def report_export(
    *,
    actor: Actor,
    project: Project,
    fmt: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    audience: str = selectors.INTERNAL,
    language: str = "en",
    web: bool = False,
) -> ReportExport:
    """The project's report in `fmt` (one of outputs.FORMATS), audited whatever the format:
    the one place the factsheet page, the API and `pave report` export through. `audience`
    is what the caller may have (see selectors.audience_for)."""
    if fmt not in outputs.FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(outputs.FORMATS)}")
    report = outputs.build_for_output(
        fmt, project=project, date_from=date_from, date_to=date_to, audience=audience
    )
    content = outputs.render(report, fmt, language=language, web=web)
    audit_record(
        actor=actor,
        action="monitoring.report.export",
        obj=project,
        detail={"format": fmt, "audience": report.audience, **report.as_json()["period"]},
    )
    return ReportExport(report, content)


def indicator_records_read(
    *,
    actor: User,
    project: Project,
    code: str,
    period: Period,
    dimension: str = "",
    category: str = "",
) -> list[str]:
    """The pseudonymous references behind a number (selectors.indicator_drill_down: report
    readers only), audited the same way from the page and the API."""
    references = selectors.indicator_drill_down(
        user=actor,
        project=project,
        code=code,
        period=period,
        dimension=dimension,
        category=category,
    )
    audit_record(
        actor=actor,
        action="monitoring.drill_down",
        obj=project,
        detail={
            "indicator": code,
            "dimension": dimension,
            "category": category,
            "count": len(references),
        },
    )
    return references
