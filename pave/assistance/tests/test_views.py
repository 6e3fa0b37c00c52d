"""Assistance pages through the HTTP client: the case's overview, the record forms, the
catalogue page for administrators."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pave.accounts.roles import Role
from pave.assistance import services
from pave.assistance.models import (
    CasePlan,
    ReintegrationAssessment,
    ServiceDelivery,
    ServiceType,
)
from pave.cases.tests.workflow_helpers import drive_to
from pave.core.models import AuditEvent
from pave.testing import make_case

pytestmark = pytest.mark.django_db


def overview(case):
    return reverse("assistance:case", args=[case.pk])


def add_each(personas, case, n):
    medical = ServiceType.objects.get(code="medical")
    for i in range(n):
        records: list[tuple[services.RecordKind, dict[str, Any]]] = [
            (services.SERVICE, {"service_type": medical, "delivered_on": "2014-03-01"}),
            (
                services.PLAN,
                {"plan_type": "Health", "objectives": f"o{i}", "started_on": "2014-03-01"},
            ),
            (services.FOLLOW_UP, {"due_on": "2014-06-01"}),
            (
                services.REINTEGRATION,
                {
                    "assessed_on": "2014-06-01",
                    "economic_score": 1,
                    "social_score": 3,
                    "psychosocial_score": 2,
                    "notes": f"n{i}",
                },
            ),
        ]
        for kind, data in records:
            services.record_create(actor=personas.amal, case_id=case.pk, kind=kind, data=data)


def service_form(**overrides):
    data = {
        "service_type": ServiceType.objects.get(code="legal-aid").pk,
        "delivered_on": "2014-03-05",
        "status": "delivered",
        "cost": "75.00",
        "currency": "LBP",
        "notes": "Lawyer at the labour court",
    }
    data.update(overrides)
    return data


def test_overview_shows_every_kind_of_record_and_records_the_read(client, personas):
    case = make_case(personas.amal)
    add_each(personas, case, 1)
    client.force_login(personas.amal)

    response = client.get(overview(case))

    html = response.content.decode()
    assert response.status_code == 200
    for anchor in ('id="services"', 'id="plans"', 'id="follow-ups"', 'id="reintegration"'):
        assert anchor in html
    assert "Medical care" in html and "Health" in html
    assert '<meter min="0" max="4"' in html and "n0" in html
    assert reverse("assistance:service-create", args=[case.pk]) in html
    assert AuditEvent.objects.filter(action="assistance.read", object_id=str(case.pk)).exists()


def test_project_manager_reads_but_is_offered_no_form(client, personas):
    case = make_case(personas.amal)
    add_each(personas, case, 1)
    client.force_login(personas.by_role[Role.PROJECT_MANAGER])
    html = client.get(overview(case)).content.decode()
    assert "Medical care" in html
    assert reverse("assistance:service-create", args=[case.pk]) not in html
    assert client.get(reverse("assistance:service-create", args=[case.pk])).status_code == 403


def test_overview_makes_the_same_number_of_queries_for_2_and_10_records(
    client, personas, django_assert_num_queries
):
    few, many = make_case(personas.amal), make_case(personas.amal)
    add_each(personas, few, 2)
    add_each(personas, many, 10)
    client.force_login(personas.amal)
    client.get(overview(few))

    queries = 14  # the read is audited
    with django_assert_num_queries(queries):
        client.get(overview(few))
    with django_assert_num_queries(queries):
        client.get(overview(many))


def test_case_worker_records_a_service_through_the_form(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    url = reverse("assistance:service-create", args=[case.pk])
    page = client.get(url).content.decode()
    assert 'name="service_type"' in page and "Legal aid" in page
    assert f'<option value="{personas.ngo.pk}" selected>' in page  # provider: her organisation

    response = client.post(url, service_form(provider=personas.ngo.pk))

    assert response.status_code == 302
    assert response["Location"] == f"{overview(case)}#services"
    saved = ServiceDelivery.objects.get()
    assert (saved.cost, saved.currency, saved.recorded_by) == (75, "LBP", personas.amal)
    assert "Lawyer at the labour court" in client.get(overview(case)).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cost": "-1"}, "cost"),
        ({"currency": "ZZZ"}, "currency"),
        ({"currency": ""}, "currency"),  # a cost needs its currency (the service says so)
        ({"delivered_on": "2999-01-01"}, "delivered_on"),
    ],
)
def test_bad_service_form_shows_the_error_and_writes_nothing(client, personas, overrides, field):
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    data = service_form(provider=personas.ngo.pk, **overrides)

    response = client.post(reverse("assistance:service-create", args=[case.pk]), data)

    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert "Nothing was saved" in response.content.decode()
    assert not ServiceDelivery.objects.exists()


def test_plan_ending_before_it_starts_is_refused_on_the_field(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    response = client.post(
        reverse("assistance:plan-create", args=[case.pk]),
        {
            "plan_type": "Legal",
            "objectives": "Recover her unpaid wages",
            "started_on": "2014-05-01",
            "planned_end": "2014-04-01",
            "status": "active",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["planned_end"]
    assert not CasePlan.objects.exists()


def test_reintegration_form_records_the_scores(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    response = client.post(
        reverse("assistance:reintegration-create", args=[case.pk]),
        {
            "assessed_on": "2014-06-01",
            "economic_score": "2",
            "social_score": "4",
            "psychosocial_score": "1",
        },
    )
    assert response.status_code == 302
    assert ReintegrationAssessment.objects.get().total == 7


def test_edit_form_keeps_the_version_and_refuses_a_stale_one(client, personas):
    case = make_case(personas.amal)
    add_each(personas, case, 1)
    plan = CasePlan.objects.get()
    url = reverse("assistance:plan-edit", args=[case.pk, plan.pk])
    client.force_login(personas.amal)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    services.record_update(
        actor=personas.bilal,
        case_id=case.pk,
        kind=services.PLAN,
        record_id=plan.pk,
        version=1,
        data={"objectives": "Bilal's wording"},
    )

    response = client.post(
        url,
        {
            "plan_type": "Health",
            "objectives": "Amal's wording",
            "started_on": "2014-03-01",
            "status": "active",
            "version": "1",
        },
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert CasePlan.objects.get().objectives == "Bilal's wording"


def test_outsider_gets_404_on_every_page(client, personas):
    case = make_case(personas.amal)
    add_each(personas, case, 1)
    client.force_login(personas.ravi)
    plan = CasePlan.objects.get()
    for url in (
        overview(case),
        reverse("assistance:service-create", args=[case.pk]),
        reverse("assistance:plan-edit", args=[case.pk, plan.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("assistance:service-create", args=[case.pk]), service_form())
    assert response.status_code == 404
    assert ServiceDelivery.objects.count() == 1


def test_closed_case_takes_no_new_record(client, personas):
    case = drive_to(
        make_case(personas.amal), "closed", worker=personas.amal, manager=personas.bilal
    )
    client.force_login(personas.bilal)
    assert "the case is closed" in client.get(overview(case)).content.decode()
    response = client.post(
        reverse("assistance:service-create", args=[case.pk]),
        service_form(provider=personas.ngo.pk),
    )
    assert response.status_code == 422
    assert "reopen" in response.content.decode()
    assert not ServiceDelivery.objects.exists()


# --- the catalogue page ----------------------------------------------------------------------


def test_platform_administrator_adds_renames_and_deactivates_services(client, personas):
    client.force_login(personas.by_role[Role.PLATFORM_ADMINISTRATOR])
    url = reverse("assistance:service-types")
    assert "Reception on arrival" in client.get(url).content.decode()

    added = client.post(
        url,
        {
            "new-code": "cash-grant",
            "new-name": "Cash grant",
            "new-family": "reintegration",
            "new-sort_order": "9",
            "new-active": "on",
        },
    )
    grant = ServiceType.objects.get(code="cash-grant")
    renamed = client.post(
        reverse("assistance:service-type-edit", args=[grant.pk]),
        {
            f"type-{grant.pk}-name": "Start-up grant",
            f"type-{grant.pk}-family": "reintegration",
            f"type-{grant.pk}-sort_order": "9",
        },  # "active" unticked: no longer offered
    )

    assert added.status_code == 302 and renamed.status_code == 302
    grant.refresh_from_db()
    assert (grant.name, grant.active, grant.code) == ("Start-up grant", False, "cash-grant")
    assert "not offered" in client.get(url).content.decode()


def test_catalogue_page_refuses_a_duplicate_code(client, personas):
    client.force_login(personas.by_role[Role.PLATFORM_ADMINISTRATOR])
    before = ServiceType.objects.count()
    response = client.post(
        reverse("assistance:service-types"),
        {
            "new-code": "shelter",
            "new-name": "Shelter again",
            "new-family": "recovery",
            "new-sort_order": "0",
        },
    )
    assert response.status_code == 422
    assert ServiceType.objects.count() == before


def test_catalogue_page_query_count_does_not_grow(client, personas, django_assert_num_queries):
    admin = personas.by_role[Role.PLATFORM_ADMINISTRATOR]
    client.force_login(admin)
    url = reverse("assistance:service-types")
    client.get(url)  # session and caches warmed
    queries = 7
    with django_assert_num_queries(queries):
        assert "Reception on arrival" in client.get(url).content.decode()
    for n in range(5):
        services.service_type_create(
            actor=admin,
            data={"code": f"grant-{n}", "name": f"Grant {n}", "family": "reintegration"},
        )
    with django_assert_num_queries(queries):
        assert "Grant 4" in client.get(url).content.decode()


def test_only_platform_administrators_open_the_catalogue_page(client, personas):
    client.force_login(personas.bilal)
    assert client.get(reverse("assistance:service-types")).status_code == 403
