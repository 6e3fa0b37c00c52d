"""The budget page: lines, co-funding, burn rate and expenditures, through HTTP."""

import datetime
import html
import re
from decimal import Decimal

import pytest

from pave.accounts.models import Organisation
from pave.core.models import AuditEvent
from pave.monitoring.models import BudgetLine, Expenditure
from pave.monitoring.services import budget_line_create, project_create
from pave.monitoring.tests.test_views import (
    as_user,
    field_errors,
    page_of,
    row_cells,
    text_of,
)
from pave.testing import search

EDIT = "/reports/PAVE/indicators/migrants_assisted/edit/"
BUDGET = "/reports/PAVE/budget/"

# --- the budget page ---------------------------------------------------------------------------


def burn(page: str) -> str:
    return text_of(search(r'<p class="lead" id="burn">(.*?)</p>', page, re.S).group(1))


def test_budget_page_shows_lines_co_funding_burn_rate_and_expenditures(client, demo):
    page = page_of(as_user(client, "farah").get(BUDGET))
    assert row_cells(page, "line", "1") == [
        "1",
        "Human resources",
        "520,000.00",
        "330,000.00",
        "190,000.00",
        "63 %",
    ]
    assert "56 % of the budget spent, against 100 % of the project" in burn(page)
    assert "European Union" in page and "EUR 1,360,000.00" in page and "80 %" in page
    assert "Spent to 30 June 2014" in page
    # The project manager reads; only editors get the forms.
    assert '<form method="post"' not in page.split('id="main"')[1].split("</main>")[0]
    mid = page_of(client.get(BUDGET + "?as_of=2014-01-31"))
    assert "0 % of the budget spent, against 50 % of the project" in burn(mid)


def test_adding_a_budget_line_is_audited_and_shown(client, demo):
    client = as_user(client, "maya")
    response = client.post(
        BUDGET + "lines/",
        {"line-code": "7", "line-title": "Evaluation", "line-amount": "25000"},
    )
    assert response.status_code == 302 and response["Location"] == BUDGET
    line = BudgetLine.objects.get(project=demo, code="7")
    assert line.amount == Decimal("25000")
    event = AuditEvent.objects.filter(action="monitoring.budget_line.create").latest("id")
    assert event.actor is not None
    assert event.actor.username == "maya" and event.object_id == str(line.pk)
    page = page_of(client.get(BUDGET))
    assert "Budget line added." in page
    assert row_cells(page, "line", "7")[:3] == ["7", "Evaluation", "25,000.00"]


def test_recording_an_expenditure_changes_the_burn_rate(client, demo):
    client = as_user(client, "maya")
    assert "56 % of the budget spent" in burn(page_of(client.get(BUDGET)))
    line = BudgetLine.objects.get(project=demo, code="2")
    response = client.post(
        BUDGET + "expenditures/",
        {
            "expenditure-line": str(line.pk),
            "expenditure-spent_on": "2014-12-01",
            "expenditure-amount": "170000.00",
            "expenditure-description": "Return flights, second half of 2014",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="monitoring.expenditure.record").latest("id")
    assert event.actor is not None
    assert event.actor.username == "maya"
    page = page_of(client.get(BUDGET))
    assert "66 % of the budget spent" in burn(page)  # (949,000 + 170,000) / 1,700,000
    assert row_cells(page, "line", "2")[3] == "406,000.00"
    assert "Return flights, second half of 2014" in page
    dashboard = page_of(client.get("/reports/PAVE/"))
    assert "EUR 1,119,000.00 / 1,700,000.00" in dashboard


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"expenditure-amount": "-5"}, "id_expenditure-amount", "greater than or equal to 0.01"),
        ({"expenditure-amount": "lots"}, "id_expenditure-amount", "Enter a number."),
        ({"expenditure-amount": "1.005"}, "id_expenditure-amount", "2 decimal places"),
        ({"expenditure-spent_on": "2014-13-45"}, "id_expenditure-spent_on", "valid date"),
        (
            {"expenditure-spent_on": "2016-03-01"},
            "id_expenditure-spent_on",
            "within the project's period, 2013-02-01 to 2015-01-31",
        ),
        ({"expenditure-line": "999999"}, "id_expenditure-line", "Select a valid choice."),
    ],
)
def test_a_bad_expenditure_shows_the_error_on_its_field_and_keeps_the_input(
    client, demo, data, field, message
):
    line = BudgetLine.objects.get(project=demo, code="2")
    typed = {
        "expenditure-line": str(line.pk),
        "expenditure-spent_on": "2014-12-01",
        "expenditure-amount": "100.00",
        "expenditure-description": "Typed description",
    } | data
    count = Expenditure.objects.count()
    response = as_user(client, "maya").post(BUDGET + "expenditures/", typed)
    assert response.status_code == 422
    page = page_of(response)
    assert message in html.unescape(field_errors(page, field))
    assert 'value="Typed description"' in page
    for name in ("expenditure-amount", "expenditure-spent_on"):
        assert f'value="{typed[name]}"' in page
    assert Expenditure.objects.count() == count


def test_another_projects_budget_line_is_not_a_choice(client, demo):
    other = project_create(
        actor="test",
        organisation=Organisation.objects.get(code="BMS"),
        code="P1",
        title="Other",
        start=datetime.date(2014, 1, 1),
        end=datetime.date(2014, 12, 31),
    )
    foreign = budget_line_create(
        actor="test", project=other, code="1", title="Theirs", amount=Decimal(10)
    )
    response = as_user(client, "maya").post(
        BUDGET + "expenditures/",
        {
            "expenditure-line": str(foreign.pk),
            "expenditure-spent_on": "2014-12-01",
            "expenditure-amount": "5",
        },
    )
    assert response.status_code == 422 and not foreign.expenditures.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"line-code": "1"}, "id_line-code", "already has a budget line 1"),
        ({"line-amount": "-1"}, "id_line-amount", "greater than or equal to 0"),
        ({"line-title": ""}, "id_line-title", "This field is required."),
    ],
)
def test_a_bad_budget_line_is_refused_on_its_field(client, demo, data, field, message):
    typed = {"line-code": "7", "line-title": "Evaluation", "line-amount": "25000"} | data
    response = as_user(client, "maya").post(BUDGET + "lines/", typed)
    assert response.status_code == 422
    assert message in field_errors(page_of(response), field)
    assert BudgetLine.objects.filter(project=demo).count() == 6


def test_co_funding_shares_cannot_exceed_the_whole(client, demo):
    client = as_user(client, "maya")
    response = client.post(
        BUDGET + "co-funding/", {"share-funder": "Other", "share-share_percent": "5"}
    )
    assert response.status_code == 422
    assert "add up to more than 100 %" in field_errors(page_of(response), "id_share-share_percent")
    response = client.post(
        BUDGET + "co-funding/",
        {"share-funder": "European Union", "share-share_percent": "75"},
    )
    assert response.status_code == 302
    assert "European Union" in page_of(client.get(BUDGET))
    assert demo.co_funding.get(funder="European Union").share_percent == 75


@pytest.mark.parametrize(
    ("username", "read", "write"),
    [
        ("maya", 200, 302),
        ("admin", 200, 302),
        ("farah", 200, 403),
        ("eva", 403, 403),
        ("amal", 403, 403),
        ("georges", 404, 404),
    ],
)
def test_budget_page_authorisation(client, demo, username, read, write):
    client = as_user(client, username)
    assert client.get(BUDGET).status_code == read
    response = client.post(
        BUDGET + "lines/", {"line-code": "9", "line-title": "T", "line-amount": "1"}
    )
    assert response.status_code == write
    assert BudgetLine.objects.filter(project=demo, code="9").exists() == (write == 302)
