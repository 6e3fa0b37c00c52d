"""The factsheet's numbers from the demo records, periods, disaggregation, drill-down and the
number of queries a report takes."""

import datetime
from typing import Any

import pytest
from django.test import override_settings

from pave.accounts.models import User
from pave.assistance.models import ServiceDelivery, ServiceType
from pave.cases.models import Case
from pave.core.counting import Period, compute, compute_all
from pave.demo.generate import demo_generate
from pave.monitoring.definitions import validate
from pave.monitoring.models import Project
from pave.monitoring.selectors import PUBLIC, indicator_drill_down, report_build
from pave.testing import bearer
from pave.training import selectors as training_selectors

FACTSHEET = {
    "dialogue_delegates": 19,
    "dialogue_countries": 6,
    "officers_trained": 36,
    "civil_society_trained": 89,
    "embassy_staff_trained": 8,
    "journalists_trained": 15,
    "awareness_attendees": 80,
}


def test_migrants_assisted_reproduces_the_factsheet(demo):
    result = report_build(project=demo).get("migrants_assisted")
    assert (result.value, result.target) == (89, 150)
    assert result.disaggregation == {"men": 3, "minors": 1, "women": 85}
    assert result.suppressed is False


def test_participant_indicators_reproduce_the_factsheet(needs_training):
    report = report_build(project=needs_training)
    assert {code: report.get(code).value for code in FACTSHEET} == FACTSHEET


def test_report_structure_is_exact(demo):
    data = report_build(project=demo).as_json()
    assert set(data) == {"project", "period", "indicators"}
    assert data["project"] == "PAVE"
    assert data["period"] == {"from": "2013-02-01", "to": "2015-01-31"}
    assert [row["code"] for row in data["indicators"]] == [
        "migrants_assisted",
        *FACTSHEET,
    ]
    for row in data["indicators"]:
        assert set(row) == {"code", "label", "value", "target", "disaggregation", "suppressed"}


def test_a_period_counts_only_what_happened_in_it(demo):
    first_half = report_build(
        project=demo, date_from=datetime.date(2013, 7, 1), date_to=datetime.date(2013, 12, 31)
    ).get("migrants_assisted")
    second_half = report_build(
        project=demo, date_from=datetime.date(2014, 1, 1), date_to=datetime.date(2014, 6, 30)
    ).get("migrants_assisted")
    assert first_half.value is not None and second_half.value is not None
    assert 0 < first_half.value < 89 and 0 < second_half.value < 89
    # A person assisted in both halves is one person in each, and once overall.
    assert first_half.value + second_half.value >= 89
    nothing = report_build(
        project=demo, date_from=datetime.date(2015, 1, 1), date_to=datetime.date(2015, 1, 31)
    ).get("migrants_assisted")
    assert nothing.value == 0


def test_a_period_before_july_2013_counts_only_the_february_2013_workshop(needs_training):
    early = report_build(project=needs_training, date_to=datetime.date(2013, 6, 30))
    civil_society = early.get("civil_society_trained").value
    assert civil_society is not None
    assert 0 < civil_society < 89
    assert early.get("officers_trained").value == 0
    assert early.get("migrants_assisted").value == 0
    # The February 2013 group came back in April 2014: since July 2013 they count again.
    since_july = report_build(project=needs_training, date_from=datetime.date(2013, 7, 1))
    assert since_july.get("civil_society_trained").value == 89


def test_target_is_the_year_one_milestone_for_a_report_ending_in_year_one(demo):
    result = report_build(project=demo, date_to=datetime.date(2013, 12, 31))
    assert result.get("migrants_assisted").target == 60


def test_public_report_suppresses_small_cells_and_their_complement(demo):
    result = report_build(project=demo, audience=PUBLIC).get("migrants_assisted")
    assert result.value == 89
    assert result.disaggregation == {"men": None, "minors": None, "women": 85}
    assert result.suppressed is True


def test_public_report_hides_the_second_smallest_when_only_one_is_small(demo):
    result = report_build(project=demo, audience=PUBLIC, threshold=2).get("migrants_assisted")
    # Only the minor (1) is below 2; the men (3) go with it, or 1 = 89 - 85 - 3.
    assert result.disaggregation == {"men": None, "minors": None, "women": 85}


def test_drill_down_lists_exactly_the_people_counted(demo):
    maya = demo.organisation.users.get(username="maya")
    period = report_build(project=demo).period
    everyone = indicator_drill_down(
        user=maya, project=demo, code="migrants_assisted", period=period
    )
    assert len(everyone) == len(set(everyone)) == 89
    assert all(ref.startswith("LB-") for ref in everyone)
    men = indicator_drill_down(
        user=maya,
        project=demo,
        code="migrants_assisted",
        period=period,
        dimension="sex_age",
        category="men",
    )
    assert len(men) == 3 and set(men) <= set(everyone)


def _add_services(project: Project, extra_cases: int) -> None:
    demo_generate(persons=extra_cases, seed=7)
    service_type = ServiceType.objects.order_by("pk").first()
    new = Case.objects.filter(organisation=project.organisation).order_by("-pk")[:extra_cases]
    ServiceDelivery.objects.bulk_create(
        ServiceDelivery(
            case=case,
            service_type=service_type,
            provider=project.organisation,
            delivered_on=datetime.date(2014, 3, 1),
        )
        for case in new
    )


# The indicators with their targets and manual values (3 queries), then one per source counted:
# the services (migrants assisted) and the participants (the seven training indicators,
# counted together in one pass), measured.
@pytest.mark.parametrize(("audience", "queries"), [("internal", 5), (PUBLIC, 5)])
def test_a_report_takes_the_same_number_of_queries_whatever_the_data_size(
    demo, django_assert_num_queries, audience, queries
):
    # Warm up once: process-wide caches (content types, code lists) fill on a first call.
    report_build(project=demo, audience=audience, extra={"migrants_assisted": ("month",)})
    with django_assert_num_queries(queries):
        report_build(project=demo, audience=audience, extra={"migrants_assisted": ("month",)})
    _add_services(demo, 300)
    with django_assert_num_queries(queries):
        report = report_build(
            project=demo, audience=audience, extra={"migrants_assisted": ("month",)}
        )
    assert report.get("migrants_assisted").value == 389


@override_settings(PAVE_SUPPRESSION_THRESHOLD=3)
def test_the_threshold_comes_from_the_settings_for_reports_and_training_aggregates(demo):
    assert report_build(project=demo, audience=PUBLIC).threshold == 3
    aggregate = training_selectors.aggregate_compute(
        organisation=demo.organisation,
        query=training_selectors.AggregateQuery(),
        suppressed=True,
    )
    assert aggregate["threshold"] == 3


@override_settings(PAVE_SUPPRESSION_THRESHOLD=90)
def test_a_higher_threshold_in_the_settings_suppresses_more(demo):
    result = report_build(project=demo, audience=PUBLIC).get("migrants_assisted")
    assert result.value is None and result.suppressed


def test_the_charted_indicator_is_found_by_its_definition_not_its_code(demo):
    demo.indicators.filter(code="migrants_assisted").update(code="people_helped")
    report = report_build(project=demo, charts=True)
    assert report.charted is not None and report.charted.code == "people_helped"
    assert {"sex_age", "month", "citizenship"} <= set(report.charted.breakdowns)
    assert [r.code for r in report.indicators if r.charted] == ["people_helped"]
    assert report_build(project=demo).charted is None


def test_participant_indicators_and_training_aggregates_count_the_same_people(needs_training):
    """Both are counted by the counting engine with the participants source (distinct
    people present at the organisation's sessions): the same people, whichever asks."""
    start, end = datetime.date(2013, 2, 1), datetime.date(2015, 1, 31)
    names = ("sex", "stakeholder_group", "event_type", "country")
    computed = compute(
        validate({"source": "participants", "disaggregations": list(names)}),
        organisation=needs_training.organisation,
        period=Period(start, end),
    )
    aggregate = training_selectors.participants_aggregate(
        organisation=needs_training.organisation, date_from=start, date_to=end
    )
    assert computed.value == aggregate["participants"] > 0
    for name, key in zip(
        names, ("by_sex", "by_stakeholder_group", "by_event_type", "by_country"), strict=True
    ):
        assert computed.breakdowns[name] == {k: n for k, n in aggregate[key].items() if n}, name


# Requests over one source counted together, with what makes one pass differ from one query
# each: counting rows and distinct values beside people, a request without filters, a filter
# that is a subquery (partner), breakdowns of one request only, by month, a period with nothing.
TOGETHER: list[dict[str, Any]] = [
    {"source": "participants", "filters": {"event_type": ["training_workshop"]}},
    {"source": "participants", "count": "rows", "disaggregations": ["event_type", "month"]},
    {
        "source": "participants",
        "count": "distinct_values",
        "distinct_field": "country",
        "filters": {"event_type": ["policy_dialogue"]},
    },
    {
        "source": "participants",
        "filters": {"partner": ["EU-LB"], "stakeholder_group": ["civil_society", "journalist"]},
        "disaggregations": ["sex", "country", "stakeholder_group"],
    },
    {"source": "services", "filters": {"status": ["delivered"]}, "disaggregations": ["sex_age"]},
]


@pytest.mark.parametrize(
    "period",
    [Period(datetime.date(2013, 2, 1), datetime.date(2015, 1, 31)), Period.between(None, None)]
    + [Period(datetime.date(2030, 1, 1), datetime.date(2030, 12, 31))],
)
def test_counting_the_indicators_of_a_source_together_gives_each_its_own_numbers(
    demo, django_assert_num_queries, period
):
    requests = [(validate(raw), tuple(raw.get("disaggregations", ()))) for raw in TOGETHER]
    alone = [
        compute(d, organisation=demo.organisation, period=period, disaggregations=names)
        for d, names in requests
    ]
    with django_assert_num_queries(2):  # one per source: participants, services
        together = compute_all(requests, organisation=demo.organisation, period=period)
    assert together == alone
    assert any(c.value for c in alone) == (period.start.year < 2030)


# The results pages and API as the administrator (who may also drill down to the records):
# queries per request, measured; the same whatever the number of records.
REPORT_REQUESTS = {
    "/reports/": 19,
    "/reports/PAVE/": 19,
    "/reports/PAVE/factsheet/": 12,  # the output is audited
    "/reports/PAVE/logframe/": 15,
    "/reports/PAVE/budget/": 11,
    "/reports/PAVE/indicators/migrants_assisted/records/": 10,  # audited
    "/api/v1/reports/assistance-in-numbers?project=PAVE": 12,  # audited export
    "/api/v1/reports/assistance-in-numbers/migrants_assisted/records?project=PAVE": (
        9  # audited
    ),
    "/api/v1/reports/budget?project=PAVE": 8,
}


def test_results_pages_take_the_same_number_of_queries_whatever_the_data_size(
    client, demo, django_assert_num_queries
):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    headers = bearer(admin)

    def get(path):
        response = client.get(path, **(headers if path.startswith("/api/") else {}))
        assert response.status_code == 200, path

    for path in REPORT_REQUESTS:  # warm up: session, token's first use, caches
        get(path)
    for path, queries in REPORT_REQUESTS.items():
        with django_assert_num_queries(queries, info=path):
            get(path)
    _add_services(demo, 300)
    for path, queries in REPORT_REQUESTS.items():
        with django_assert_num_queries(queries, info=path):
            get(path)
