"""The indicator definition language: what a computed indicator counts, as data.

A definition is a small JSON object, validated here in plain Python, e.g.

    {"source": "services", "count": "distinct_persons",
     "filters": {"status": ["delivered"]}, "period_field": "delivered_on",
     "disaggregations": ["sex_age", "country"]}

- source: cases, services, screenings, referrals or participants;
- count: distinct_persons (people once, however many records), rows (records), or
  distinct_values with "distinct_field" (e.g. how many countries the delegates came from,
  how many events or sessions were held);
- filters: {field: [allowed values, ...]} — records matching every field (participants'
  "partner": the codes of organisations the event is run with);
- period_field: the date that places a record in a reporting period (participants:
  event_date, the session's first day, or session_dates, any day of the session);
- disaggregations: the breakdowns reported with the value.

The counting engine (pave.core.counting) counts what a Definition says; each source's records
are described by the app that owns them (its `counting.py`, registered as `counting_sources`).
`validate()` returns a Definition or raises DefinitionError with one message per problem,
keyed by the path of the offending part ("filters.status", "disaggregations[1]").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pave.core import counting

KEYS = {"source", "count", "distinct_field", "filters", "period_field", "disaggregations"}


@dataclass(frozen=True)
class SourceSpec:
    label: str
    counts: tuple[str, ...]
    period_fields: tuple[str, ...]
    filters: Mapping[str, tuple[str, ...] | None]  # None: any text value
    disaggregations: tuple[str, ...]
    distinct_fields: tuple[str, ...] = ()


_PEOPLE_DIMENSIONS = ("sex", "age_group", "sex_age", "country", "month")
SOURCES: dict[str, SourceSpec] = {
    "cases": SourceSpec(
        "cases",
        ("distinct_persons", "rows"),
        ("identification_date",),
        {
            "case_type": (
                "victim_of_trafficking",
                "exploited_migrant_worker",
                "vulnerable_migrant",
            ),
            "stage": None,
            "status": None,
            "identification_source": None,
            "country": None,
        },
        (*_PEOPLE_DIMENSIONS, "case_type", "stage"),
    ),
    "services": SourceSpec(
        "services delivered",
        ("distinct_persons", "rows"),
        ("delivered_on",),
        {
            "status": ("planned", "delivered", "cancelled"),
            "service_family": ("return", "recovery", "reintegration"),
            "service_type": None,
            "case_type": (
                "victim_of_trafficking",
                "exploited_migrant_worker",
                "vulnerable_migrant",
            ),
        },
        (*_PEOPLE_DIMENSIONS, "service_family", "case_type"),
    ),
    "screenings": SourceSpec(
        "screening interviews",
        ("rows",),
        ("interviewed_on",),
        {"outcome": None, "consent_given": ("true", "false")},
        ("sex", "month", "outcome"),
    ),
    "referrals": SourceSpec(
        "referrals sent",
        ("distinct_persons", "rows"),
        ("sent_on",),
        {"status": ("sent", "accepted", "declined", "completed", "revoked"), "reason": None},
        (*_PEOPLE_DIMENSIONS, "status"),
    ),
    "participants": SourceSpec(
        "event participants",
        ("distinct_persons", "rows", "distinct_values"),
        ("event_date", "session_dates"),
        {
            "event_type": None,
            "stakeholder_group": None,
            "country": None,
            "event": None,
            "partner": None,
        },
        ("sex", "country", "stakeholder_group", "event_type", "month"),
        distinct_fields=("country", "event", "session"),
    ),
}


class DefinitionError(Exception):
    """The definition is not valid; `errors` maps a path to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class Definition(counting.Definition):
    """A validated indicator definition: what the counting engine counts (source, count,
    period field, filters, disaggregations, distinct field)."""

    @property
    def charted(self) -> bool:
        """Drawn in the factsheet's charts (by sex and age, per month, by nationality): a
        count of people broken down by sex and age, the breakdown the charts are built on
        (its sources also know the month and the people's citizenship)."""
        return self.count == "distinct_persons" and "sex_age" in self.disaggregations


def _one_of(value: Any, allowed: tuple[str, ...], what: str) -> str | None:
    if value in allowed:
        return None
    return f"Unknown {what} {value!r}: choose one of {', '.join(allowed)}."


def _check_filters(raw: Any, spec: SourceSpec, errors: dict[str, list[str]]) -> dict:
    if not isinstance(raw, dict):
        errors.setdefault("filters", []).append("Filters must be an object {field: [values]}.")
        return {}
    filters: dict[str, tuple[str, ...]] = {}
    for name, values in raw.items():
        path = f"filters.{name}"
        if name not in spec.filters:
            allowed = ", ".join(spec.filters) or "none"
            errors.setdefault(path, []).append(
                f"{spec.label.capitalize()} cannot be filtered by {name!r} (allowed: {allowed})."
            )
            continue
        if isinstance(values, str | bool):
            values = [values]
        if not isinstance(values, list) or not values:
            errors.setdefault(path, []).append("Give a non-empty list of values.")
            continue
        values = [str(v).lower() if isinstance(v, bool) else v for v in values]
        if not all(isinstance(v, str) and v for v in values):
            errors.setdefault(path, []).append("Every value must be a non-empty text.")
            continue
        allowed_values = spec.filters[name]
        for value in values:
            if allowed_values is not None and value not in allowed_values:
                errors.setdefault(path, []).append(_one_of(value, allowed_values, "value") or "")
        filters[name] = tuple(values)
    return filters


def _check_disaggregations(raw: Any, spec: SourceSpec, errors: dict[str, list[str]]) -> tuple:
    if not isinstance(raw, list):
        errors.setdefault("disaggregations", []).append("Disaggregations must be a list.")
        return ()
    for index, name in enumerate(raw):
        if name not in spec.disaggregations:
            errors.setdefault(f"disaggregations[{index}]", []).append(
                f"{spec.label.capitalize()} cannot be disaggregated by {name!r} "
                f"(allowed: {', '.join(spec.disaggregations)})."
            )
    if len(set(raw)) != len(raw):
        errors.setdefault("disaggregations", []).append("A disaggregation is listed twice.")
    return tuple(str(name) for name in raw)


def validate(raw: Any) -> Definition:
    """A Definition from its JSON form, or DefinitionError listing every problem."""
    if not isinstance(raw, dict):
        raise DefinitionError({"__all__": ["A definition is a JSON object."]})
    errors: dict[str, list[str]] = {}
    for key in sorted(set(raw) - KEYS):
        errors.setdefault(key, []).append(f"Unknown key (allowed: {', '.join(sorted(KEYS))}).")
    source = raw.get("source")
    spec = SOURCES.get(source) if isinstance(source, str) else None
    if spec is None:
        errors.setdefault("source", []).append(
            _one_of(source, tuple(SOURCES), "source") or "Unknown source."
        )
        raise DefinitionError(errors)
    count = raw.get("count", "distinct_persons")
    if count not in spec.counts:
        errors.setdefault("count", []).append(
            f"{spec.label.capitalize()} can be counted as {', '.join(spec.counts)}, not {count!r}."
        )
    distinct_field = raw.get("distinct_field", "")
    if count == "distinct_values" and distinct_field not in spec.distinct_fields:
        errors.setdefault("distinct_field", []).append(
            f"Counting distinct values needs distinct_field, one of "
            f"{', '.join(spec.distinct_fields) or 'none for this source'}."
        )
    if count != "distinct_values" and distinct_field:
        errors.setdefault("distinct_field", []).append(
            "distinct_field only goes with count distinct_values."
        )
    period_field = raw.get("period_field", spec.period_fields[0])
    if period_field not in spec.period_fields:
        errors.setdefault("period_field", []).append(
            _one_of(period_field, spec.period_fields, "period field") or ""
        )
    filters = _check_filters(raw.get("filters", {}), spec, errors)
    disaggregations = _check_disaggregations(raw.get("disaggregations", []), spec, errors)
    if errors:
        raise DefinitionError(errors)
    return Definition(
        source=str(source),
        count=count,
        period_field=period_field,
        filters=filters,
        disaggregations=disaggregations,
        distinct_field=distinct_field,
    )
