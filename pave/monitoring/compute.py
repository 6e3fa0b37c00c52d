"""Turn an indicator definition and a period into aggregate queries.

One query per indicator, whatever the number of records or of disaggregations: the database
reduces the records once to their distinct (person, category, category, …) tuples and counts
the value and every breakdown from those (COUNT DISTINCT grouped by an expression), never row
by row. People counted through their services are found from their cases (a case with a
matching service), which reads each case once instead of each of its services.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth

from pave.accounts.models import Organisation
from pave.assistance.models import ServiceDelivery
from pave.cases.models import Case as CaseModel
from pave.monitoring.definitions import Definition
from pave.referrals.models import Referral
from pave.screening.models import Screening
from pave.training.models import Attendance


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
    return CaseModel.objects.filter(organisation=org)


def _services(org: Organisation) -> QuerySet:
    return ServiceDelivery.objects.filter(case__organisation=org)


def _screenings(org: Organisation) -> QuerySet:
    return Screening.objects.filter(organisation=org)


def _attendances(org: Organisation) -> QuerySet:
    """Participants are counted through their attendance at the organisation's sessions:
    a participant is one person however many sessions they attended."""
    return Attendance._default_manager.filter(session__event__organisation=org, present=True)


def _referrals(org: Organisation) -> QuerySet:
    return Referral.objects.filter(from_org=org)


_CASE_PEOPLE = {
    "sex": "person__sex",
    "minor": "is_minor",
    "country": "country",
    "citizenship": "person__citizenship",
}


def _prefixed(prefix: str, paths: dict[str, str]) -> dict[str, str]:
    return {key: prefix + path for key, path in paths.items()}


# One adapter per source of definitions.SOURCES (test_compute keeps the two tables in step:
# the same sources, and every filter, period field and disaggregation mapped to a path).
ADAPTERS: dict[str, Adapter] = {
    "cases": Adapter(
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
    "services": Adapter(
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
    "screenings": Adapter(
        _screenings,
        person="pk",
        reference="pk",
        period={"interviewed_on": "interviewed_on"},
        filters={"outcome": "outcome", "consent_given": "consent_given"},
        sex="sex",
        extra={"outcome": "outcome"},
    ),
    "referrals": Adapter(
        _referrals,
        person="case__person_id",
        reference="case__person__reference",
        period={"sent_on": "sent_at__date"},
        filters={"status": "status", "reason": "reason"},
        **_prefixed("case__", _CASE_PEOPLE),
        extra={"status": "status"},
    ),
    "participants": Adapter(
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
    return ADAPTERS[source]


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
        # The month's first day as ISO text (compute) or a date (drill_down).
        return value[:7] if isinstance(value, str) else value.strftime("%Y-%m")
    if name == "citizenship":
        codes = json.loads(value) if isinstance(value, str) else value
        return codes[0] if codes else "unknown"
    return str(value)


# Dimensions a service's person is counted by that belong to the case or the person, not to
# the service itself: with only these, "people with a matching service" is a semi-join.
_CASE_DIMENSIONS = frozenset({"sex", "age_group", "sex_age", "country", "citizenship", "case_type"})


def _people_served(
    definition: Definition, *, organisation: Organisation, period: Period
) -> tuple[Adapter, QuerySet]:
    """The cases with at least one service matching the definition's period and filters.

    Counting distinct persons over these cases gives the same numbers as over the services,
    but reads each case once (and probes its services through an index) instead of joining
    every service to its case and person.
    """
    services = adapter_for("services")
    path = services.period[definition.period_field]
    inner = Q(**{f"{path}__gte": period.start, f"{path}__lte": period.end})
    outer = Q()
    for name, values in definition.filters.items():
        field = services.filters[name]
        lookup = {f"{field.removeprefix('case__')}__in": [_filter_value(v) for v in values]}
        if field.startswith("case__"):
            outer &= Q(**lookup)
        else:
            inner &= Q(**lookup)
    served = ServiceDelivery.objects.filter(inner, case=OuterRef("pk"))
    return adapter_for("cases"), _cases(organisation).filter(outer, Exists(served))


def counted(
    definition: Definition,
    *,
    organisation: Organisation,
    period: Period,
    disaggregations: tuple[str, ...],
) -> tuple[Adapter, QuerySet]:
    """The records to count for these disaggregations (what `scoped` selects, or an
    equivalent that is cheaper to count)."""
    if (
        definition.source == "services"
        and definition.count == "distinct_persons"
        and set(disaggregations) <= _CASE_DIMENSIONS
    ):
        return _people_served(definition, organisation=organisation, period=period)
    return scoped(definition, organisation=organisation, period=period)


def _counted_path(adapter: Adapter, definition: Definition) -> str | None:
    """The column counted once per distinct value (None: every row counts)."""
    if definition.count == "distinct_persons":
        return adapter.person
    if definition.count == "distinct_values":
        return adapter.extra.get(definition.distinct_field, adapter.country)
    return None


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
    """The value and its breakdowns, in one query.

    The records are reduced once to their distinct (counted value, category per
    disaggregation) tuples (or, counting rows, to the number of rows per combination of
    categories); the value and each breakdown are then counted from that set, in the same
    statement (a materialised common table expression and one UNION ALL branch each).
    """
    names = tuple(definition.disaggregations if disaggregations is None else disaggregations)
    adapter, records = counted(
        definition, organisation=organisation, period=period, disaggregations=names
    )
    key = _counted_path(adapter, definition)
    if not names:
        counter = Count(key, distinct=True) if key else Count("pk")
        return Computed(value=records.aggregate(n=counter)["n"] or 0, breakdowns={})
    # As text, so that the UNION's branches agree on every column's type (PostgreSQL).
    columns = {
        f"pave_d{i}": Cast(dimension(adapter, definition, name), CharField())
        for i, name in enumerate(names)
    }
    if key:
        reduced = records.annotate(pave_k=F(key), **columns)
        reduced = reduced.values("pave_k", *columns).distinct().order_by()
    else:
        reduced = records.annotate(**columns).values(*columns).annotate(pave_n=Count("pk"))
        reduced = reduced.order_by()
    inner, params = reduced.query.sql_with_params()
    connection = connections[records.db]
    quote = connection.ops.quote_name
    if key:
        # Within one disaggregation the tuples are distinct per (value, category) already.
        total = f"COUNT(DISTINCT {quote('pave_k')})"
        each = f"COUNT({quote('pave_k')})" if len(names) == 1 else total
    else:
        total = each = f"SUM({quote('pave_n')})"
    aliases = [quote(alias) for alias in columns]
    nulls = ", ".join("NULL" for _ in aliases)
    branches = [f"SELECT -1, {nulls}, {total} FROM pave_records"]  # noqa: S608
    for i, alias in enumerate(aliases):
        cells = ", ".join(alias if j == i else "NULL" for j in range(len(aliases)))
        branches.append(
            f"SELECT {i}, {cells}, {each} FROM pave_records GROUP BY {alias}"  # noqa: S608
        )
    materialized = "MATERIALIZED " if _materialize_keyword(connection) else ""
    sql = f"WITH pave_records AS {materialized}({inner}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    value = 0
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    for row in rows:
        which, n = row[0], int(row[-1] or 0)
        if which < 0:
            value = n
            continue
        name = names[which]
        category = _category(name, row[1 + which])
        counts[name][category] = counts[name].get(category, 0) + n
    return Computed(value=value, breakdowns={n: dict(sorted(c.items())) for n, c in counts.items()})


def _materialize_keyword(connection: Any) -> bool:
    """`AS MATERIALIZED` (PostgreSQL 12+, SQLite 3.35+); both materialise a common table
    expression used more than once anyway, the keyword only makes it explicit."""
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version_info >= (3, 35)
    return False


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
