"""The aggregates: distinct participants, disaggregated, suppressed for donors."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS
from pave.training import selectors

router = Router()


@router.get("/aggregates", response={200: dict[str, Any], **ERRORS})
def participants_aggregates(
    request: AuthedHttpRequest,
    date_from: datetime.date | None = Query(None, alias="from"),
    date_to: datetime.date | None = Query(None, alias="to"),
    period: str = Query(
        "",
        description="a whole year (2014), quarter (2014-Q2) or month (2014-06); suppressed "
        "aggregates (donor viewers) accept only such a period, ended (as `period` or as dates)",
    ),
    event_type: list[str] = Query([]),
    stakeholder_group: list[str] = Query([]),
    organisation: str = Query(
        "",
        description="code; by default your own organisation (for a donor viewer whose "
        "organisation runs no events, the first whose events it partners)",
    ),
    suppressed: bool = Query(False, description="managers: preview what may leave"),
) -> Any:
    """Distinct participants present at sessions in the period (sessions overlapping
    [from, to]), by sex, stakeholder group, country and event type, with the knowledge-test
    summary. A person counts once however many sessions they attended. Donor viewers get
    small cells suppressed (null) and see their own organisation's events, or those of an
    organisation whose events theirs is a partner of, for whole ended periods only (422)."""
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"to": [_("The period ends before it starts.")]})
    _scope, result = selectors.aggregate_for_user(
        user=request.user,
        query=selectors.AggregateQuery(
            date_from=date_from,
            date_to=date_to,
            event_types=event_type,
            stakeholder_groups=stakeholder_group,
            period=period,
        ),
        organisation_code=organisation,
        suppress=suppressed,
    )
    return result
