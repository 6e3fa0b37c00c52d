"""The case stage graph and who may take each step. Plain Python: no Django imports.

    identified ──► assessed ──► assistance ◄──► follow_up
        │              │             │              │
        └──────────────┴──── request closure ───────┘
                               ▼
                       closure_requested ──(send back: to the stage it came from)──► …
                               │
                    approve (manager)
                               ▼
                  closed  /  closed_referred ──(reopen, manager)──► assistance

Stage values are the stored values of `pave.core.codelists.CaseStage`; role values those of
`pave.accounts.roles.Role` (tests check that both stay in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

IDENTIFIED = "identified"
ASSESSED = "assessed"
ASSISTANCE = "assistance"
FOLLOW_UP = "follow_up"
CLOSURE_REQUESTED = "closure_requested"
CLOSED = "closed"
CLOSED_REFERRED = "closed_referred"

OPEN_STAGES = (IDENTIFIED, ASSESSED, ASSISTANCE, FOLLOW_UP)
CLOSED_STAGES = (CLOSED, CLOSED_REFERRED)
STAGES = (*OPEN_STAGES, CLOSURE_REQUESTED, *CLOSED_STAGES)
# What a closure request may ask for: a plain closure, or closure because the case was referred.
CLOSURE_OUTCOMES = CLOSED_STAGES

ADMINISTRATOR = "administrator"
CASE_MANAGER = "case_manager"
CASE_WORKER = "case_worker"

# Case management roles move cases along; only supervisors close and reopen them.
CASE_HANDLERS = frozenset({ADMINISTRATOR, CASE_MANAGER, CASE_WORKER})
SUPERVISORS = frozenset({ADMINISTRATOR, CASE_MANAGER})


class Action(StrEnum):
    MOVE = "move"
    REQUEST_CLOSURE = "request_closure"
    APPROVE_CLOSURE = "approve_closure"
    SEND_BACK = "send_back"
    REOPEN = "reopen"


ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.MOVE: CASE_HANDLERS,
    Action.REQUEST_CLOSURE: CASE_HANDLERS,
    Action.APPROVE_CLOSURE: SUPERVISORS,
    Action.SEND_BACK: SUPERVISORS,
    Action.REOPEN: SUPERVISORS,
}
# Every role that takes part in the workflow at all.
WORKFLOW_ROLES = frozenset().union(*ACTION_ROLES.values())


@dataclass(frozen=True)
class Transition:
    from_stage: str
    to_stage: str
    action: Action

    @property
    def roles(self) -> frozenset[str]:
        return ACTION_ROLES[self.action]


def _edges() -> tuple[Transition, ...]:
    moves = [
        (IDENTIFIED, ASSESSED),
        (ASSESSED, ASSISTANCE),
        (ASSISTANCE, FOLLOW_UP),
        (FOLLOW_UP, ASSISTANCE),
    ]
    edges = [Transition(a, b, Action.MOVE) for a, b in moves]
    edges += [Transition(s, CLOSURE_REQUESTED, Action.REQUEST_CLOSURE) for s in OPEN_STAGES]
    edges += [Transition(CLOSURE_REQUESTED, s, Action.APPROVE_CLOSURE) for s in CLOSED_STAGES]
    # Sending back is only ever to the stage the request came from (see allowed_next).
    edges += [Transition(CLOSURE_REQUESTED, s, Action.SEND_BACK) for s in OPEN_STAGES]
    edges += [Transition(s, ASSISTANCE, Action.REOPEN) for s in CLOSED_STAGES]
    return tuple(edges)


TRANSITIONS: tuple[Transition, ...] = _edges()
_BY_PAIR = {(t.from_stage, t.to_stage): t for t in TRANSITIONS}


@dataclass(frozen=True)
class Pending:
    """The closure request a case in CLOSURE_REQUESTED is waiting on."""

    return_stage: str  # where "send back" returns the case
    outcome: str  # what approval closes it as: CLOSED or CLOSED_REFERRED
    requested_by: int | None  # user id, for the four-eyes rule


def find(from_stage: str, to_stage: str) -> Transition | None:
    """The edge of the graph from one stage to another, or None."""
    return _BY_PAIR.get((from_stage, to_stage))


def allowed_next(stage: str, pending: Pending | None = None) -> list[Transition]:
    """Every step out of `stage`, whoever takes it. A pending closure narrows the way out to
    approving its outcome or sending the case back to where it came from."""
    steps = [t for t in TRANSITIONS if t.from_stage == stage]
    if stage == CLOSURE_REQUESTED and pending is not None:
        steps = [
            t
            for t in steps
            if (t.action == Action.APPROVE_CLOSURE and t.to_stage == pending.outcome)
            or (t.action == Action.SEND_BACK and t.to_stage == pending.return_stage)
        ]
    return steps


def may(role: str, transition: Transition) -> bool:
    return role in transition.roles


class Refusal(Exception):
    """Why a step may not be taken. `kind` says whether the step itself is wrong ("stage")
    or this person may not take it ("role", "own_request")."""

    def __init__(self, kind: str, allowed: list[Transition]):
        super().__init__(kind)
        self.kind = kind
        self.allowed = allowed


def check(
    *,
    role: str,
    user_id: int | None,
    from_stage: str,
    to_stage: str,
    action: Action | None = None,
    pending: Pending | None = None,
) -> Transition:
    """The transition if `role` may take it now; otherwise raise Refusal.

    `action`, when given, is the step the caller meant (a closure approval, a reopening…): a
    target stage reached by another kind of step is refused as a wrong stage.
    """
    allowed = allowed_next(from_stage, pending)
    step = next((t for t in allowed if t.to_stage == to_stage), None)
    if step is None or (action is not None and step.action != action):
        raise Refusal("stage", allowed)
    if not may(role, step):
        raise Refusal("role", allowed)
    if (
        step.action == Action.APPROVE_CLOSURE
        and pending is not None
        and pending.requested_by is not None
        and pending.requested_by == user_id
    ):
        # Four eyes: whoever asked for the closure does not also approve it.
        raise Refusal("own_request", allowed)
    return step


def steps_for(
    *, role: str, user_id: int | None, stage: str, pending: Pending | None = None
) -> list[Transition]:
    """The steps this person may take from `stage` (the buttons a page offers)."""
    steps = []
    for step in allowed_next(stage, pending):
        try:
            check(
                role=role,
                user_id=user_id,
                from_stage=stage,
                to_stage=step.to_stage,
                action=step.action,
                pending=pending,
            )
        except Refusal:
            continue
        steps.append(step)
    return steps
