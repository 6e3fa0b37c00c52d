"""The case workflow: every pair of stages, who may take each step, closure approval,
version conflicts and what the audit log keeps (through the services and the API)."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pave.accounts.roles import Role
from pave.cases import selectors, services, workflow
from pave.cases.models import Case, CaseTransition
from pave.cases.tests.workflow_helpers import drive_to
from pave.core import codelists
from pave.core.models import AuditEvent
from pave.core.toolkit import ConflictError
from pave.notifications.models import Notification
from pave.testing import Api, make_case, make_user

pytestmark = pytest.mark.django_db

PAIRS = [(a, b) for a, b in itertools.product(workflow.STAGES, repeat=2) if a != b]


def setup_for(from_stage: str, to_stage: str) -> dict:
    """How to bring a case to `from_stage` so that the step to `to_stage`, if the graph has
    it, is allowed: a pending closure comes from the stage it would be sent back to, and
    asks for the outcome it would be approved as."""
    if from_stage != workflow.CLOSURE_REQUESTED:
        return {}
    if to_stage in workflow.OPEN_STAGES:
        return {"via": to_stage}
    return {"outcome": to_stage if to_stage in workflow.CLOSED_STAGES else ""}


def actor_for(personas, from_stage: str, to_stage: str):
    """A person whose role may take the step (the worker for moves and requests, the manager
    for decisions); for pairs that are no step at all, the manager: not even she may."""
    step = workflow.find(from_stage, to_stage)
    if step is not None and Role.CASE_WORKER in step.roles:
        return personas.amal
    return personas.bilal


def case_at(personas, stage: str, **kwargs) -> Case:
    return drive_to(
        make_case(personas.amal), stage, worker=personas.amal, manager=personas.bilal, **kwargs
    )


# --- the graph itself ------------------------------------------------------------------------


def test_workflow_stages_are_the_stored_case_stages():
    assert set(workflow.STAGES) == set(codelists.CaseStage.values)
    assert set(workflow.STAGES) == set(codelists.CASE_STAGE_STATUS)


def test_workflow_roles_are_pave_roles():
    assert set(Role.values) >= workflow.WORKFLOW_ROLES


def test_every_stage_can_be_left_and_closure_is_reachable_from_identification():
    reachable, frontier = {workflow.IDENTIFIED}, [workflow.IDENTIFIED]
    while frontier:
        stage = frontier.pop()
        assert workflow.allowed_next(stage), f"{stage} is a dead end"
        for step in workflow.allowed_next(stage):
            if step.to_stage not in reachable:
                reachable.add(step.to_stage)
                frontier.append(step.to_stage)
    assert reachable == set(workflow.STAGES)


def test_only_supervisors_close_and_reopen():
    for step in workflow.TRANSITIONS:
        if step.to_stage in workflow.CLOSED_STAGES or step.action == workflow.Action.REOPEN:
            assert step.roles == {Role.ADMINISTRATOR, Role.CASE_MANAGER}, step
    # and nothing reaches a closed stage except by approving a request
    closing = [t for t in workflow.TRANSITIONS if t.to_stage in workflow.CLOSED_STAGES]
    assert {t.from_stage for t in closing} == {workflow.CLOSURE_REQUESTED}


# --- every pair of stages, through the services -----------------------------------------------


@pytest.mark.parametrize(("from_stage", "to_stage"), PAIRS)
def test_each_pair_of_stages_is_allowed_or_refused_as_the_graph_says(
    personas, from_stage, to_stage
):
    case = case_at(personas, from_stage, **setup_for(from_stage, to_stage))
    actor = actor_for(personas, from_stage, to_stage)
    steps_before = CaseTransition.objects.filter(case=case).count()
    allowed = workflow.find(from_stage, to_stage) is not None

    if allowed:
        step = services.case_transition(
            actor=actor, case_id=case.pk, to_stage=to_stage, reason="why", version=case.version
        )
        case.refresh_from_db()
        assert (case.stage, case.version) == (to_stage, step.case_version)
        assert case.status == codelists.CASE_STAGE_STATUS[to_stage]
        assert (step.from_stage, step.to_stage, step.actor) == (from_stage, to_stage, actor)
        assert AuditEvent.objects.filter(object_id=str(case.pk), detail__transition=step.pk)
    else:
        with pytest.raises(ValidationError) as refused:
            services.case_transition(
                actor=actor, case_id=case.pk, to_stage=to_stage, reason="why", version=case.version
            )
        message = " ".join(refused.value.message_dict["to_stage"])
        pending = selectors.case_pending_closure(case=case)
        for allowed_step in workflow.allowed_next(
            from_stage, pending
        ):  # the refusal names them all
            assert f"({allowed_step.to_stage})" in message
        unchanged = Case.objects.get(pk=case.pk)
        assert (unchanged.stage, unchanged.version) == (from_stage, case.version)
        assert CaseTransition.objects.filter(case=case).count() == steps_before


# --- every pair of stages, through the API ----------------------------------------------------


@pytest.mark.parametrize(("from_stage", "to_stage"), PAIRS)
def test_api_answers_200_for_allowed_and_422_for_forbidden_transitions(
    client, personas, from_stage, to_stage
):
    case = case_at(personas, from_stage, **setup_for(from_stage, to_stage))
    api = Api(client, actor_for(personas, from_stage, to_stage))

    response = api.post(
        f"/cases/{case.pk}/transitions",
        {"to_stage": to_stage, "reason": "why", "version": case.version},
    )

    if workflow.find(from_stage, to_stage) is not None:
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["stage"], body["version"]) == (to_stage, case.version + 1)
        assert body["transition"]["from_stage"] == from_stage
    else:
        assert response.status_code == 422, response.content
        assert "to_stage" in response.json()["errors"]
        assert Case.objects.get(pk=case.pk).version == case.version


# --- who may take each step -------------------------------------------------------------------

EDGES = [(t.from_stage, t.to_stage) for t in workflow.TRANSITIONS]
# What a role of the case's own organisation gets for a step it may not take: 404 when the
# role does not see amal's case at all, 403 when it sees it but may not act.
SEES_AMALS_CASE = {Role.ADMINISTRATOR, Role.PROJECT_MANAGER, Role.CASE_MANAGER, Role.CASE_WORKER}


@pytest.mark.parametrize(("from_stage", "to_stage"), EDGES)
@pytest.mark.parametrize("role", Role.values)
def test_each_step_is_taken_only_by_the_roles_allowed_to(
    client, personas, role, from_stage, to_stage
):
    case = case_at(personas, from_stage, **setup_for(from_stage, to_stage))
    step = workflow.find(from_stage, to_stage)
    assert step is not None
    user = personas.by_role[role]
    if role not in SEES_AMALS_CASE:
        expected = 404
    elif role in step.roles and not (
        step.action == workflow.Action.APPROVE_CLOSURE and user == personas.amal
    ):
        expected = 200
    else:
        expected = 403

    response = Api(client, user).post(
        f"/cases/{case.pk}/transitions",
        {"to_stage": to_stage, "reason": "why", "version": case.version},
    )

    assert response.status_code == expected, response.content
    if expected != 200:
        assert Case.objects.get(pk=case.pk).stage == from_stage


@pytest.mark.parametrize("role", Role.values)
def test_other_organisations_get_404_for_every_step(client, personas, role):
    case = make_case(personas.amal)
    response = Api(client, personas.other_by_role[role]).post(
        f"/cases/{case.pk}/transitions", {"to_stage": "assessed", "reason": "x", "version": 1}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).stage == workflow.IDENTIFIED


# --- closure approval -------------------------------------------------------------------------


def test_case_worker_cannot_close_directly(personas):
    case = case_at(personas, workflow.FOLLOW_UP)
    with pytest.raises(ValidationError) as refused:
        services.case_transition(
            actor=personas.amal, case_id=case.pk, to_stage="closed", reason="x", version=4
        )
    assert "closure_requested" in str(refused.value)
    requested = case_at(personas, workflow.CLOSURE_REQUESTED)
    with pytest.raises(PermissionDenied):
        services.case_closure_approve(
            actor=personas.amal, case_id=requested.pk, reason="x", version=requested.version
        )
    assert Case.objects.get(pk=requested.pk).stage == workflow.CLOSURE_REQUESTED


def test_closure_request_notifies_the_organisations_case_managers(personas):
    colleague = make_user("hana", personas.ngo, Role.CASE_MANAGER)
    outsider_manager = personas.other_by_role[Role.CASE_MANAGER]
    case = case_at(personas, workflow.FOLLOW_UP)

    services.case_closure_request(
        actor=personas.amal, case_id=case.pk, reason="Back home, stable", version=case.version
    )

    notified = Notification.objects.filter(kind="approval_waiting")
    assert {n.user for n in notified} == {personas.bilal, colleague}
    assert outsider_manager not in {n.user for n in notified}
    row = notified.first()
    assert row is not None
    assert case.reference in row.message and f"/cases/{case.pk}/" == row.url
    assert case.person.given_name not in row.message and "Back home" not in row.message


def test_manager_sends_back_and_the_case_returns_to_where_it_was(client, personas):
    case = case_at(personas, workflow.CLOSURE_REQUESTED, via=workflow.FOLLOW_UP)
    bilal = Api(client, personas.bilal)

    # Not to another stage than the one the request came from…
    wrong = bilal.post(
        f"/cases/{case.pk}/transitions",
        {"to_stage": "assistance", "reason": "x", "version": case.version},
    )
    assert wrong.status_code == 422
    assert "follow_up" in wrong.json()["errors"]["to_stage"][0]

    response = bilal.post(
        f"/cases/{case.pk}/closure-send-back",
        {"reason": "Second follow-up visit first", "version": case.version},
    )

    assert response.status_code == 200, response.content
    assert response.json()["stage"] == workflow.FOLLOW_UP
    assert response.json()["transition"]["action"] == "send_back"
    assert response.json()["pending_closure"] is None


def test_full_closure_flow_request_send_back_request_approve_reopen(client, personas):
    case = make_case(personas.amal)
    amal, bilal = Api(client, personas.amal), Api(client, personas.bilal)
    version = case.version

    def step(api, path, **body):
        nonlocal version
        response = api.post(f"/cases/{case.pk}/{path}", {"reason": "r", "version": version, **body})
        assert response.status_code == 200, response.content
        version = response.json()["version"]
        return response.json()

    assert step(amal, "closure-request")["pending_closure"]["requested_by"] == "amal"
    assert step(bilal, "closure-send-back")["stage"] == workflow.IDENTIFIED
    waiting = step(amal, "closure-request", outcome="closed_referred")
    assert waiting["pending_closure"]["outcome"] == "closed_referred"
    assert [s["action"] for s in waiting["next_steps"]] == []  # amal only waits
    workflow_for_bilal = bilal.get(f"/cases/{case.pk}/workflow").json()
    assert [s["to_stage"] for s in workflow_for_bilal["next_steps"]] == [
        "closed_referred",
        "identified",
    ]
    closed = step(bilal, "closure-approve")
    assert (closed["stage"], closed["status"]) == ("closed_referred", "ClosedReferred")
    reopened = step(bilal, "reopen")
    assert (reopened["stage"], reopened["status"]) == ("assistance", "Active")
    steps = CaseTransition.objects.filter(case=case).order_by("at", "id")
    actions = list(steps.values_list("action", flat=True))
    assert actions == [
        "request_closure",
        "send_back",
        "request_closure",
        "approve_closure",
        "reopen",
    ]


def test_whoever_requested_a_closure_does_not_approve_it(client, personas):
    case = case_at(personas, workflow.CLOSURE_REQUESTED, requester=personas.bilal)

    own = Api(client, personas.bilal).post(
        f"/cases/{case.pk}/closure-approve", {"reason": "fine", "version": case.version}
    )
    assert own.status_code == 403
    assert "another case manager" in own.json()["detail"]
    admin = personas.by_role[Role.ADMINISTRATOR]
    other = Api(client, admin).post(
        f"/cases/{case.pk}/closure-approve", {"reason": "fine", "version": case.version}
    )
    assert other.status_code == 200
    assert other.json()["stage"] == workflow.CLOSED


def test_dedicated_steps_refuse_a_case_in_the_wrong_stage(client, personas):
    case = make_case(personas.amal)
    bilal = Api(client, personas.bilal)
    for path in ("closure-approve", "closure-send-back", "reopen"):
        response = bilal.post(f"/cases/{case.pk}/{path}", {"reason": "x", "version": 1})
        assert response.status_code == 422, path
        assert "Identified" in response.json()["errors"]["__all__"][0]
    closed = case_at(personas, workflow.CLOSED)
    again = bilal.post(
        f"/cases/{closed.pk}/closure-request", {"reason": "x", "version": closed.version}
    )
    assert again.status_code == 422


def test_a_reason_is_required_and_an_unknown_outcome_refused(client, personas):
    case = make_case(personas.amal)
    amal = Api(client, personas.amal)
    blank = amal.post(f"/cases/{case.pk}/closure-request", {"reason": "  ", "version": 1})
    odd = amal.post(
        f"/cases/{case.pk}/closure-request", {"reason": "x", "version": 1, "outcome": "gone"}
    )
    missing = amal.post(f"/cases/{case.pk}/transitions", {"to_stage": "assessed", "version": 1})
    assert blank.status_code == 422 and "reason" in blank.json()["errors"]
    assert odd.status_code == 422 and "outcome" in odd.json()["errors"]
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    assert not CaseTransition.objects.exists()
    assert Case.objects.get(pk=case.pk).version == 1


# --- version conflicts ------------------------------------------------------------------------


def test_stale_version_gets_409_and_nothing_is_written(client, personas):
    case = make_case(personas.amal)
    services.case_transition(
        actor=personas.bilal, case_id=case.pk, to_stage="assessed", reason="x", version=1
    )

    response = Api(client, personas.amal).post(
        f"/cases/{case.pk}/closure-request", {"reason": "based on version 1", "version": 1}
    )

    assert response.status_code == 409
    assert "version" in response.json()["errors"]
    case.refresh_from_db()
    assert (case.stage, case.version) == ("assessed", 2)
    assert CaseTransition.objects.filter(case=case).count() == 1


def test_a_step_and_a_case_edit_cannot_both_use_the_same_version(personas):
    case = make_case(personas.amal)
    services.case_transition(
        actor=personas.amal, case_id=case.pk, to_stage="assessed", reason="x", version=1
    )
    with pytest.raises(ConflictError):
        services.case_update(actor=personas.amal, case_id=case.pk, version=1, case={"summary": "s"})
    with pytest.raises(ConflictError):
        services.case_transition(
            actor=personas.amal, case_id=case.pk, to_stage="assistance", reason="x", version=1
        )


# --- audit ------------------------------------------------------------------------------------


def test_each_step_is_audited_with_the_reasons_presence_but_not_its_text(personas):
    case = make_case(personas.amal)
    secret = "She fears her former employer in Achrafieh"

    services.case_closure_request(actor=personas.amal, case_id=case.pk, reason=secret, version=1)

    event = AuditEvent.objects.get(action="case.closure.request", object_id=str(case.pk))
    assert event.actor == personas.amal
    assert event.detail["reason_given"] is True
    assert (event.detail["from"], event.detail["to"]) == ("identified", "closure_requested")
    assert "transition.reason" in event.fields
    everything = str(list(AuditEvent.objects.values()))
    assert "Achrafieh" not in everything
    assert CaseTransition.objects.get(case=case).reason == secret


def test_project_manager_reads_the_workflow_but_takes_no_step(client, personas):
    case = make_case(personas.amal)
    manager = Api(client, personas.by_role[Role.PROJECT_MANAGER])
    view = manager.get(f"/cases/{case.pk}/workflow")
    assert view.status_code == 200
    assert view.json()["next_steps"] == []
    refused = manager.post(
        f"/cases/{case.pk}/transitions", {"to_stage": "assessed", "reason": "x", "version": 1}
    )
    assert refused.status_code == 403
