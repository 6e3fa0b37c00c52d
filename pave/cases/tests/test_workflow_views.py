"""The case page's stage section: the steps offered to each person, and the small forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pave.accounts.roles import Role
from pave.cases import services, workflow
from pave.cases.models import Case, CaseTransition
from pave.cases.tests.workflow_helpers import drive_to
from pave.testing import make_case

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def stage_url(case):
    return reverse("assistance:stage", args=[case.pk])


def test_case_page_offers_the_workers_next_steps_and_links_to_assistance(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)

    html = client.get(detail(case)).content.decode()

    assert "Current stage: <strong>Identified</strong>" in html
    assert "Move to “Assessed”" in html and "Request closure" in html
    assert f'action="{stage_url(case)}"' in html
    assert 'name="version" value="1"' in html
    assert "Approve closure" not in html and "Reopen" not in html
    for url in (
        reverse("assistance:case", args=[case.pk]) + "#services",
        reverse("assistance:case", args=[case.pk]) + "#plans",
        reverse("assistance:case", args=[case.pk]) + "#follow-ups",
        reverse("assistance:case", args=[case.pk]) + "#reintegration",
        reverse("assistance:timeline", args=[case.pk]),
    ):
        assert f'href="{url}"' in html


def test_project_manager_sees_the_stage_but_no_step(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.by_role[Role.PROJECT_MANAGER])
    html = client.get(detail(case)).content.decode()
    assert "Current stage" in html and f'action="{stage_url(case)}"' not in html
    response = client.post(stage_url(case), {"to_stage": "assessed", "reason": "x", "version": 1})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).stage == "identified"


def test_worker_moves_the_case_with_a_reason(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)

    response = client.post(
        stage_url(case), {"to_stage": "assessed", "reason": "Interview done", "version": 1}
    )

    assert response.status_code == 302 and response["Location"] == detail(case)
    case.refresh_from_db()
    assert (case.stage, case.version) == ("assessed", 2)
    assert CaseTransition.objects.get(case=case).reason == "Interview done"
    assert "Moved" in client.get(detail(case)).content.decode()


def test_missing_reason_or_forbidden_step_re_renders_with_the_problem(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)

    blank = client.post(stage_url(case), {"to_stage": "assessed", "reason": "", "version": 1})
    closing = client.post(stage_url(case), {"to_stage": "closed", "reason": "done", "version": 1})

    assert blank.status_code == 422 and "The stage was not changed" in blank.content.decode()
    assert closing.status_code == 422
    assert "cannot move to “Closed”" in closing.content.decode()
    assert 'role="alert"' in closing.content.decode()
    assert not CaseTransition.objects.exists()


def test_stale_form_says_someone_else_changed_the_case(client, personas):
    case = make_case(personas.amal)
    services.case_transition(
        actor=personas.bilal, case_id=case.pk, to_stage="assessed", reason="x", version=1
    )
    client.force_login(personas.amal)

    response = client.post(
        stage_url(case), {"to_stage": "closure_requested", "reason": "mine", "version": 1}
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert Case.objects.get(pk=case.pk).stage == "assessed"


def test_outsider_gets_404_posting_a_step(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.ravi)
    response = client.post(stage_url(case), {"to_stage": "assessed", "reason": "x", "version": 1})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).stage == "identified"


def test_manager_sees_the_pending_request_and_approves_it(client, personas):
    case = drive_to(
        make_case(personas.amal),
        workflow.CLOSURE_REQUESTED,
        worker=personas.amal,
        manager=personas.bilal,
        via=workflow.FOLLOW_UP,
    )
    client.force_login(personas.amal)
    waiting = client.get(detail(case)).content.decode()
    assert "Waiting for a case manager" in waiting and "Approve closure" not in waiting

    client.force_login(personas.bilal)
    html = client.get(detail(case)).content.decode()
    assert "<bdi>amal</bdi> asked on" in html and "all done" in html
    assert "Approve closure as “Closed”" in html and "Send back to “Follow-up”" in html

    response = client.post(
        stage_url(case), {"to_stage": "closed", "reason": "Agreed", "version": case.version}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.status) == ("closed", "Closed")
    assert "Reopen the case" in client.get(detail(case)).content.decode()


def test_worker_requests_closure_as_closed_by_referral(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    response = client.post(
        stage_url(case),
        {
            "to_stage": "closure_requested",
            "outcome": "closed_referred",
            "reason": "Referred to Caritas",
            "version": 1,
        },
    )
    assert response.status_code == 302
    step = CaseTransition.objects.get(case=case)
    assert (step.action, step.requested_stage) == ("request_closure", "closed_referred")
