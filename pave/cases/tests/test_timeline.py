"""The case timeline: everything in order, a bounded number of queries, audited reads."""

from __future__ import annotations

import datetime

import pytest

from pave.accounts.roles import Role
from pave.assistance import services as assistance
from pave.assistance.models import ServiceType
from pave.cases import selectors, services
from pave.core.models import AuditEvent
from pave.testing import Api, make_case

pytestmark = pytest.mark.django_db

D = datetime.date


def add_records(personas, case, n: int) -> None:
    """n records of every kind the timeline shows, on successive days of February 2014."""
    start = D(2014, 2, 1)
    shelter = ServiceType.objects.get(code="shelter")
    amal = personas.amal
    for i in range(n):
        day = start + datetime.timedelta(days=i)
        case.refresh_from_db()
        services.case_note_add(actor=amal, case_id=case.pk, body=f"note {i}")
        assistance.service_delivery_record(
            actor=amal,
            case_id=case.pk,
            data={"service_type": shelter, "delivered_on": day, "cost": "10", "currency": "USD"},
        )
        assistance.case_plan_create(
            actor=amal,
            case_id=case.pk,
            data={"plan_type": "Health", "objectives": f"plan {i}", "started_on": day},
        )
        assistance.follow_up_schedule(
            actor=amal,
            case_id=case.pk,
            data={"due_on": day, "done_on": day, "outcome": "stable", "notes": f"visit {i}"},
        )
        assistance.reintegration_assess(
            actor=amal,
            case_id=case.pk,
            data={
                "assessed_on": day,
                "economic_score": 1,
                "social_score": 2,
                "psychosocial_score": 3,
            },
        )


def test_timeline_puts_everything_in_the_order_it_happened(personas):
    case = make_case(personas.amal, identification_date=D(2014, 1, 10))
    amal = personas.amal
    shelter = ServiceType.objects.get(code="shelter")
    # Recorded out of order on purpose: the timeline orders by when things happened.
    assistance.reintegration_assess(
        actor=amal,
        case_id=case.pk,
        data={
            "assessed_on": D(2014, 5, 1),
            "economic_score": 2,
            "social_score": 2,
            "psychosocial_score": 1,
        },
    )
    assistance.service_delivery_record(
        actor=amal, case_id=case.pk, data={"service_type": shelter, "delivered_on": D(2014, 3, 1)}
    )
    assistance.follow_up_schedule(
        actor=amal,
        case_id=case.pk,
        data={"due_on": D(2014, 4, 1), "done_on": D(2014, 4, 3), "outcome": "needs_support"},
    )
    assistance.case_plan_create(
        actor=amal,
        case_id=case.pk,
        data={"plan_type": "Livelihood", "objectives": "A small shop", "started_on": D(2014, 2, 1)},
    )
    services.case_transition(
        actor=amal, case_id=case.pk, to_stage="assessed", reason="Interviewed", version=1
    )
    services.case_note_add(actor=amal, case_id=case.pk, body="Called her sister")

    entries = selectors.case_timeline(case=case)

    assert [e.kind for e in entries] == [
        "case",
        "plan",
        "service",
        "follow_up",
        "reintegration",
        "transition",
        "note",
    ]
    assert [e.day for e in entries[:5]] == [
        D(2014, 1, 10),
        D(2014, 2, 1),
        D(2014, 3, 1),
        D(2014, 4, 3),
        D(2014, 5, 1),
    ]
    transition = entries[5]
    assert (transition.text, transition.actor) == ("Interviewed", "amal")
    assert "Identified → Assessed" in transition.detail
    assert entries[6].text == "Called her sister"
    assert entries[2].title == "Service: Shelter"


def test_timeline_shows_closure_requests_and_decisions(personas):
    case = make_case(personas.amal)
    services.case_closure_request(actor=personas.amal, case_id=case.pk, reason="Stable", version=1)
    services.case_closure_send_back(
        actor=personas.bilal, case_id=case.pk, reason="Visit her once more", version=2
    )

    entries = selectors.case_timeline(case=case)

    assert [(e.title, e.text, e.actor) for e in entries if e.kind == "transition"] == [
        ("Closure requested", "Stable", "amal"),
        ("Closure sent back", "Visit her once more", "bilal"),
    ]


def test_timeline_needs_the_same_number_of_queries_for_2_and_10_entries_per_kind(
    personas, django_assert_num_queries
):
    few, many = make_case(personas.amal), make_case(personas.amal)
    add_records(personas, few, 2)
    add_records(personas, many, 10)

    few, many = scoped(few), scoped(many)
    queries = 7
    with django_assert_num_queries(queries):
        assert len(selectors.case_timeline(case=few)) == 1 + 2 * 5
    with django_assert_num_queries(queries):
        assert len(selectors.case_timeline(case=many)) == 1 + 10 * 5


def scoped(case):
    """The case as a view obtains it (through the scoped lookup, with its joins)."""
    return selectors.case_get_for_user(user=case.assigned_to, case_id=case.pk)


def test_timeline_api_query_count_does_not_grow_with_entries(
    client, personas, django_assert_num_queries
):
    few, many = make_case(personas.amal), make_case(personas.amal)
    add_records(personas, few, 2)
    add_records(personas, many, 10)
    api = Api(client, personas.bilal)
    api.get(f"/cases/{few.pk}/timeline")  # warm up

    queries = 12  # the timeline read is audited
    with django_assert_num_queries(queries):
        assert len(api.get(f"/cases/{few.pk}/timeline").json()["entries"]) == 11
    with django_assert_num_queries(queries):
        assert len(api.get(f"/cases/{many.pk}/timeline").json()["entries"]) == 51


def test_reading_the_timeline_is_audited_with_field_names_only(client, personas):
    case = make_case(personas.amal)
    services.case_note_add(actor=personas.amal, case_id=case.pk, body="Talked about her debt")

    response = Api(client, personas.amal).get(f"/cases/{case.pk}/timeline")

    assert response.status_code == 200
    assert response.json()["entries"][-1]["text"] == "Talked about her debt"
    event = AuditEvent.objects.get(action="case.timeline.read")
    assert {"note.body", "transition.reason", "service.notes", "plan.objectives"} <= set(
        event.fields
    )
    assert "debt" not in str(event.detail)


def test_timeline_page_lists_entries_and_is_scoped(client, personas):
    case = make_case(personas.amal)
    services.case_transition(
        actor=personas.amal,
        case_id=case.pk,
        to_stage="assessed",
        reason="Interview done",
        version=1,
    )
    client.force_login(personas.amal)

    page = client.get(f"/assistance/cases/{case.pk}/timeline/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Case opened" in html and "Interview done" in html and "personal-data-banner" in html
    client.force_login(personas.ravi)
    assert client.get(f"/assistance/cases/{case.pk}/timeline/").status_code == 404
    client.force_login(personas.by_role[Role.DONOR_VIEWER])
    assert client.get(f"/assistance/cases/{case.pk}/timeline/").status_code == 404
