"""Reports API: /api/v1/reports — the factsheet's indicators as JSON, drill-down, budget.

Report readers (administrators, project managers, M&E officers) of the project's
organisation see the numbers; donor viewers see them suppressed; other roles get 403 and
other organisations' projects 404.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS
from pave.monitoring import selectors, services

router = Router(tags=["reports"])


class ReportQuery(Schema):
    project: str | None = None
    period: str = Field(
        "",
        description="a whole year (2014), quarter (2014-Q2) or month (2014-06); public "
        "(donor) reports accept only such a period, ended (as `period` or as dates)",
    )
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    audience: str = selectors.INTERNAL


class DrillQuery(ReportQuery):
    dimension: str = ""
    category: str = ""


@router.get("/assistance-in-numbers", response={200: dict, **ERRORS})
def assistance_in_numbers(request: AuthedHttpRequest, query: ReportQuery = Query(...)) -> dict:
    """The "Assistance in numbers" indicators. Query: project, period or date_from and
    date_to, audience=public for the suppressed version (always, for donor viewers), which
    is released for whole ended months, quarters and years only (422 otherwise). Audited as
    an export in JSON, like the factsheet's downloads."""
    project = selectors.project_get_for_user(user=request.user, code=query.project)
    requested = selectors.PUBLIC if query.audience == selectors.PUBLIC else selectors.INTERNAL
    audience = selectors.audience_for(request.user, requested)
    date_from, date_to = selectors.report_window(
        project=project,
        audience=audience,
        period=query.period,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    export = services.report_export(
        actor=request.user,
        project=project,
        fmt="json",
        date_from=date_from,
        date_to=date_to,
        audience=audience,
    )
    return export.report.as_json()


@router.get("/assistance-in-numbers/{code}/records", response={200: dict, **ERRORS})
def indicator_records(
    request: AuthedHttpRequest, code: str, query: DrillQuery = Query(...)
) -> dict:
    """The pseudonymous references behind an indicator (or one category of it)."""
    project = selectors.project_get_for_user(user=request.user, code=query.project)
    date_from, date_to = selectors.report_window(
        project=project,
        audience=selectors.INTERNAL,
        period=query.period,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    period = selectors.report_period(project, date_from, date_to)
    references = services.indicator_records_read(
        actor=request.user,
        project=project,
        code=code,
        period=period,
        dimension=query.dimension,
        category=query.category,
    )
    return {"indicator": code, "count": len(references), "references": references}


@router.get("/budget", response={200: dict, **ERRORS})
def budget(request: AuthedHttpRequest, project: str | None = None) -> dict:
    """Budget lines, spending and burn rate against time elapsed (report readers only)."""
    found = selectors.project_get_for_budget(user=request.user, code=project)
    summary = selectors.budget_summary(project=found, as_of=timezone.localdate())
    money = ("budget", "allocated", "spent", "remaining", "amount", "share_percent")
    return {
        **_strings(summary, money),
        "as_of": summary["as_of"].isoformat(),
        "lines": [_strings(x, money) for x in summary["lines"]],
        "co_funding": [_strings(c, money) for c in summary["co_funding"]],
    }


def _strings(row: dict, names: tuple[str, ...]) -> dict:
    """Amounts as decimal strings: exact, unlike JSON numbers."""
    return {k: str(v) if k in names else v for k, v in row.items()}
