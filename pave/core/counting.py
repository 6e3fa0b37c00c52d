"""The one counting engine: a definition of what to count and a period → aggregate queries.

Every number PAVE reports about people — results-framework indicators, the factsheet, the
training aggregates — is counted here, so that "how many people" means the same everywhere.
The engine knows no app: each app that owns records describes them with an `Adapter` (where
the records are, what a definition's names mean as ORM paths) and contributes it under its
source's name through its AppConfig attribute ``counting_sources`` (a dotted path to a
``{source: Adapter}`` table, see `pave.core.extensions`). `adapters()` is the table of every
installed app's sources.

One query per count, whatever the number of records or of breakdowns: the database reduces
the records once to their distinct (person, category, category, …) tuples and counts the value
and every breakdown from those (COUNT DISTINCT grouped by an expression), never row by row.
People counted through a child record (services of a case) can be found from their parent
(`Through`): a case with a matching service, which reads each case once instead of each of
its services. Several counts of one source (the indicators of a report) are made in one pass
over its records (`compute_all`).
"""

from __future__ import annotations

import datetime
import functools
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncMonth

from pave.core.extensions import contributions


@dataclass(frozen=True)
class Definition:
    """What to count: records of `source` matching `filters` ({name: allowed values}) whose
    `period_field` falls in the period, as distinct persons, rows or distinct values of
    `distinct_field`, broken down by `disaggregations`. Indicators validate theirs from JSON
    (pave.monitoring.definitions); other callers build one directly."""

    source: str
    count: str
    period_field: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    disaggregations: tuple[str, ...] = ()
    distinct_field: str = ""

    @property
    def counts_people(self) -> bool:
        """Counts of people (or their records) are suppressed when small; counts of
        countries, events or other values are not about anyone."""
        return self.count != "distinct_values"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "count": self.count,
            "period_field": self.period_field,
            "filters": {k: list(v) for k, v in self.filters.items()},
            "disaggregations": list(self.disaggregations),
        }
        if self.distinct_field:
            data["distinct_field"] = self.distinct_field
        return data


@dataclass(frozen=True)
class Period:
    """Both dates inclusive; `datetime.date.min` or `.max` leaves that end open."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def between(cls, start: datetime.date | None, end: datetime.date | None) -> Period:
        """The period from `start` to `end`, either of which may be None (open)."""
        return cls(start or datetime.date.min, end or datetime.date.max)


@dataclass(frozen=True)
class Span:
    """A period field for records that last from `start` to `end` (a null end: one day): a
    record is in a period when any of its days is."""

    start: str
    end: str


@dataclass(frozen=True)
class Through:
    """Distinct persons are counted over the `source` records (e.g. cases) that have at least
    one matching record, reached from a record by `link` ("case"), when every breakdown is in
    `dimensions` (the parent's). Filters whose path starts with `link__` apply to the parent."""

    source: str
    link: str
    dimensions: frozenset[str]


# A filter is an ORM path (records whose value at the path is one of the allowed values) or a
# function from the allowed values to a condition on the records.
Filter = str | Callable[[list[Any]], Q]


@dataclass(frozen=True)
class Adapter:
    """Where a source's records are and what a definition's names mean as ORM paths.

    `queryset(organisation)`: the records the organisation holds; `person`: the path of the
    person a record is about; `reference`: what a drill-down lists; `period`: period field →
    path (or Span); `sex`, `minor`, `country`, `citizenship`: the paths the people's
    disaggregations use (empty: not available); `extra`: other disaggregations and distinct
    fields → path.
    """

    queryset: Callable[[Any], QuerySet]  # the organisation → its records
    person: str
    reference: str
    period: Mapping[str, str | Span]
    filters: Mapping[str, Filter]
    sex: str = ""
    minor: str = ""
    country: str = ""
    citizenship: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    through: Through | None = None


@functools.cache
def adapters() -> dict[str, Adapter]:
    """Every installed app's sources (the apps' ``counting_sources``), by name."""
    found: dict[str, Adapter] = {}
    for table in contributions("counting_sources"):
        for name, adapter in table.items():
            if name in found:
                raise ImproperlyConfigured(f"Two apps contribute the counting source {name!r}.")
            found[name] = adapter
    return found


def adapter_for(source: str) -> Adapter:
    return adapters()[source]


class People(TypedDict, total=False):
    """The paths of the people's disaggregations (Adapter's keyword arguments)."""

    sex: str
    minor: str
    country: str
    citizenship: str


def prefixed(prefix: str, people: People) -> People:
    """`people`'s paths seen from a record that reaches them through `prefix` ("case__")."""
    return cast(People, {key: f"{prefix}{path}" for key, path in people.items()})


def _filter_value(value: str) -> Any:
    return {"true": True, "false": False}.get(value, value)


def _condition(path: Filter, values: Iterable[str]) -> Q:
    allowed = [_filter_value(v) for v in values]
    return path(allowed) if callable(path) else Q(**{f"{path}__in": allowed})


def _in_period(where: str | Span, period: Period) -> Q:
    """The records whose date (or any day of whose span) is in the period."""
    start = None if period.start == datetime.date.min else period.start
    end = None if period.end == datetime.date.max else period.end
    condition = Q()
    if isinstance(where, str):
        if start is not None:
            condition &= Q(**{f"{where}__gte": start})
        if end is not None:
            condition &= Q(**{f"{where}__lte": end})
        return condition
    if end is not None:
        condition &= Q(**{f"{where.start}__lte": end})
    if start is not None:
        condition &= Q(**{f"{where.end}__gte": start}) | Q(
            **{f"{where.end}__isnull": True, f"{where.start}__gte": start}
        )
    return condition


def _dated(adapter: Adapter, definition: Definition) -> str:
    """The path of the date a record is placed in a month by."""
    where = adapter.period[definition.period_field]
    return where if isinstance(where, str) else where.start


def scoped(
    definition: Definition, *, organisation: Model, period: Period
) -> tuple[Adapter, QuerySet]:
    """The records a definition counts: the source, its filters and the period."""
    adapter = adapter_for(definition.source)
    query = _in_period(adapter.period[definition.period_field], period)
    for name, values in definition.filters.items():
        query &= _condition(adapter.filters[name], values)
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
        return TruncMonth(_dated(adapter, definition))
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


def _through_parent(
    adapter: Adapter, definition: Definition, *, organisation: Model, period: Period
) -> tuple[Adapter, QuerySet]:
    """The parent records with at least one record matching the definition's period and
    filters. Counting distinct persons over these gives the same numbers as over the records,
    but reads each parent once (and probes its records through an index) instead of joining
    every record to its parent and person."""
    assert adapter.through is not None
    link = adapter.through.link + "__"
    inner = _in_period(adapter.period[definition.period_field], period)
    outer = Q()
    for name, values in definition.filters.items():
        path = adapter.filters[name]
        if isinstance(path, str) and path.startswith(link):
            outer &= _condition(path.removeprefix(link), values)
        else:
            inner &= _condition(path, values)
    model = adapter.queryset(organisation).model
    matching = model._default_manager.filter(inner, **{adapter.through.link: OuterRef("pk")})
    parent = adapter_for(adapter.through.source)
    return parent, parent.queryset(organisation).filter(outer, Exists(matching))


def counted(
    definition: Definition,
    *,
    organisation: Model,
    period: Period,
    disaggregations: Iterable[str],
) -> tuple[Adapter, QuerySet]:
    """The records to count for these disaggregations (what `scoped` selects, or an
    equivalent that is cheaper to count)."""
    adapter = adapter_for(definition.source)
    if (
        adapter.through is not None
        and definition.count == "distinct_persons"
        and set(disaggregations) <= adapter.through.dimensions
    ):
        return _through_parent(adapter, definition, organisation=organisation, period=period)
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
    """The value, a breakdown per disaggregation ({category: n}), per crossing of two
    ({(category, category): n}) and the totals asked for beside the value ({name: n})."""

    value: int
    breakdowns: dict[str, dict[str, int]]
    crossed: dict[tuple[str, str], dict[tuple[str, str], int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)


def _same_records(definitions: Iterable[Definition]) -> None:
    keys = {(d.source, d.period_field, tuple(sorted(d.filters.items()))) for d in definitions}
    if len(keys) > 1:
        raise ValueError("Totals count the same records: one source, period field and filters.")


def compute(
    definition: Definition,
    *,
    organisation: Model,
    period: Period,
    disaggregations: tuple[str, ...] | None = None,
    crossings: tuple[tuple[str, str], ...] = (),
    totals: Mapping[str, Definition] | None = None,
) -> Computed:
    """The value and its breakdowns (and crossed breakdowns, and other totals of the same
    records: e.g. the rows and distinct events beside the distinct people), in one query.
    Without disaggregations, a plain aggregate of the value and the totals.

    The records are reduced once to their distinct (counted value, category per
    disaggregation) tuples (or, counting rows, to the number of rows per combination of
    categories); the value and each breakdown are then counted from that set, in the same
    statement (a materialised common table expression and one UNION ALL branch each).
    """
    totals = dict(totals or {})
    _same_records([definition, *totals.values()])
    names = tuple(definition.disaggregations if disaggregations is None else disaggregations)
    dims = tuple(dict.fromkeys(names + tuple(name for pair in crossings for name in pair)))
    if totals:  # counted over the records themselves, not an equivalent
        adapter, records = scoped(definition, organisation=organisation, period=period)
    else:
        adapter, records = counted(
            definition, organisation=organisation, period=period, disaggregations=dims
        )
    key = _counted_path(adapter, definition)
    if not dims:
        counters = {name: _counter(adapter, d) for name, d in totals.items()}
        found = records.aggregate(pave_value=_counter(adapter, definition), **counters)
        value = found.pop("pave_value") or 0
        return Computed(value, {}, totals={name: n or 0 for name, n in found.items()})
    # As text, so that the UNION's branches agree on every column's type (PostgreSQL).
    columns = {
        f"pave_d{i}": Cast(dimension(adapter, definition, name), CharField())
        for i, name in enumerate(dims)
    }
    # What each total counts: rows (None) or the distinct values of a column.
    counts_of = {name: _counted_path(adapter, d) for name, d in totals.items()}
    more = {
        f"pave_t{i}": F(path)
        for i, path in enumerate(counts_of.values())
        if path is not None and path != key
    }
    kept = ["pave_k", *columns, *more] if key else [*columns, *more]
    reduced = records.annotate(**({"pave_k": F(key)} if key else {}), **columns, **more)
    if key is None or None in counts_of.values():
        reduced = reduced.values(*kept).annotate(pave_n=Count("pk")).order_by()
    else:
        reduced = reduced.values(*kept).distinct().order_by()
    inner, params = reduced.query.sql_with_params()
    connection = connections[records.db]
    quote = connection.ops.quote_name
    rows = f"SUM({quote('pave_n')})"
    if key:
        # Within one disaggregation the tuples are distinct per (value, category) already.
        total = f"COUNT(DISTINCT {quote('pave_k')})"
        each = f"COUNT({quote('pave_k')})" if len(dims) == 1 and not more else total
    else:
        total = each = rows
    aliases = [quote(alias) for alias in columns]

    def branch(which: int, grouped: tuple[int, ...], counter: str) -> str:
        cells = ", ".join(alias if j in grouped else "NULL" for j, alias in enumerate(aliases))
        group_by = ", ".join(aliases[j] for j in grouped)
        sql = f"SELECT {which}, {cells}, {counter} FROM pave_records"  # noqa: S608
        return f"{sql} GROUP BY {group_by}" if group_by else sql

    branches = [branch(-1, (), total)]
    branches += [branch(i, (i,), each) for i in range(len(names))]
    pairs = [(dims.index(a), dims.index(b)) for a, b in crossings]
    branches += [branch(len(dims) + j, pair, total) for j, pair in enumerate(pairs)]
    for i, path in enumerate(counts_of.values()):
        column = "pave_k" if path == key else f"pave_t{i}"
        counter = rows if path is None else f"COUNT(DISTINCT {quote(column)})"
        branches.append(branch(-2 - i, (), counter))
    materialized = "MATERIALIZED " if _materialize_keyword(connection) else ""
    sql = f"WITH pave_records AS {materialized}({inner}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    value = 0
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    crossed: dict[tuple[str, str], dict[tuple[str, str], int]] = {pair: {} for pair in crossings}
    named_totals: dict[str, int] = {}
    total_names = list(counts_of)
    for row in found:
        which, n = row[0], int(row[-1] or 0)
        if which == -1:
            value = n
        elif which < -1:
            named_totals[total_names[-2 - which]] = n
        elif which < len(dims):
            name = dims[which]
            category = _category(name, row[1 + which])
            counts[name][category] = counts[name].get(category, 0) + n
        else:
            (a, b), (i, j) = crossings[which - len(dims)], pairs[which - len(dims)]
            cell = (_category(a, row[1 + i]), _category(b, row[1 + j]))
            table = crossed[(a, b)]
            table[cell] = table.get(cell, 0) + n
    return Computed(
        value=value,
        breakdowns={n: dict(sorted(c.items())) for n, c in counts.items()},
        crossed={pair: dict(sorted(c.items())) for pair, c in crossed.items()},
        totals={name: named_totals.get(name, 0) for name in total_names},
    )


def _filtered(adapter: Adapter, definition: Definition) -> Q:
    """The definition's filters as one condition (empty: every record)."""
    condition = Q()
    for name, values in definition.filters.items():
        condition &= _condition(adapter.filters[name], values)
    return condition


# What to count (a definition) and which breakdowns of it.
Request = tuple[Definition, tuple[str, ...]]


def compute_all(
    requests: Sequence[Request], *, organisation: Model, period: Period
) -> list[Computed]:
    """Each request's value and breakdowns, in the order asked: the requests that count the
    same source by the same period field in one query together (`_compute_together`), one
    alone as `compute` counts it."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (definition, _names) in enumerate(requests):
        groups.setdefault((definition.source, definition.period_field), []).append(i)
    results: dict[int, Computed] = {}
    for members in groups.values():
        if len(members) == 1:
            definition, names = requests[members[0]]
            results[members[0]] = compute(
                definition, organisation=organisation, period=period, disaggregations=names
            )
        else:
            together = _compute_together(
                [requests[i] for i in members], organisation=organisation, period=period
            )
            results.update(zip(members, together, strict=True))
    return [results[i] for i in range(len(requests))]


def _compute_together(
    requests: Sequence[Request], *, organisation: Model, period: Period
) -> list[Computed]:
    """Requests over one source and period field, in one query and one pass over the records.

    The records in the period that match any request's filters are reduced once to their
    distinct (counted values, category per breakdown) tuples, each with, per request, the
    number of its records matching that request's filters (0: not the request's). Each
    request's value and breakdowns are then counted from its tuples (distinct values, or the
    sum of its matching records when it counts rows), in the same statement (one UNION ALL
    branch each). The numbers are those `compute` gives each request alone.
    """
    first = requests[0][0]
    adapter = adapter_for(first.source)
    conditions = [_filtered(adapter, definition) for definition, _names in requests]
    records = adapter.queryset(organisation).filter(
        _in_period(adapter.period[first.period_field], period)
    )
    if all(conditions):  # else a request counts every record in the period
        records = records.filter(functools.reduce(operator.or_, conditions))
    paths = [_counted_path(adapter, definition) for definition, _names in requests]
    keys = {path: f"pave_k{j}" for j, path in enumerate(dict.fromkeys(paths)) if path}
    dims = tuple(dict.fromkeys(name for _definition, names in requests for name in names))
    columns = {
        f"pave_d{m}": Cast(dimension(adapter, first, name), CharField())
        for m, name in enumerate(dims)
    }
    # Per request, how many of the tuple's records match its filters (0: not its tuple).
    matching = {
        f"pave_f{i}": Count("pk", filter=condition) if condition else Count("pk")
        for i, condition in enumerate(conditions)
    }
    reduced = (
        records.annotate(**{alias: F(path) for path, alias in keys.items()}, **columns)
        .values(*keys.values(), *columns)
        .annotate(**matching)
        .order_by()
    )
    inner, params = reduced.query.sql_with_params()
    connection = connections[records.db]
    quote = connection.ops.quote_name
    aliases = [quote(alias) for alias in columns]

    def branch(i: int, which: int) -> str:
        """Request i's value (which = -1), or its breakdown by dims[which]."""
        path, matched = paths[i], quote(f"pave_f{i}")
        counter = f"COUNT(DISTINCT {quote(keys[path])})" if path else f"SUM({matched})"
        cells = ", ".join(alias if m == which else "NULL" for m, alias in enumerate(aliases))
        sql = (
            f"SELECT {i}, {which}, {cells}, {counter} "  # noqa: S608 - our own aliases
            f"FROM pave_records WHERE {matched} > 0"
        )
        return f"{sql} GROUP BY {aliases[which]}" if which >= 0 else sql

    branches = []
    for i, (_definition, names) in enumerate(requests):
        branches.append(branch(i, -1))
        branches += [branch(i, dims.index(name)) for name in names]
    materialized = "MATERIALIZED " if _materialize_keyword(connection) else ""
    sql = f"WITH pave_records AS {materialized}({inner}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    results = [Computed(0, {name: {} for name in names}) for _definition, names in requests]
    for row in found:
        i, which, n = row[0], row[1], int(row[-1] or 0)
        if which < 0:
            results[i].value = n
        else:
            name = dims[which]
            counts = results[i].breakdowns[name]
            category = _category(name, row[2 + which])
            counts[category] = counts.get(category, 0) + n
    for result in results:
        result.breakdowns = {n: dict(sorted(c.items())) for n, c in result.breakdowns.items()}
    return results


def _counter(adapter: Adapter, definition: Definition) -> Count:
    key = _counted_path(adapter, definition)
    return Count(key, distinct=True) if key else Count("pk")


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
    organisation: Model,
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
