"""The definition language (definitions.SOURCES) and the counting engine's sources (the
adapters the apps register, pave.core.counting.adapters()) are one table: whatever a
definition may name, the engine knows where to find."""

import pytest

from pave.core.counting import adapters
from pave.monitoring.definitions import SOURCES

# Disaggregations the engine derives from the adapter's person fields, not from `extra`.
_PERSON_PATHS = {
    "sex": ("sex",),
    "age_group": ("minor",),
    "sex_age": ("minor", "sex"),
    "country": ("country",),
    "citizenship": ("citizenship",),
    "month": (),
}


def test_every_source_has_an_adapter_and_every_adapter_a_source():
    assert set(adapters()) == set(SOURCES)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_name_a_definition_may_use_has_a_path(source):
    spec, adapter = SOURCES[source], adapters()[source]
    assert set(spec.filters) == set(adapter.filters)
    assert set(spec.period_fields) <= set(adapter.period)
    for name in spec.disaggregations:
        if name in _PERSON_PATHS and name not in adapter.extra:
            assert all(getattr(adapter, attr) for attr in _PERSON_PATHS[name]), name
        else:
            assert name in adapter.extra, name
    for name in spec.distinct_fields:
        assert name in adapter.extra or name == "country"
