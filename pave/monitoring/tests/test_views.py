"""The report pages through HTTP: the indicator editor, manual values with evidence, the
dashboard and the budget page, from each side of the rules (demo programme, IOM-LB's project
PAVE; maya is its M&E officer, farah its project manager, eva the EU's donor viewer and
georges an administrator of another organisation)."""

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone, translation

from pave.accounts.models import Organisation, User
from pave.assistance.models import FollowUpVisit
from pave.cases.models import Case
from pave.core.codelists import CaseStage
from pave.core.models import AuditEvent
from pave.monitoring.models import BudgetLine, Expenditure, Indicator, ManualValue
from pave.monitoring.selectors import dashboard_summary, report_build
from pave.monitoring.services import budget_line_create, project_create
from pave.referrals.models import Referral, ReferralStatus
from pave.testing import search

EDIT = "/reports/PAVE/indicators/migrants_assisted/edit/"
BUDGET = "/reports/PAVE/budget/"


def as_user(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def cell(page: str, row_attr: str, key: str, column: str) -> str:
    """The text of `<td class="column">` in the row `<tr data-row_attr="key">`."""
    row = re.search(rf'<tr data-{row_attr}="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert row, f"no row {key}"
    found = re.search(rf'<td class="{column}">(.*?)</td>', row.group(1), re.S)
    assert found, f"no {column} in row {key}"
    return text_of(found.group(1))


def row_cells(page: str, row_attr: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-{row_attr}="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert row, f"no row {key}"
    return [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)]


def overdue(page: str, key: str) -> int:
    item = re.search(rf'<li data-overdue="{key}">.*?<strong>(\d+)</strong>', page, re.S)
    assert item, f"no overdue {key}"
    return int(item.group(1))


def field_errors(page: str, field_id: str) -> str:
    """The error messages Django renders for the input with this id."""
    group = re.search(
        rf'<div class="field has-error">((?:(?!<div class="field).)*?id="{field_id}".*?)</div>',
        page,
        re.S,
    )
    assert group, f"no error on {field_id}"
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', group.group(1), re.S)
    return text_of(errors.group(1)) if errors else ""


def page_of(response) -> str:
    return response.content.decode()


# --- the indicator editor ----------------------------------------------------------------------


def test_editor_shows_the_current_definition(client, demo):
    page = page_of(as_user(client, "maya").get(EDIT))
    assert 'value="Exploited, trafficked or vulnerable migrants received direct assistance"' in page
    textarea = re.search(r'<textarea name="definition"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea is not None
    assert (
        json.loads(html.unescape(textarea.group(1)))
        == demo.indicators.get(code="migrants_assisted").definition
    )


def test_saving_a_definition_is_audited_and_the_dashboard_reflects_it(client, demo):
    client = as_user(client, "maya")
    definition = {
        "source": "services",
        "filters": {"status": ["delivered"], "service_family": ["return"]},
        "disaggregations": ["sex_age"],
    }
    response = client.post(
        EDIT,
        {
            "label": "Migrants helped home",
            "label_ar": "مهاجرون عادوا",
            "kind": "computed",
            "unit": "persons",
            "baseline": "0",
            "definition": json.dumps(definition),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/reports/PAVE/"
    indicator = Indicator.objects.get(project=demo, code="migrants_assisted")
    assert indicator.label == "Migrants helped home"
    assert indicator.definition["filters"]["service_family"] == ["return"]
    event = AuditEvent.objects.filter(action="monitoring.indicator.save").latest("seq")
    assert event.actor is not None
    assert event.actor.username == "maya" and event.object_id == str(indicator.pk)

    expected = report_build(project=demo).get("migrants_assisted")
    assert expected.value is not None
    assert 0 < expected.value < 89  # only those helped home, not every service
    page = page_of(client.get("/reports/PAVE/"))
    assert "Indicator migrants_assisted saved." in page
    assert "Migrants helped home" in page
    assert cell(page, "indicator", "migrants_assisted", "value") == str(expected.value)
    factsheet = page_of(client.get("/reports/PAVE/factsheet/?lang=ar"))
    assert "مهاجرون عادوا" in factsheet


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            '{"source": "services", "filters": {"colour": ["red"]}}',
            "filters.colour: Services delivered cannot be filtered by 'colour'",
        ),
        ('{"source": "shelters"}', "source: Unknown source 'shelters': choose one of cases"),
        ('{"source": "services",', "Not valid JSON"),
    ],
)
def test_an_invalid_definition_is_not_saved_and_the_error_names_the_part(
    client, demo, typed, message
):
    before = Indicator.objects.get(project=demo, code="migrants_assisted").definition
    response = as_user(client, "maya").post(
        EDIT,
        {
            "label": "Typed label",
            "kind": "computed",
            "unit": "persons",
            "baseline": "0",
            "definition": typed,
        },
    )
    assert response.status_code == 422
    page = page_of(response)
    assert message in field_errors(page, "id_definition")
    # What was typed is still there to be corrected.
    assert html.escape(typed, quote=False) in page or html.escape(typed) in page
    assert 'value="Typed label"' in page
    assert Indicator.objects.get(project=demo, code="migrants_assisted").definition == before


@pytest.mark.parametrize("username", ["farah", "eva", "amal", "tarek"])
def test_only_indicator_editors_may_edit(client, demo, username):
    client = as_user(client, username)
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"label": "x", "kind": "manual"}).status_code == 403
    assert Indicator.objects.get(project=demo, code="migrants_assisted").label != "x"


def test_other_organisation_gets_404_for_the_editor(client, demo):
    client = as_user(client, "georges")
    assert client.get(EDIT).status_code == 404
    assert client.post(EDIT, {"label": "x", "kind": "manual"}).status_code == 404


# --- manual indicators carry evidence ----------------------------------------------------------


def _manual_indicator(client) -> str:
    url = "/reports/PAVE/indicators/coordination_meetings/edit/"
    response = client.post(
        url,
        {
            "label": "Coordination meetings held",
            "kind": "manual",
            "unit": "meetings",
            "baseline": 0,
        },
    )
    assert response.status_code == 302
    return url


def test_me_officer_records_a_manual_value_with_its_evidence(client, demo):
    client = as_user(client, "maya")
    url = _manual_indicator(client)
    page = page_of(client.get(url))
    assert "No value recorded yet." in page and 'id="id_evidence"' in page
    values = "/reports/PAVE/indicators/coordination_meetings/values/"
    response = client.post(
        values,
        {
            "period_start": "2013-07-01",
            "period_end": "2013-12-31",
            "value": "4",
            "evidence": "Minutes filed as PAVE/COORD/2013-2 (shared drive, M&E folder)",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    value = ManualValue.objects.get(indicator__code="coordination_meetings")
    assert value.recorded_by is not None
    assert value.evidence.startswith("Minutes filed") and value.recorded_by.username == "maya"
    event = AuditEvent.objects.filter(action="monitoring.value.record").latest("seq")
    assert event.actor is not None
    assert event.actor.username == "maya" and "evidence" in event.fields
    page = page_of(client.get(url))
    assert "PAVE/COORD/2013-2" in page
    dashboard = page_of(client.get("/reports/PAVE/"))
    assert cell(dashboard, "indicator", "coordination_meetings", "value") == "4"
    assert report_build(project=demo).get("coordination_meetings").value == 4


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"evidence": "   "}, "id_evidence", "A value needs its evidence."),
        ({"evidence": ""}, "id_evidence", "A value needs its evidence."),
        ({"period_end": "2013-06-30"}, "id_period_end", "cannot end before it starts"),
        ({"value": "-1"}, "id_value", "greater than or equal to 0"),
        ({"period_start": "2013-02-30"}, "id_period_start", "Enter a valid date."),
    ],
)
def test_a_value_without_evidence_or_with_a_bad_period_is_refused(
    client, demo, data, field, message
):
    client = as_user(client, "maya")
    url = _manual_indicator(client)
    typed = {
        "period_start": "2013-07-01",
        "period_end": "2013-12-31",
        "value": "4",
        "evidence": "Minutes",
    } | data
    response = client.post(url.replace("/edit/", "/values/"), typed)
    assert response.status_code == 422
    page = page_of(response)
    assert message in field_errors(page, field)
    assert f'value="{typed["period_start"]}"' in page  # nothing typed is lost
    assert not ManualValue.objects.filter(indicator__code="coordination_meetings").exists()


def test_a_computed_indicator_takes_no_manual_value(client, demo):
    client = as_user(client, "maya")
    assert "Record a value" not in page_of(client.get(EDIT))
    response = client.post(
        EDIT.replace("/edit/", "/values/"),
        {"period_start": "2013-07-01", "period_end": "2013-12-31", "value": "4", "evidence": "x"},
    )
    assert response.status_code == 404
    assert not ManualValue.objects.exists()


def test_manual_values_are_for_editors_of_the_organisation_only(client, demo):
    url = _manual_indicator(as_user(client, "maya")).replace("/edit/", "/values/")
    data = {"period_start": "2013-07-01", "period_end": "2013-12-31", "value": "4", "evidence": "x"}
    assert as_user(client, "farah").post(url, data).status_code == 403
    assert as_user(client, "eva").post(url, data).status_code == 403
    assert as_user(client, "georges").post(url, data).status_code == 404
    assert as_user(client, "maya").get(url).status_code == 405
    assert not ManualValue.objects.exists()


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_progress_matches_the_report(client, demo):
    page = page_of(as_user(client, "maya").get("/reports/PAVE/"))
    report = report_build(project=demo)
    for result in report.indicators:
        assert cell(page, "indicator", result.code, "value") == str(result.value)
        assert cell(page, "indicator", result.code, "target") == str(result.target or "")
    assert "89" in row_cells(page, "indicator", "migrants_assisted")[1]
    assert "59 %" in row_cells(page, "indicator", "migrants_assisted")  # 89 of 150
    # Categories as readers say them, not as codes.
    assert row_cells(page, "indicator", "migrants_assisted")[4] == "Men: 3, Minors: 1, Women: 85"
    assert "Lebanon: " in row_cells(page, "indicator", "officers_trained")[4]


def test_the_factsheet_follows_the_readers_language_unless_one_is_asked_for(client, demo):
    reader = as_user(client, "maya")
    assert '<html lang="ar"' in page_of(
        reader.get("/reports/PAVE/factsheet/", HTTP_ACCEPT_LANGUAGE="ar")
    )
    assert '<html lang="en"' in page_of(
        reader.get("/reports/PAVE/factsheet/?lang=en", HTTP_ACCEPT_LANGUAGE="ar")
    )
    assert '<html lang="en"' in page_of(reader.get("/reports/PAVE/factsheet/"))


def test_dashboard_shows_the_caseload_by_stage_with_translated_names(client, demo):
    counts = dict(
        Case.objects.filter(organisation=demo.organisation)
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    page = page_of(as_user(client, "maya").get("/reports/PAVE/"))
    for stage, label in CaseStage.choices:
        assert row_cells(page, "stage", stage) == [str(label), str(counts.get(stage, 0))]
    arabic = page_of(client.get("/reports/PAVE/", HTTP_ACCEPT_LANGUAGE="ar"))
    with translation.override("ar"):
        arabic_label = str(CaseStage.ASSISTANCE.label)
    assert arabic_label != "Receiving assistance"
    assert row_cells(arabic, "stage", "assistance")[0] == arabic_label


def test_overdue_referrals_count_changes_when_a_referral_goes_overdue(client, demo):
    referral = Referral.objects.filter(from_org=demo.organisation).order_by("pk").first()
    assert referral is not None
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.SENT, due_by=timezone.now() + datetime.timedelta(days=3)
    )
    client = as_user(client, "farah")
    before = overdue(page_of(client.get("/reports/PAVE/")), "referrals-sent")
    Referral.objects.filter(pk=referral.pk).update(
        due_by=timezone.now() - datetime.timedelta(hours=1)
    )
    page = page_of(client.get("/reports/PAVE/"))
    assert overdue(page, "referrals-sent") == before + 1
    # The project manager sees the organisation's cases: the count leads to the list.
    assert 'href="/referrals/?box=sent&amp;overdue=on"' in page
    listing = page_of(client.get("/referrals/?box=sent&overdue=on"))
    assert f'href="/referrals/{referral.pk}/"' in listing


def test_overdue_follow_ups_are_counted_and_listed_for_those_who_act(client, demo):
    today = timezone.localdate()
    late = FollowUpVisit.objects.filter(
        case__organisation=demo.organisation, done_on__isnull=True, due_on__lt=today
    )
    expected = late.count()
    admin_page = page_of(as_user(client, "admin").get("/reports/PAVE/"))
    assert overdue(admin_page, "follow-ups") == expected
    if expected:
        oldest = late.order_by("due_on", "pk").select_related("case").first()
        assert oldest is not None
        link = f'href="/assistance/cases/{oldest.case_id}/#follow-ups"'
        assert link in admin_page
        assert client.get(f"/assistance/cases/{oldest.case_id}/").status_code == 200
    # The M&E officer sees the numbers, without links into person-level pages.
    maya_page = page_of(as_user(client, "maya").get("/reports/PAVE/"))
    assert overdue(maya_page, "follow-ups") == expected
    assert "/assistance/cases/" not in maya_page and "/referrals/?" not in maya_page


@pytest.mark.parametrize(("username", "queries"), [("admin", 6), ("maya", 5)])
def test_the_dashboard_summary_takes_a_fixed_number_of_queries(
    demo, django_assert_num_queries, username, queries
):
    user = User.objects.get(username=username)
    with django_assert_num_queries(queries):
        summary = dashboard_summary(project=demo, user=user)
    assert summary.open_cases == sum(
        s.count for s in summary.stages if s.stage not in ("closed", "closed_referred")
    )
    assert bool(summary.overdue_visits) == (username == "admin" and summary.overdue_follow_ups > 0)


def test_dashboard_shows_the_budget_and_links_to_the_budget_page(client, demo):
    page = page_of(as_user(client, "maya").get("/reports/PAVE/"))
    summary = text_of(search(r'<p id="budget-summary">(.*?)</p>', page, re.S).group(1))
    assert "EUR 949,000.00 / 1,700,000.00" in summary
    assert "56 % of the budget spent, 100 % of the time elapsed" in summary
    assert "European Union: 80 %" in page
    assert 'href="/reports/PAVE/budget/"' in page


def test_donor_viewer_dashboard_has_suppressed_aggregates_only(client, demo):
    page = page_of(as_user(client, "eva").get("/reports/PAVE/"))
    assert row_cells(page, "indicator", "migrants_assisted")[1] == "89"
    assert "suppressed" in row_cells(page, "indicator", "migrants_assisted")[4]
    assert 'id="caseload"' not in page and "/budget/" not in page
    assert "/records/" not in page and "/edit/" not in page


def test_results_link_in_the_navigation(client, demo):
    for username in ("maya", "farah", "admin", "eva"):
        page = page_of(as_user(client, username).get("/reports/PAVE/budget/"))
        nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S)
        if nav:  # eva's budget page is a 403: check her dashboard instead
            assert 'href="/reports/"' in nav.group(0)
    page = page_of(as_user(client, "eva").get("/reports/"))
    assert re.search(r'<a href="/reports/" aria-current="page">Results</a>', page)
    page = page_of(as_user(client, "amal").get("/cases/"))
    assert 'href="/reports/"' not in page


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
    event = AuditEvent.objects.filter(action="monitoring.budget_line.create").latest("seq")
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
    event = AuditEvent.objects.filter(action="monitoring.expenditure.record").latest("seq")
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
    event = AuditEvent.objects.filter(action="monitoring.target.set").latest("seq")
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
