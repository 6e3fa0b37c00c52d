"""Training pages: the aggregates, suppressed for outputs that leave the organisation."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_countries import countries

from pave.accounts.http import AuthedHttpRequest
from pave.core import codelists
from pave.training import selectors
from pave.training.forms import (
    AggregateForm,
)
from pave.training.models import EventType, StakeholderGroup

# --- aggregates ------------------------------------------------------------------------------


def _labelled(counts: dict[str, Any], labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(labels.get(code, code)), n) for code, n in counts.items()]


@login_required
def aggregates_view(request: AuthedHttpRequest) -> HttpResponse:
    """Unique participants by group, sex, country and event type, for a period."""
    user = request.user
    if not selectors.may_read_aggregates(user):
        raise PermissionDenied(_("Your role gives no access to training results."))
    form = AggregateForm(request.GET or None, user=user)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    query = selectors.AggregateQuery(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        event_types=data.get("event_type") or (),
        stakeholder_groups=data.get("stakeholder_group") or (),
        period=data.get("period") or "",
    )
    organisation, suppress = data.get("organisation") or "", bool(data.get("suppressed"))
    try:
        scope, result = selectors.aggregate_for_user(
            user=user, query=query, organisation_code=organisation, suppress=suppress
        )
    except ValidationError as exc:
        # A period a suppressed aggregate may not be counted over: say why, and show the
        # default period's counts instead (the page states the period it counts).
        form.add_error(None, exc.messages)
        valid = False
        scope, result = selectors.aggregate_for_user(
            user=user,
            query=dataclasses.replace(query, date_from=None, date_to=None, period=""),
            organisation_code=organisation,
            suppress=suppress,
        )
    sexes = dict(codelists.Sex.choices)
    tables = [
        (
            _("By stakeholder group"),
            _labelled(result["by_stakeholder_group"], dict(StakeholderGroup.choices)),
        ),
        (_("By sex"), _labelled(result["by_sex"], sexes)),
        (_("By country"), _labelled(result["by_country"], dict(countries))),
        (
            _("By type of event (someone at two types counts under each)"),
            _labelled(result["by_event_type"], dict(EventType.choices)),
        ),
    ]
    return render(
        request,
        "training/aggregates.html",
        {
            "form": form,
            "scope": scope,
            "result": result,
            "tables": tables,
            "can_manage": selectors.may_manage(user),
        },
        status=200 if valid else 422,
    )
