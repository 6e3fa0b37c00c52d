"""Reads: projects a user may see, and the report of a project over a period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from pave.accounts.models import User
from pave.accounts.roles import CaseScope
from pave.assistance.models import FollowUpVisit
from pave.cases import workflow
from pave.cases.models import Case
from pave.core.codelists import CaseStage
from pave.core.counting import Computed, Period, compute, compute_all, drill_down
from pave.monitoring import definitions
from pave.monitoring.access import DONOR_READERS, INDICATOR_EDITORS, REPORT_READERS
from pave.monitoring.models import (
    Expenditure,
    Indicator,
    IndicatorKind,
    ManualValue,
    Project,
    ResultNode,
    Target,
)
from pave.privacy import periods
from pave.privacy.selectors import suppression_threshold
from pave.privacy.suppression import suppress_breakdowns
from pave.referrals.models import Referral, ReferralStatus
from pave.referrals.roles import RECEIVERS

INTERNAL, PUBLIC = "internal", "public"
# Breakdowns the factsheet's charts draw beyond the charted indicator's own.
CHART_BREAKDOWNS = ("month", "citizenship")
# sex_age categories keep their own names in the JSON; other dimensions are prefixed.
UNPREFIXED = {"sex_age"}


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


def project_for_cli(*, code: str | None = None) -> Project | None:
    """For administrative commands (no user): the project by code, else the earliest."""
    projects = Project.objects.select_related("organisation").order_by("start", "code")
    return projects.filter(code=code).first() if code else projects.first()


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
    charted: bool = False  # the indicator the factsheet's charts draw (Definition.charted)

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

    @property
    def charted(self) -> IndicatorResult | None:
        """The indicator the factsheet's charts draw, whatever its code (None: no chart)."""
        return next((result for result in self.indicators if result.charted), None)


def report_period(
    project: Project, date_from: datetime.date | None, date_to: datetime.date | None
) -> Period:
    """The project's whole period unless dates are given (each bound defaults separately)."""
    return Period(date_from or project.start, date_to or project.end)


def report_window(
    *,
    project: Project,
    audience: str,
    period: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates a report is computed over, for the page, the API and `pave report` alike.

    Public (donor) reports: a whole month, quarter or year that has ended (`period`, or
    from/to dates forming one), else ValidationError; without either, the project's period
    up to the end of the last ended month. Internal reports: any dates (privacy.periods)."""
    start, end = periods.release_window(
        period=period,
        date_from=date_from,
        date_to=date_to,
        suppressed=audience == PUBLIC,
        today=timezone.localdate(),
    )
    if audience == PUBLIC and start is None and end is not None:
        end = min(end, project.end)
    return start, end


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


def _manual_value(indicator: Indicator, period: Period) -> int:
    values = [
        v.value
        for v in indicator.values.all()
        if v.period_start >= period.start and v.period_end <= period.end
    ]
    return sum(values)


def _definition(indicator: Indicator) -> definitions.Definition | None:
    """The computed indicator's definition (None: a manual indicator)."""
    if indicator.kind != IndicatorKind.COMPUTED:
        return None
    return definitions.validate(indicator.definition)


def indicator_result(
    indicator: Indicator,
    *,
    project: Project,
    period: Period,
    audience: str,
    threshold: int,
    extra: tuple[str, ...] = (),
    charted: bool = False,
    computed: Computed | None = None,
) -> IndicatorResult:
    """The indicator's value over the period (suppressed for a public audience), with its
    own breakdowns and the `extra` ones; `charted`: the one the factsheet's charts draw.
    `computed`: its counts if already counted (report_build counts them all together)."""
    breakdowns: dict[str, dict[str, int]] = {}
    counts_people = indicator.unit == "persons"
    definition = _definition(indicator)
    if definition is not None:
        if computed is None:
            computed = compute(
                definition,
                organisation=project.organisation,
                period=period,
                disaggregations=_breakdowns(definition, extra),
            )
        value, breakdowns = computed.value, computed.breakdowns
        counts_people = counts_people and definition.counts_people
    else:
        value = _manual_value(indicator, period)
    shown: dict[str, dict[str, int | None]] = {k: dict(v) for k, v in breakdowns.items()}
    shown_value: int | None = value
    suppressed = False
    if audience == PUBLIC and counts_people:
        shown_value, shown, suppressed = suppress_breakdowns(value, breakdowns, threshold=threshold)
    declared = definition.disaggregations if definition else ()
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
        charted=charted,
    )


def _breakdowns(definition: definitions.Definition, extra: tuple[str, ...]) -> tuple[str, ...]:
    """The indicator's own disaggregations, then the `extra` ones asked for."""
    return tuple(dict.fromkeys(definition.disaggregations + extra))


def _charted_pk(indicators: list[Indicator]) -> int | None:
    """The indicator the factsheet's charts draw: the first whose definition is charted
    (Definition.charted), whatever the project calls it."""
    for indicator in indicators:
        definition = _definition(indicator)
        if definition is not None and definition.charted:
            return indicator.pk
    return None


def report_build(
    *,
    project: Project,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    audience: str = INTERNAL,
    threshold: int | None = None,
    extra: dict[str, tuple[str, ...]] | None = None,
    charts: bool = False,
) -> Report:
    """Every indicator of the project over the period: 1 query for the indicators with their
    targets and manual values, then 1 for each source the computed indicators count (every
    indicator counting the same source by the same period field, with all its
    disaggregations, is counted in the same pass, see counting.compute_all).

    `extra` asks for more breakdowns of some indicators (by code); `charts` marks the
    indicator the factsheet's charts draw (`Report.charted`) and counts what they need.
    """
    period = report_period(project, date_from, date_to)
    threshold = threshold or suppression_threshold()
    indicators = list(
        project.indicators.prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("period_end", "pk")),
            Prefetch("values", queryset=ManualValue.objects.order_by("period_start")),
        )
    )
    charted = _charted_pk(indicators) if charts else None
    asked = {
        indicator.pk: (extra or {}).get(indicator.code, ())
        + (CHART_BREAKDOWNS if indicator.pk == charted else ())
        for indicator in indicators
    }
    requests = {
        indicator.pk: (definition, _breakdowns(definition, asked[indicator.pk]))
        for indicator in indicators
        if (definition := _definition(indicator)) is not None
    }
    counted = dict(
        zip(
            requests,
            compute_all(list(requests.values()), organisation=project.organisation, period=period),
            strict=True,
        )
    )
    results = [
        indicator_result(
            indicator,
            project=project,
            period=period,
            audience=audience,
            threshold=threshold,
            extra=asked[indicator.pk],
            charted=indicator.pk == charted,
            computed=counted.get(indicator.pk),
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


def _money(amount: Decimal | int) -> Decimal:
    """To the cent: SQLite sums decimals without their scale."""
    return Decimal(amount).quantize(Decimal("0.01"))


def budget_summary(*, project: Project, as_of: datetime.date) -> dict[str, Any]:
    """Budget, spending to date (expenditures dated up to `as_of`), and the burn rate (share
    of the budget spent) against the share of the project's time elapsed, both 0..1."""
    lines = list(
        project.budget_lines.annotate(
            spent=Sum("expenditures__amount", filter=Q(expenditures__spent_on__lte=as_of))
        ).order_by("code")
    )
    spent = _money(sum((line.spent or 0 for line in lines), start=Decimal(0)))
    allocated = _money(sum((line.amount for line in lines), start=Decimal(0)))
    total_days = max((project.end - project.start).days, 1)
    elapsed = min(max((as_of - project.start).days, 0), total_days)
    budget = _money(project.budget or allocated)
    return {
        "currency": project.currency,
        "as_of": as_of,
        "budget": budget,
        "allocated": allocated,
        "spent": spent,
        "remaining": budget - spent,
        "burn_rate": float(spent / budget) if budget else 0.0,
        "time_elapsed": elapsed / total_days,
        "lines": [
            {
                "id": x.pk,
                "code": x.code,
                "title": x.title,
                "amount": x.amount,
                "spent": _money(x.spent or 0),
                "remaining": _money(x.amount - (x.spent or 0)),
                "burn_rate": float((x.spent or 0) / x.amount) if x.amount else 0.0,
            }
            for x in lines
        ],
        "co_funding": [
            {
                "funder": c.funder,
                "share_percent": c.share_percent,
                "amount": _money(budget * c.share_percent / 100),
            }
            for c in project.co_funding.all()
        ],
    }


def expenditures_recent(*, project: Project, limit: int = 10) -> list[Expenditure]:
    """The project's latest expenditures (by date, then by entry), with their line."""
    return list(
        Expenditure.objects.filter(line__project=project)
        .select_related("line")
        .order_by("-spent_on", "-id")[:limit]
    )


def may_edit_indicators(user: User, project: Project) -> bool:
    return user.role in INDICATOR_EDITORS and user.organisation_id == project.organisation_id


def project_get_for_budget(*, user: User, code: str | None = None) -> Project:
    """The project whose budget the user may read: 404 as for reports, then 403 unless a
    report reader of the running organisation (donor viewers see aggregates only)."""
    project = project_get_for_user(user=user, code=code)
    if user.role not in REPORT_READERS:
        raise PermissionDenied("Budget details are for the project's own staff.")
    return project


@dataclass
class LogframeNode:
    node: ResultNode | None  # None: the indicators not placed in the logframe yet
    indicators: list[tuple[Indicator, IndicatorResult | None]]
    children: list[LogframeNode]


def logframe(*, project: Project, report: Report) -> list[LogframeNode]:
    """The project's logframe as a tree (objective → outcomes → outputs), each node with its
    indicators, their targets per period and the report's value; indicators without a node
    come last. Two queries, whatever the size of the logframe."""
    nodes = list(project.nodes.all())
    indicators = list(project.indicators.prefetch_related("targets"))
    results = {r.code: r for r in report.indicators}
    built = {n.pk: LogframeNode(node=n, indicators=[], children=[]) for n in nodes}
    roots: list[LogframeNode] = []
    for n in nodes:
        parent = built.get(n.parent_id) if n.parent_id else None
        (parent.children if parent else roots).append(built[n.pk])
    loose = LogframeNode(node=None, indicators=[], children=[])
    for indicator in indicators:
        home = built.get(indicator.node_id) if indicator.node_id else None
        (home or loose).indicators.append((indicator, results.get(indicator.code)))
    return roots + ([loose] if loose.indicators else [])


def indicator_get(*, project: Project, code: str) -> Indicator | None:
    """The project's indicator `code` with its manual values (None: not created yet)."""
    return (
        project.indicators.prefetch_related(
            Prefetch(
                "values",
                queryset=ManualValue.objects.select_related("recorded_by").order_by(
                    "-period_end", "-id"
                ),
            )
        )
        .filter(code=code)
        .first()
    )


# --- the dashboard ---------------------------------------------------------------------------

OVERDUE_LISTED = 10


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class OverdueVisit:
    case_id: int
    reference: str
    due_on: datetime.date


@dataclass
class DashboardSummary:
    """What the project's organisation has to act on, beside the indicators.

    `links_*` say whether the reader may open the pages where it is acted on (the case list,
    the referral boxes); `overdue_visits` (the oldest few) is filled only for readers who see
    the organisation's cases.
    """

    stages: list[StageCount]
    overdue_referrals_sent: int
    overdue_referrals_received: int
    overdue_follow_ups: int
    overdue_visits: list[OverdueVisit]
    budget: dict[str, Any]
    links_cases: bool = False
    links_received: bool = False

    @property
    def open_cases(self) -> int:
        return sum(s.count for s in self.stages if s.stage not in workflow.CLOSED_STAGES)


def caseload_by_stage(*, organisation_id: int) -> list[StageCount]:
    """Every stage in workflow order with its number of cases (one query)."""
    counts = dict(
        Case.objects.filter(organisation_id=organisation_id)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    known = [StageCount(code, str(label), counts.pop(code, 0)) for code, label in CaseStage.choices]
    return known + [StageCount(code, code, n) for code, n in sorted(counts.items())]


def dashboard_summary(
    *, project: Project, user: User, now: datetime.datetime | None = None
) -> DashboardSummary:
    """Caseload by stage, overdue referrals (sent and received) and follow-up visits, and the
    budget of the project's organisation, as of `now`: 5 queries, 6 with the visits listed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    org_id = project.organisation_id
    late = Referral.objects.filter(
        Q(from_org_id=org_id) | Q(to_org_id=org_id), status=ReferralStatus.SENT, due_by__lt=now
    ).aggregate(
        sent=Count("pk", filter=Q(from_org_id=org_id)),
        received=Count("pk", filter=Q(to_org_id=org_id)),
    )
    visits = FollowUpVisit.objects.filter(
        case__organisation_id=org_id, done_on__isnull=True, due_on__lt=today
    )
    sees_cases = user.case_scope == CaseScope.ORGANISATION and user.organisation_id == org_id
    listed = (
        [
            OverdueVisit(v.case_id, v.case.reference, v.due_on)
            for v in visits.select_related("case").order_by("due_on", "pk")[:OVERDUE_LISTED]
        ]
        if sees_cases
        else []
    )
    return DashboardSummary(
        stages=caseload_by_stage(organisation_id=org_id),
        overdue_referrals_sent=late["sent"],
        overdue_referrals_received=late["received"],
        overdue_follow_ups=visits.count(),
        overdue_visits=listed,
        budget=budget_summary(project=project, as_of=today),
        links_cases=sees_cases,
        links_received=sees_cases and user.role in RECEIVERS,
    )
