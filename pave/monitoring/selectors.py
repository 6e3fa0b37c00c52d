"""Reads: projects a user may see, and the report of a project over a period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from pave.accounts.models import User
from pave.monitoring import definitions, suppression
from pave.monitoring.access import DONOR_READERS, REPORT_READERS
from pave.monitoring.compute import Period, compute, drill_down
from pave.monitoring.models import Indicator, IndicatorKind, ManualValue, Project, Target

INTERNAL, PUBLIC = "internal", "public"
# sex_age categories keep their own names in the JSON; other dimensions are prefixed.
UNPREFIXED = {"sex_age"}


def suppression_threshold() -> int:
    return int(getattr(settings, "PAVE_SUPPRESSION_THRESHOLD", suppression.DEFAULT_THRESHOLD))


def may_read_reports(user: User) -> bool:
    return user.role in REPORT_READERS | DONOR_READERS


def projects_for_user(*, user: User) -> QuerySet[Project]:
    """Projects the user may see: run by their organisation, or (donors) funded by it."""
    if user.role in REPORT_READERS:
        return Project.objects.filter(organisation_id=user.organisation_id)
    if user.role in DONOR_READERS:
        return Project.objects.filter(
            Q(organisation_id=user.organisation_id) | Q(donor_organisation_id=user.organisation_id)
        )
    return Project.objects.none()


def project_get_for_user(*, user: User, code: str | None = None) -> Project:
    """The project (by code, or the user's only/first one); 403 for roles without reports,
    404 for a project the user's organisation neither runs nor funds."""
    if not may_read_reports(user):
        raise PermissionDenied("Your role does not give access to reports.")
    projects = projects_for_user(user=user).select_related("organisation")
    project = projects.filter(code=code).first() if code else projects.order_by("start").first()
    if project is None:
        raise Http404("No such project.")
    return project


def audience_for(user: User, requested: str = INTERNAL) -> str:
    """Donor viewers get public (suppressed) outputs whatever they ask for."""
    return PUBLIC if user.role in DONOR_READERS else requested


@dataclass
class IndicatorResult:
    code: str
    label: str
    label_ar: str
    unit: str
    kind: str
    value: int | None
    target: int | None
    baseline: int
    disaggregation: dict[str, int | None]
    suppressed: bool
    breakdowns: dict[str, dict[str, int | None]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "value": self.value,
            "target": self.target,
            "disaggregation": self.disaggregation,
            "suppressed": self.suppressed,
        }


@dataclass
class Report:
    project: Project
    period: Period
    audience: str
    threshold: int
    indicators: list[IndicatorResult]

    def as_json(self) -> dict[str, Any]:
        return {
            "project": self.project.code,
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "indicators": [result.as_json() for result in self.indicators],
        }

    def get(self, code: str) -> IndicatorResult:
        return next(result for result in self.indicators if result.code == code)


def report_period(
    project: Project, date_from: datetime.date | None, date_to: datetime.date | None
) -> Period:
    """The project's whole period unless dates are given (each bound defaults separately)."""
    return Period(date_from or project.start, date_to or project.end)


def target_for(targets: list[Target], period: Period) -> int | None:
    """The target of the shortest target period containing the report's end, else the last."""
    holding = [t for t in targets if t.period_start <= period.end <= t.period_end]
    if holding:
        return min(holding, key=lambda t: (t.period_end - t.period_start, t.pk)).value
    return targets[-1].value if targets else None


def _flatten(breakdowns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, counts in breakdowns.items():
        for category, n in counts.items():
            flat[category if name in UNPREFIXED else f"{name}:{category}"] = n
    return flat


def _safe(
    value: int, breakdowns: dict[str, dict[str, int]], threshold: int
) -> tuple[int | None, dict[str, dict[str, int | None]], bool]:
    """Suppress the value's small cells and their complements (each breakdown adds up to
    the value: one line per breakdown, all sharing the total)."""
    cells: dict[Any, int] = {"total": value}
    lines = []
    for name, counts in breakdowns.items():
        cells.update({(name, cat): n for cat, n in counts.items()})
        lines.append([*((name, cat) for cat in counts), "total"])
    hidden = suppression.suppress(cells, lines, threshold=threshold)
    safe = {
        name: {cat: (None if (name, cat) in hidden else n) for cat, n in counts.items()}
        for name, counts in breakdowns.items()
    }
    return (None if "total" in hidden else value), safe, bool(hidden)


def _manual_value(indicator: Indicator, period: Period) -> int:
    values = [
        v.value
        for v in indicator.values.all()
        if v.period_start >= period.start and v.period_end <= period.end
    ]
    return sum(values)


def indicator_result(
    indicator: Indicator,
    *,
    project: Project,
    period: Period,
    audience: str,
    threshold: int,
    extra: tuple[str, ...] = (),
) -> IndicatorResult:
    breakdowns: dict[str, dict[str, int]] = {}
    counts_people = indicator.unit == "persons"
    if indicator.kind == IndicatorKind.COMPUTED:
        definition = definitions.validate(indicator.definition)
        names = definition.disaggregations + tuple(
            x for x in extra if x not in definition.disaggregations
        )
        computed = compute(
            definition, organisation=project.organisation, period=period, disaggregations=names
        )
        value, breakdowns = computed.value, computed.breakdowns
        counts_people = counts_people and definition.counts_people
    else:
        value = _manual_value(indicator, period)
    shown: dict[str, dict[str, int | None]] = {k: dict(v) for k, v in breakdowns.items()}
    shown_value: int | None = value
    suppressed = False
    if audience == PUBLIC and counts_people:
        shown_value, shown, suppressed = _safe(value, breakdowns, threshold)
    declared = (
        definitions.validate(indicator.definition).disaggregations
        if indicator.kind == IndicatorKind.COMPUTED
        else ()
    )
    return IndicatorResult(
        code=indicator.code,
        label=indicator.label,
        label_ar=indicator.label_ar,
        unit=indicator.unit,
        kind=indicator.kind,
        value=shown_value,
        target=target_for(list(indicator.targets.all()), period),
        baseline=indicator.baseline,
        disaggregation=_flatten({k: v for k, v in shown.items() if k in declared}),
        suppressed=suppressed,
        breakdowns=shown,
    )


def report_build(
    *,
    project: Project,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    audience: str = INTERNAL,
    threshold: int | None = None,
    extra: dict[str, tuple[str, ...]] | None = None,
) -> Report:
    """Every indicator of the project over the period: 1 query for the indicators with their
    targets and manual values, then 1 + one per disaggregation for each computed indicator.

    `extra` asks for more breakdowns of some indicators (the factsheet's charts).
    """
    period = report_period(project, date_from, date_to)
    threshold = threshold or suppression_threshold()
    indicators = project.indicators.prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_end", "pk")),
        Prefetch("values", queryset=ManualValue.objects.order_by("period_start")),
    )
    results = [
        indicator_result(
            indicator,
            project=project,
            period=period,
            audience=audience,
            threshold=threshold,
            extra=(extra or {}).get(indicator.code, ()),
        )
        for indicator in indicators
    ]
    return Report(project, period, audience, threshold, results)


def indicator_drill_down(
    *,
    user: User,
    project: Project,
    code: str,
    period: Period,
    dimension: str = "",
    category: str = "",
) -> list[str]:
    """The pseudonymous references behind a number; report readers only (never donors)."""
    if user.role not in REPORT_READERS:
        raise PermissionDenied("Only M&E officers, project managers and administrators.")
    indicator = project.indicators.filter(code=code, kind=IndicatorKind.COMPUTED).first()
    if indicator is None:
        raise Http404("No such computed indicator.")
    definition = definitions.validate(indicator.definition)
    return drill_down(
        definition,
        organisation=project.organisation,
        period=period,
        dimension_name=dimension,
        category=category,
    )


def budget_summary(*, project: Project, as_of: datetime.date) -> dict[str, Any]:
    """Budget, spending to date, burn rate against the share of the project's time elapsed."""
    lines = list(
        project.budget_lines.annotate(
            spent=Sum("expenditures__amount", filter=Q(expenditures__spent_on__lte=as_of))
        ).order_by("code")
    )
    spent = sum((line.spent or 0 for line in lines), start=0)
    total_days = max((project.end - project.start).days, 1)
    elapsed = min(max((as_of - project.start).days, 0), total_days)
    budget = project.budget or sum((line.amount for line in lines), start=0)
    return {
        "currency": project.currency,
        "budget": budget,
        "spent": spent,
        "burn_rate": float(spent / budget) if budget else 0.0,
        "time_elapsed": elapsed / total_days,
        "lines": [
            {"code": x.code, "title": x.title, "amount": x.amount, "spent": x.spent or 0}
            for x in lines
        ],
        "co_funding": [
            {"funder": c.funder, "share_percent": c.share_percent} for c in project.co_funding.all()
        ],
    }
