"""The counting engine (pave.core.counting) on the participants source: the one engine the
results framework's indicators and the training aggregates count with."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pave.core import counting
from pave.core.counting import Definition, Period
from pave.training.tests.conftest import OFFICERS, D, run_import, sheet_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(trainer, two_session_event):
    """Three officers at the two-day session of 29–30 October 2013, two of them again at the
    one of 21–22 January 2014."""
    first, second = two_session_event.sessions.order_by("date")
    run_import(trainer, two_session_event, sheet_csv(OFFICERS), session_id=first.pk)
    run_import(trainer, two_session_event, sheet_csv(OFFICERS[:2]), session_id=second.pk)
    return trainer.organisation


def people(period_field, **kw):
    return Definition("participants", "distinct_persons", period_field, **kw)


def test_a_session_is_in_a_period_by_its_first_day_or_by_any_of_its_days(sessions):
    second_day = Period(D(2013, 10, 30), D(2013, 10, 30))
    by_first_day = counting.compute(people("event_date"), organisation=sessions, period=second_day)
    by_any_day = counting.compute(people("session_dates"), organisation=sessions, period=second_day)
    assert (by_first_day.value, by_any_day.value) == (0, 3)


def test_either_end_of_a_period_may_stay_open(sessions):
    def count(start, end):
        period = Period.between(start, end)
        return counting.compute(people("session_dates"), organisation=sessions, period=period).value

    assert count(None, None) == 3
    assert count(D(2014, 1, 1), None) == 2
    assert count(None, D(2013, 12, 31)) == 3
    assert count(D(2015, 1, 1), None) == 0


def test_a_crossing_counts_people_by_two_breakdowns_at_once(sessions):
    computed = counting.compute(
        people("session_dates"),
        organisation=sessions,
        period=Period.between(None, None),
        disaggregations=("sex",),
        crossings=(("stakeholder_group", "sex"),),
    )
    assert computed.value == 3
    assert computed.breakdowns == {"sex": {"female": 1, "male": 2}}
    assert computed.crossed == {
        ("stakeholder_group", "sex"): {
            ("government_officer", "female"): 1,
            ("government_officer", "male"): 2,
        }
    }


def test_totals_count_people_rows_and_values_of_the_same_records_in_the_same_query(
    sessions, django_assert_num_queries
):
    everything = Period.between(None, None)
    totals = {
        "rows": Definition("participants", "rows", "session_dates"),
        "sessions": Definition(
            "participants", "distinct_values", "session_dates", distinct_field="session"
        ),
    }
    for disaggregations in [(), ("sex",)]:
        with django_assert_num_queries(1):
            computed = counting.compute(
                people("session_dates"),
                organisation=sessions,
                period=everything,
                disaggregations=disaggregations,
                totals=totals,
            )
        assert (computed.value, computed.totals) == (3, {"rows": 5, "sessions": 2})
    with pytest.raises(ValueError, match="same records"):
        counting.compute(
            people("session_dates"),
            organisation=sessions,
            period=everything,
            totals={"other": people("event_date")},
        )


def test_two_apps_may_not_contribute_the_same_source(monkeypatch):
    table = counting.adapters()["participants"]
    monkeypatch.setattr(
        counting, "contributions", lambda _: [{"participants": table}, {"participants": table}]
    )
    counting.adapters.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="participants"):
            counting.adapters()
    finally:
        counting.adapters.cache_clear()
