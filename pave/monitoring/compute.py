"""Turn an indicator definition and a period into aggregate queries.

One query for the value and one per disaggregation, whatever the number of records: counting
is done by the database (COUNT DISTINCT grouped by an expression), never row by row.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, Expression, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, TruncMonth

from pave.accounts.models import Organisation
from pave.monitoring.definitions import Definition


@dataclass(frozen=True)
class Adapter:
    """Where a source's records are and what its definition names mean in ORM paths."""

    queryset: Callable[[Organisation], QuerySet]
    person: str
    reference: str
    period: dict[str, str]
    filters: dict[str, str]
    sex: str = ""
    minor: str = ""
    country: str = ""
    citizenship: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _cases(org: Organisation) -> QuerySet:
    from pave.cases.models import Case as CaseModel

    return CaseModel.objects.filter(organisation=org)


def _services(org: Organisation) -> QuerySet:
    from pave.assistance.models import ServiceDelivery

    return ServiceDelivery.objects.filter(case__organisation=org)


def _screenings(org: Organisation) -> QuerySet:
    from pave.screening.models import Screening

    return Screening.objects.filter(organisation=org)


def _attendances(org: Organisation) -> QuerySet:
    """Participants are counted through their attendance at the organisation's sessions:
    a participant is one person however many sessions they attended."""
    from pave.training.models import Attendance

    return Attendance._default_manager.filter(session__event__organisation=org, present=True)


def _referrals(org: Organisation) -> QuerySet:
    from pave.referrals.models import Referral

    return Referral.objects.filter(from_org=org)


_CASE_PEOPLE = {
    "sex": "person__sex",
    "minor": "is_minor",
    "country": "country",
    "citizenship": "person__citizenship",
}


def _prefixed(prefix: str, paths: dict[str, str]) -> dict[str, str]:
    return {key: prefix + path for key, path in paths.items()}


ADAPTERS: dict[str, Callable[[], Adapter]] = {
    "cases": lambda: Adapter(
        _cases,
        person="person_id",
        reference="person__reference",
        period={"identification_date": "identification_date"},
        filters={
            "case_type": "case_type",
            "stage": "stage",
            "status": "status",
            "identification_source": "identification_source",
            "country": "country",
        },
        **_CASE_PEOPLE,
        extra={"case_type": "case_type", "stage": "stage"},
    ),
    "services": lambda: Adapter(
        _services,
        person="case__person_id",
        reference="case__person__reference",
        period={"delivered_on": "delivered_on"},
        filters={
            "status": "status",
            "service_family": "service_type__family",
            "service_type": "service_type__code",
            "case_type": "case__case_type",
        },
        **_prefixed("case__", _CASE_PEOPLE),
        extra={"service_family": "service_type__family", "case_type": "case__case_type"},
    ),
    "screenings": lambda: Adapter(
        _screenings,
        person="pk",
        reference="pk",
        period={"interviewed_on": "interviewed_on"},
        filters={"outcome": "outcome", "consent_given": "consent_given"},
        sex="sex",
        extra={"outcome": "outcome"},
    ),
    "referrals": lambda: Adapter(
        _referrals,
        person="case__person_id",
        reference="case__person__reference",
        period={"sent_on": "sent_at__date"},
        filters={"status": "status", "reason": "reason"},
        **_prefixed("case__", _CASE_PEOPLE),
        extra={"status": "status"},
    ),
    "participants": lambda: Adapter(
        _attendances,
        person="participant_id",
        reference="participant_id",
        period={"event_date": "session__date"},
        filters={
            "event_type": "session__event__event_type",
            "stakeholder_group": "participant__stakeholder_group",
            "country": "participant__country",
            "event": "session__event_id",
        },
        sex="participant__sex",
        country="participant__country",
        extra={
            "stakeholder_group": "participant__stakeholder_group",
            "event_type": "session__event__event_type",
            "country": "participant__country",
        },
    ),
}


def adapter_for(source: str) -> Adapter:
    return ADAPTERS[source]()


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date


def _filter_value(value: str) -> Any:
    return {"true": True, "false": False}.get(value, value)


def scoped(
    definition: Definition, *, organisation: Organisation, period: Period
) -> tuple[Adapter, QuerySet]:
    """The records an indicator counts: the source, its filters and the period."""
    adapter = adapter_for(definition.source)
    path = adapter.period[definition.period_field]
    query = Q(**{f"{path}__gte": period.start, f"{path}__lte": period.end})
    for name, values in definition.filters.items():
        query &= Q(**{f"{adapter.filters[name]}__in": [_filter_value(v) for v in values]})
    return adapter, adapter.queryset(organisation).filter(query)


def dimension(adapter: Adapter, definition: Definition, name: str) -> Expression | F:
    """The expression a disaggregation groups by."""
    if name == "sex":
        return F(adapter.sex)
    if name == "age_group":
        return Case(
            When(**{adapter.minor: True}, then=Value("minor")),
            When(**{adapter.minor: False}, then=Value("adult")),
            default=Value("unknown"),
            output_field=CharField(),
        )
    if name == "sex_age":
        # Minors first (whatever their sex), then adults by sex; an unknown age counts by sex.
        return Case(
            When(**{adapter.minor: True}, then=Value("minors")),
            When(**{adapter.sex: "female"}, then=Value("women")),
            When(**{adapter.sex: "male"}, then=Value("men")),
            default=Value("other"),
            output_field=CharField(),
        )
    if name == "country":
        return F(adapter.country)
    if name == "citizenship":
        return Cast(adapter.citizenship, CharField())
    if name == "month":
        return TruncMonth(adapter.period[definition.period_field])
    return F(adapter.extra[name])


def _category(name: str, value: Any) -> str:
    if value is None or value == "":
        return "unknown"
    if name == "month":
        return value.strftime("%Y-%m")
    if name == "citizenship":
        codes = json.loads(value) if isinstance(value, str) else value
        return codes[0] if codes else "unknown"
    return str(value)


def _counter(adapter: Adapter, definition: Definition) -> Count:
    if definition.count == "distinct_persons":
        return Count(adapter.person, distinct=True)
    if definition.count == "distinct_values":
        return Count(adapter.extra.get(definition.distinct_field, adapter.country), distinct=True)
    return Count("pk")


@dataclass
class Computed:
    value: int
    breakdowns: dict[str, dict[str, int]]


def compute(
    definition: Definition,
    *,
    organisation: Organisation,
    period: Period,
    disaggregations: tuple[str, ...] | None = None,
) -> Computed:
    """The value and its breakdowns: 1 + one query per disaggregation."""
    adapter, records = scoped(definition, organisation=organisation, period=period)
    counter = _counter(adapter, definition)
    value = records.aggregate(n=counter)["n"] or 0
    breakdowns: dict[str, dict[str, int]] = {}
    for name in definition.disaggregations if disaggregations is None else disaggregations:
        rows = (
            records.annotate(category=dimension(adapter, definition, name))
            .values("category")
            .annotate(n=counter)
            .order_by()
        )
        counts: dict[str, int] = {}
        for row in rows:
            key = _category(name, row["category"])
            counts[key] = counts.get(key, 0) + row["n"]
        breakdowns[name] = dict(sorted(counts.items()))
    return Computed(value=value, breakdowns=breakdowns)


def drill_down(
    definition: Definition,
    *,
    organisation: Organisation,
    period: Period,
    dimension_name: str = "",
    category: str = "",
) -> list[str]:
    """The pseudonymous references of the records behind a number (one query)."""
    adapter, records = scoped(definition, organisation=organisation, period=period)
    if dimension_name:
        records = records.annotate(category=dimension(adapter, definition, dimension_name))
        rows = records.values_list(adapter.reference, "category").distinct().order_by()
        refs = {str(ref) for ref, cat in rows if _category(dimension_name, cat) == category}
    else:
        flat = records.values_list(adapter.reference, flat=True).distinct().order_by()
        refs = {str(ref) for ref in flat}
    return sorted(refs)
