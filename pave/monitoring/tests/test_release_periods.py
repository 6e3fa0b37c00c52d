"""The differencing attack on suppressed reports, as a donor viewer would try it (issue 12,
item 8; docs/security.md, "Statistics that leave the organisation").

June 2014: six women are assisted on 5 June and one man on 10 June. Suppression hides the
man in any one table; two tables over windows a day apart would give him away. Suppressed
reports are computed over whole ended months, quarters and years only."""

import datetime
import json

import pytest

from pave.accounts.roles import Role
from pave.monitoring.tests.conftest import donor_project
from pave.testing import bearer, make_case, person_data
from pave.testing import run_pave as pave

REPORT = "/api/v1/reports/assistance-in-numbers"


@pytest.fixture
def world(personas):
    donor_project(personas)
    for _ in range(6):
        make_case(personas.amal, identification_date="2014-06-05")
    make_case(
        personas.amal, identification_date="2014-06-10", person={**person_data(), "sex": "male"}
    )
    return personas


def report(client, user, **params):
    return client.get(REPORT, {"project": "P1", **params}, **bearer(user))


def assisted(response):
    assert response.status_code == 200, response.content
    return response.json()["indicators"][0]


def test_cumulative_windows_a_day_apart_are_refused_to_a_donor(client, world):
    for to in ("2014-06-09", "2014-06-10"):
        response = report(client, world.donor, date_from="2014-01-01", date_to=to)
        assert response.status_code == 422
        body = response.json()
        assert "month, quarter or year" in body["errors"]["period"][0]
        assert to not in response.content.decode()  # the error does not echo the input
    # Asking for the internal version changes nothing: a donor always gets the public one.
    response = report(
        client, world.donor, date_from="2014-06-10", date_to="2014-06-10", audience="internal"
    )
    assert response.status_code == 422


def test_adjacent_months_and_their_quarter_cannot_be_subtracted_to_reveal_the_man(client, world):
    june = assisted(report(client, world.donor, period="2014-06"))
    may = assisted(report(client, world.donor, period="2014-05"))
    quarter = assisted(report(client, world.donor, period="2014-Q2"))
    # The man is suppressed, and so is every cell from which he could be derived: the
    # women (total − women = men) in June and in the quarter that holds it.
    for result in (june, quarter):
        assert result["disaggregation"] == {"men": None, "women": None}
    assert may["value"] in (0, None)
    # The same month given as dates is the same release.
    as_dates = assisted(report(client, world.donor, date_from="2014-06-01", date_to="2014-06-30"))
    assert as_dates == june


def test_internal_readers_keep_arbitrary_dates(client, world):
    manager = world.by_role[Role.PROJECT_MANAGER]
    day = assisted(report(client, manager, date_from="2014-06-10", date_to="2014-06-10"))
    assert day["value"] == 1 and day["disaggregation"]["men"] == 1
    # ...but their public version follows the donors' rule.
    response = report(
        client, manager, date_from="2014-06-10", date_to="2014-06-10", audience="public"
    )
    assert response.status_code == 422


def test_a_period_that_has_not_ended_is_not_released(client, world):
    this_month = datetime.date.today().strftime("%Y-%m")
    response = report(client, world.donor, period=this_month)
    assert response.status_code == 422 and "not ended" in response.json()["errors"]["period"][0]


@pytest.mark.parametrize("period", ["2014-13", "2014-Q5", "14", "2014-6", "last month"])
def test_a_malformed_period_is_a_clear_422(client, world, period):
    response = report(client, world.donor, period=period)
    assert response.status_code == 422 and "2014-Q2" in response.json()["errors"]["period"][0]


def test_factsheet_page_refuses_arbitrary_dates_to_a_donor(client, world):
    client.force_login(world.donor)
    refused = client.get("/reports/P1/factsheet/", {"from": "2014-01-01", "to": "2014-06-10"})
    assert refused.status_code == 422 and "month, quarter or year" in refused.content.decode()
    assert client.get("/reports/P1/", {"from": "2014-06-10", "to": "2014-06-10"}).status_code == 422
    assert client.get("/reports/P1/factsheet/", {"period": "2014-06"}).status_code == 200
    assert client.get("/reports/P1/", {"period": "2014"}).status_code == 200


def test_cli_public_report_needs_a_whole_period(world):
    base = ("report", "assistance-in-numbers", "--project", "P1", "--audience", "public")
    code, _, err = pave(*base, "--from", "2014-01-01", "--to", "2014-06-10")
    assert code != 0 and "month, quarter or year" in err
    code, out, err = pave(*base, "--period", "2014-06")
    assert code == 0, err
    assert json.loads(out)["period"] == {"from": "2014-06-01", "to": "2014-06-30"}
    code, _, err = pave(
        "report", "assistance-in-numbers", "--project", "P1", "--from", "2014-06-10"
    )
    assert code == 0, err  # internal: any dates
