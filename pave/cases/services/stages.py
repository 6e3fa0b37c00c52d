"""A case's stages: moves with reasons, the four-eyes closure, reopening and the timeline."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from pave.accounts.models import User
from pave.accounts.roles import Role
from pave.cases import selectors, workflow
from pave.cases.models import Case, CaseTransition
from pave.cases.selectors import TimelineEntry, case_get_for_user
from pave.core import codelists
from pave.core.audit import audit_record
from pave.core.toolkit import ConflictError, raise_if
from pave.notifications.services import notify

# --- workflow --------------------------------------------------------------------------------

REASON_MAX_LENGTH = 4000
_STEP_AUDIT_ACTIONS = {
    workflow.Action.MOVE: "case.stage.move",
    workflow.Action.REQUEST_CLOSURE: "case.closure.request",
    workflow.Action.APPROVE_CLOSURE: "case.closure.approve",
    workflow.Action.SEND_BACK: "case.closure.send_back",
    workflow.Action.REOPEN: "case.reopen",
}
_ROLE_REFUSALS = {
    workflow.Action.MOVE: _lazy(
        "Only case workers, case managers and administrators change a case's stage."
    ),
    workflow.Action.REQUEST_CLOSURE: _lazy(
        "Only case workers, case managers and administrators request a closure."
    ),
    workflow.Action.APPROVE_CLOSURE: _lazy(
        "Only a case manager or an administrator approves a closure. Request the closure "
        "instead: a case manager will be asked to approve it."
    ),
    workflow.Action.SEND_BACK: _lazy(
        "Only a case manager or an administrator sends a closure request back."
    ),
    workflow.Action.REOPEN: _lazy("Only a case manager or an administrator reopens a case."),
}


def stage_label(stage: str) -> str:
    return str(dict(codelists.CaseStage.choices).get(stage, stage))


def _refused_stage_message(from_stage: str, to_stage: str, allowed: list[Any]) -> str:
    names = ", ".join(f"“{stage_label(t.to_stage)}” ({t.to_stage})" for t in allowed)
    return _(
        "A case in the stage “%(from)s” cannot move to “%(to)s”. "
        "From “%(from)s” it can move to: %(allowed)s."
    ) % {
        "from": stage_label(from_stage),
        "to": stage_label(to_stage) if to_stage else "—",
        "allowed": names or _("nothing"),
    }


def _clean_reason(reason: str) -> tuple[str, list[str]]:
    reason = (reason or "").strip()
    if not reason:
        return reason, [_("Give the reason for this step.")]
    if len(reason) > REASON_MAX_LENGTH:
        return reason, [_("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH}]
    return reason, []


def _target_stage(
    action: workflow.Action | None, to_stage: str | None, pending: workflow.Pending | None
) -> str:
    """The stage a dedicated step leads to, known only once the case is locked."""
    if to_stage is not None:
        return to_stage
    if action == workflow.Action.APPROVE_CLOSURE:
        return pending.outcome if pending else workflow.CLOSED
    if action == workflow.Action.SEND_BACK:
        return pending.return_stage if pending else ""
    return workflow.ASSISTANCE  # reopen


def _notify_managers(*, actor: User, case: Case) -> None:
    """Tell the organisation's case managers (or, if it has none, its administrators) that a
    closure waits for their approval. The message holds only the pseudonymous reference."""

    colleagues = User.objects.filter(organisation_id=case.organisation_id, is_active=True).exclude(
        pk=actor.pk
    )
    recipients = list(colleagues.filter(role=Role.CASE_MANAGER)) or list(
        colleagues.filter(role=Role.ADMINISTRATOR)
    )
    if not recipients:
        return
    notify(
        recipients=recipients,
        kind="approval_waiting",
        message=_("Case %(reference)s: a closure waits for your approval.")
        % {"reference": case.reference},
        url=reverse("cases:detail", args=[case.pk]),
    )


def _allowed_step(
    actor: User,
    case: Case,
    target: str,
    action: workflow.Action | None,
    pending: workflow.Pending | None,
) -> tuple[workflow.Transition | None, dict[str, list[str]]]:
    """The step to `target` if the graph has it and the actor may take it; a wrong stage is
    a validation error (returned, to be reported with the others), a wrong person a 403."""
    try:
        step = workflow.check(
            role=actor.role,
            user_id=actor.pk,
            from_stage=case.stage,
            to_stage=target,
            action=action,
            pending=pending,
        )
    except workflow.Refusal as refusal:
        if refusal.kind == "own_request":
            raise PermissionDenied(
                _(
                    "You asked for this closure: another case manager or an administrator "
                    "must approve it."
                )
            ) from None
        wanted = workflow.find(case.stage, target)
        if refusal.kind == "role" and wanted is not None:
            raise PermissionDenied(str(_ROLE_REFUSALS[wanted.action])) from None
        key = "to_stage" if action is None else "__all__"
        return None, {key: [_refused_stage_message(case.stage, target, refusal.allowed)]}
    return step, {}


@transaction.atomic
def _take_step(
    *,
    actor: User,
    case_id: int,
    reason: str,
    version: int,
    to_stage: str | None = None,
    action: workflow.Action | None = None,
    outcome: str = workflow.CLOSED,
) -> CaseTransition:
    """Move a case one step along the workflow (see pave.cases.workflow).

    Order of refusals: 404 for a case the actor cannot see, 403 for a role outside the
    workflow, ConflictError for a stale `version`, ValidationError for a step the graph does
    not allow from the current stage (naming the allowed ones) or a missing reason, and 403
    for a step this role may not take.
    """
    scoped = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in workflow.WORKFLOW_ROLES:
        raise PermissionDenied(_("Your role cannot change a case's stage."))
    case = Case.objects.select_for_update(of=("self",)).get(pk=scoped.pk)
    if case.version != version:
        raise ConflictError(case.version)
    pending = selectors.case_pending_closure(case=case)
    target = _target_stage(action, to_stage, pending)
    step, errors = _allowed_step(actor, case, target, action, pending)
    reason, reason_errors = _clean_reason(reason)
    if reason_errors:
        errors["reason"] = reason_errors
    if (
        step
        and step.action == workflow.Action.REQUEST_CLOSURE
        and outcome not in workflow.CLOSURE_OUTCOMES
    ):
        errors["outcome"] = [
            _("Choose %(a)s or %(b)s.") % {"a": workflow.CLOSED, "b": workflow.CLOSED_REFERRED}
        ]
    raise_if(errors)
    assert step is not None  # no errors means the graph allowed a step
    return _record_step(actor=actor, case=case, step=step, reason=reason, outcome=outcome)


def _record_step(
    *, actor: User, case: Case, step: workflow.Transition, reason: str, outcome: str
) -> CaseTransition:
    case.stage = step.to_stage
    case.status = codelists.CASE_STAGE_STATUS[step.to_stage]
    case.version += 1
    case.save(update_fields=["stage", "status", "version", "updated_at"])
    is_request = step.action == workflow.Action.REQUEST_CLOSURE
    transition = CaseTransition.objects.create(
        case=case,
        action=step.action,
        from_stage=step.from_stage,
        to_stage=step.to_stage,
        requested_stage=outcome if is_request else "",
        actor=actor,
        reason=reason,
        case_version=case.version,
    )
    # The reason is personal data: the log says that one was given, never what it says.
    audit_record(
        actor=actor,
        action=_STEP_AUDIT_ACTIONS[step.action],
        obj=case,
        fields=["stage", "status", "transition.reason"],
        detail={
            "transition": transition.pk,
            "from": step.from_stage,
            "to": step.to_stage,
            "reason_given": bool(reason),
            **({"requested": outcome} if is_request else {}),
        },
    )
    if is_request:
        _notify_managers(actor=actor, case=case)
    return transition


def case_transition(
    *,
    actor: User,
    case_id: int,
    to_stage: str,
    reason: str,
    version: int,
    outcome: str = workflow.CLOSED,
) -> CaseTransition:
    """Take whichever step of the graph leads from the case's stage to `to_stage` (a move, a
    closure request — `outcome` says closed or closed_referred —, an approval, a send-back or
    a reopening), if the actor's role may take it."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        to_stage=to_stage,
        reason=reason,
        version=version,
        outcome=outcome,
    )


def case_closure_request(
    *, actor: User, case_id: int, reason: str, version: int, outcome: str = workflow.CLOSED
) -> CaseTransition:
    """Ask a case manager to close the case (as `closed`, or `closed_referred` when it was
    closed by referral); the organisation's case managers are notified."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        to_stage=workflow.CLOSURE_REQUESTED,
        action=workflow.Action.REQUEST_CLOSURE,
        reason=reason,
        version=version,
        outcome=outcome,
    )


def case_closure_approve(*, actor: User, case_id: int, reason: str, version: int) -> CaseTransition:
    """Close the case as its pending request asked (case managers and administrators, not
    the person who requested it)."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        action=workflow.Action.APPROVE_CLOSURE,
        reason=reason,
        version=version,
    )


def case_closure_send_back(
    *, actor: User, case_id: int, reason: str, version: int
) -> CaseTransition:
    """Refuse the pending closure: the case returns to the stage it was requested from."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        action=workflow.Action.SEND_BACK,
        reason=reason,
        version=version,
    )


def case_reopen(*, actor: User, case_id: int, reason: str, version: int) -> CaseTransition:
    """Reopen a closed case: it goes back to receiving assistance."""
    return _take_step(
        actor=actor,
        case_id=case_id,
        action=workflow.Action.REOPEN,
        reason=reason,
        version=version,
    )


@transaction.atomic
def case_timeline_read(*, actor: User, case_id: int) -> tuple[Case, list[TimelineEntry]]:
    """A case and its timeline for display, recording the read of the free text it shows."""
    case = case_get_for_user(user=actor, case_id=case_id)
    entries = selectors.case_timeline(case=case)
    audit_record(
        actor=actor, action="case.timeline.read", obj=case, fields=selectors.timeline_fields()
    )
    return case, entries
