"""Helpers for the workflow and assistance tests: a way to bring a case to any stage through
the real services (never by setting the stage by hand)."""

from __future__ import annotations

from typing import Any

from pave.cases import services, workflow
from pave.cases.models import Case

# The moves that lead from "identified" to each open stage.
PATH_TO = {
    workflow.IDENTIFIED: [],
    workflow.ASSESSED: [workflow.ASSESSED],
    workflow.ASSISTANCE: [workflow.ASSESSED, workflow.ASSISTANCE],
    workflow.FOLLOW_UP: [workflow.ASSESSED, workflow.ASSISTANCE, workflow.FOLLOW_UP],
}


def drive_to(
    case: Case,
    stage: str,
    *,
    worker: Any,
    manager: Any,
    via: str = workflow.ASSISTANCE,
    requester: Any = None,
    outcome: str = "",
) -> Case:
    """Take `case` (at "identified") to `stage`: open stages by their moves; the closure
    stages through a request from `via` (by `requester`, default the worker) and, for
    closed ones, the manager's approval. Returns the case as saved."""
    open_stage = stage if stage in workflow.OPEN_STAGES else via
    for step in PATH_TO[open_stage]:
        case.refresh_from_db()
        services.case_transition(
            actor=worker, case_id=case.pk, to_stage=step, reason="moving on", version=case.version
        )
    if stage not in workflow.OPEN_STAGES:
        case.refresh_from_db()
        services.case_closure_request(
            actor=requester or worker,
            case_id=case.pk,
            reason="all done",
            version=case.version,
            outcome=outcome
            or (workflow.CLOSED_REFERRED if stage == workflow.CLOSED_REFERRED else "closed"),
        )
    if stage in workflow.CLOSED_STAGES:
        case.refresh_from_db()
        services.case_closure_approve(
            actor=manager, case_id=case.pk, reason="agreed", version=case.version
        )
    case.refresh_from_db()
    assert case.stage == stage
    return case
