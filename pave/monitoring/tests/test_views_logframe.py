"""The logframe page and targets per period, through HTTP."""

import re

import pytest

from pave.core.models import AuditEvent
from pave.monitoring.selectors import report_build
from pave.monitoring.tests.test_views import (
    as_user,
    field_errors,
    page_of,
    row_cells,
)

EDIT = "/reports/PAVE/indicators/migrants_assisted/edit/"
BUDGET = "/reports/PAVE/budget/"

# --- the logframe and targets ------------------------------------------------------------------

LOGFRAME = "/reports/PAVE/logframe/"


def test_the_logframe_shows_the_tree_with_baselines_targets_and_values(
    client, demo, django_assert_num_queries
):
    reader = as_user(client, "maya")
    reader.get(LOGFRAME)  # session and caches warmed
    with django_assert_num_queries(15):  # as many for any size: see test_report
        page = page_of(reader.get(LOGFRAME))
    # Objective, then its outcomes, then their outputs, as nested headings.
    objective = page.index("Protection of migrant workers against exploitation")
    outcome = page.index("Vulnerable and exploited migrants reach durable solutions")
    output = page.index("Direct assistance: return, recovery and reintegration")
    assert objective < outcome < output
    assert re.search(r"<h2 id=\"node-\d+\"><span class=\"meta\">Objective", page)
    assert re.search(r"<h4 id=\"node-\d+\"><span class=\"meta\">Output", page)
    row = row_cells(page, "indicator", "migrants_assisted")
    assert row[1] == "0" and "150 by" in row[2] and "60 by" in row[2] and row[3] == "89"
    assert page.index("Direct assistance: return") < page.index(
        'data-indicator="migrants_assisted"'
    )
    # Editors get a link to each indicator.
    assert 'href="/reports/PAVE/indicators/migrants_assisted/edit/"' in page


def test_donors_see_the_logframe_with_suppressed_values_and_no_edit_links(client, demo):
    page = page_of(as_user(client, "eva").get(LOGFRAME))
    assert "Protection of migrant workers" in page
    assert "/edit/" not in page and "/records/" not in page
    public = report_build(project=demo, audience="public").get("migrants_assisted")
    assert row_cells(page, "indicator", "migrants_assisted")[3] == (
        "suppressed" if public.value is None else str(public.value)
    )


def test_the_logframe_in_arabic_uses_the_arabic_labels(client, demo):
    page = page_of(as_user(client, "maya").get(LOGFRAME, HTTP_ACCEPT_LANGUAGE="ar"))
    assert '<html lang="ar" dir="rtl">' in page
    assert "مهاجرون مستغَلّون" in row_cells(page, "indicator", "migrants_assisted")[0]


def test_me_officer_sets_a_target_for_a_period(client, demo):
    reader = as_user(client, "maya")
    targets = "/reports/PAVE/indicators/migrants_assisted/targets/"
    response = reader.post(
        targets,
        {
            "target-period_start": "2015-02-01",
            "target-period_end": "2015-12-31",
            "target-value": "200",
        },
    )
    assert response.status_code == 302 and response["Location"] == EDIT
    target = demo.indicators.get(code="migrants_assisted").targets.get(period_end="2015-12-31")
    assert target.value == 200
    event = AuditEvent.objects.filter(action="monitoring.target.set").latest("id")
    assert event.actor is not None
    assert event.actor.username == "maya" and event.fields == ["value"]
    assert "200 from" in page_of(reader.get(EDIT))
    assert "200 by" in row_cells(page_of(reader.get(LOGFRAME)), "indicator", "migrants_assisted")[2]
    # The same period again replaces its value instead of adding a second target.
    reader.post(
        targets,
        {
            "target-period_start": "2015-02-01",
            "target-period_end": "2015-12-31",
            "target-value": "180",
        },
    )
    assert (
        demo.indicators.get(code="migrants_assisted").targets.get(period_end="2015-12-31").value
        == 180
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"target-period_end": "2013-01-31"},
            "id_target-period_end",
            "cannot end before it starts",
        ),
        ({"target-value": "-5"}, "id_target-value", "greater than or equal to 0"),
        ({"target-value": "many"}, "id_target-value", "Enter a whole number."),
    ],
)
def test_a_bad_target_is_refused_on_its_field_and_nothing_is_written(
    client, demo, data, field, message
):
    before = demo.indicators.get(code="migrants_assisted").targets.count()
    good = {
        "target-period_start": "2013-02-01",
        "target-period_end": "2015-01-31",
        "target-value": "150",
    }
    response = as_user(client, "maya").post(
        "/reports/PAVE/indicators/migrants_assisted/targets/", {**good, **data}
    )
    assert response.status_code == 422
    assert message in field_errors(page_of(response), field)
    assert demo.indicators.get(code="migrants_assisted").targets.count() == before
