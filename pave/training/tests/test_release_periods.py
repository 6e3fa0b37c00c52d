"""Suppressed training aggregates are counted over whole ended months, quarters and years:
a donor viewer cannot subtract two windows a day apart to learn who attended on one day
(issue 12, item 8; docs/security.md)."""

import datetime

import pytest
from django.urls import reverse

from pave.accounts.roles import Role
from pave.testing import bearer
from pave.training.tests.conftest import make_event, run_import, sheet_csv

API = "/api/v1/training/aggregates"
D = datetime.date

# Five women at a workshop on 3 June 2014, one man at another on 10 June.
WOMEN = [[f"Officer {n}", "F", "General Security", "government_officer", "LB"] for n in range(5)]
MAN = [["Karim Saad", "M", "General Security", "government_officer", "LB"]]
HEADERS = ("Name", "Sex", "Organisation", "Stakeholder group", "Country")


@pytest.fixture
def june(trainer):
    first = make_event(trainer, title="First", sessions=[(D(2014, 6, 3), None)])
    second = make_event(trainer, title="Second", sessions=[(D(2014, 6, 10), None)])
    run_import(trainer, first, sheet_csv(WOMEN, HEADERS))
    run_import(trainer, second, sheet_csv(MAN, HEADERS))


@pytest.fixture
def donor(personas, june):
    return personas.by_role[Role.DONOR_VIEWER]


def test_windows_a_day_apart_are_refused_to_a_donor(client, donor):
    for window in (
        {"from": "2014-06-01", "to": "2014-06-09"},
        {"from": "2014-06-01", "to": "2014-06-10"},
    ):
        response = client.get(API, window, **bearer(donor))
        assert response.status_code == 422
        assert "month, quarter or year" in response.json()["errors"]["period"][0]
    # An open window (no start) is not a reporting period either.
    assert client.get(API, {"to": "2014-06-09"}, **bearer(donor)).status_code == 422


def test_adjacent_periods_hide_every_cell_that_would_reveal_the_man(client, donor):
    june = client.get(API, {"period": "2014-06"}, **bearer(donor)).json()
    quarter = client.get(API, {"period": "2014-Q2"}, **bearer(donor)).json()
    july = client.get(API, {"period": "2014-07"}, **bearer(donor)).json()
    for result in (june, quarter):
        assert result["suppressed"] is True
        assert result["by_sex"]["male"] is None
        # Total − women would give the men: one of them is hidden too.
        assert result["participants"] is None or result["by_sex"]["female"] is None
    assert july["participants"] in (0, None)


def test_managers_keep_arbitrary_dates(client, trainer, june):
    day = client.get(API, {"from": "2014-06-10", "to": "2014-06-10"}, **bearer(trainer)).json()
    assert day["participants"] == 1 and day["by_sex"]["male"] == 1


def test_web_page_refuses_a_day_window_to_a_donor_and_accepts_a_period(client, donor):
    client.force_login(donor)
    url = reverse("training:aggregates")
    refused = client.get(url, {"date_from": "2014-06-10", "date_to": "2014-06-10"})
    assert refused.status_code == 422 and "month, quarter or year" in refused.content.decode()
    assert client.get(url, {"period": "2014-Q2"}).status_code == 200
