"""The 89 cases: opened through `case_open`, each given a story (what the person received,
planned as data) and taken through the workflow to the stage it had reached on DEMO_AS_OF.

Each case's story is planned first (`story_for`, `plan_referrals`: pure and seeded, one
generator per case so that a change to one case's story leaves the others alone), then told
through the services of the apps that own the records.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from pave.accounts.models import Office, User
from pave.accounts.roles import Role
from pave.cases.models import Case, CaseTransition
from pave.cases.services import (
    case_closure_approve,
    case_closure_request,
    case_open,
    case_transition,
)
from pave.demo import data
from pave.demo.assistance import (
    plan_at_least_one_service,
    plan_case_plans,
    plan_follow_up,
    plan_recovery,
    plan_reintegration,
    plan_return,
    plan_return_prepared,
)
from pave.demo.common import DEMO_AS_OF, DEMO_SEED, at_time, clamp, delta_days
from pave.demo.consents import plan_consents
from pave.demo.people import demo_profiles, fix_minor_age, stage_for, synthetic_person
from pave.demo.referrals import plan_referrals
from pave.demo.story import (
    CLOSED_STAGES,
    RETURNED_STAGES,
    STAGE_PATHS,
    CaseFacts,
    Cast,
    PlannedStep,
    Story,
)


def demo_cases_open(office: Office, rng: random.Random) -> list[CaseFacts]:
    """Open the 89 cases through case_open; return each with the stage it should reach."""
    workers = list(
        User.objects.filter(organisation=office.organisation, role=Role.CASE_WORKER).order_by(
            "username"
        )
    )
    serials = rng.sample(range(1_000_000, 10_000_000), 89)
    opened_cases = []
    for index, profile in enumerate(demo_profiles(rng)):
        prefix = data.NATIONALITIES[profile.citizenship].passport_prefix
        person, case = synthetic_person(rng, profile, identity_number=f"{prefix}{serials[index]}")
        fix_minor_age(person, profile)
        case["office"] = office
        opened = case_open(actor=workers[index % len(workers)], person=person, case=case)
        opened_cases.append(
            CaseFacts(
                case_id=opened.pk,
                index=index,
                sex=profile.sex,
                minor=bool(opened.is_minor),
                citizenship=profile.citizenship,
                identified=profile.identification_date,
                stage=stage_for(rng, profile.identification_date, DEMO_AS_OF),
                case_type=case["case_type"],
                exploitation=tuple(case["types_of_exploitation"]),
            )
        )
    return opened_cases


def story_for(rng: random.Random, facts: CaseFacts, as_of: datetime.date = DEMO_AS_OF) -> Story:
    """What one person received from identification to `as_of`, consistent with the stage
    the case had reached: recovery first, then (for returned persons) travel, reception and
    reintegration with its follow-up, and a closure once reintegration looked sustainable."""
    story = Story(facts)
    if facts.stage in RETURNED_STAGES:
        _date_return_and_closure(rng, story, as_of)
    plan_recovery(rng, story)
    if story.returned_on:
        plan_return(rng, story)
        plan_reintegration(rng, story)
        plan_follow_up(rng, story)
    elif (
        facts.stage == "assistance"
        and (as_of - facts.identified).days > 50
        and rng.random() < 0.45  # some are still waiting to go home, papers ready
    ):
        plan_return_prepared(rng, story, as_of)
    plan_at_least_one_service(rng, story)
    plan_case_plans(rng, story)
    plan_consents(rng, story)
    plan_steps(rng, story)
    return story


def _date_return_and_closure(rng: random.Random, story: Story, as_of: datetime.date) -> None:
    """When a returned person went home and, for a closed case, when the case was closed."""
    d0 = story.facts.identified
    span = (as_of - d0).days
    closed = story.facts.stage in CLOSED_STAGES
    cap = int(span * (0.35 if closed else 0.6))
    returned = d0 + delta_days(max(14, min(rng.randint(18, 60), cap)))
    story.returned_on = returned
    if closed:
        post = (as_of - returned).days
        length = max(30, min(post - rng.randint(0, 10), rng.randint(100, 200)))
        story.closed_on = min(returned + delta_days(length), as_of)


def last_record_day(story: Story) -> datetime.date:
    days = [s.day for s in story.services]
    days += [v["done_on"] for v in story.visits if v.get("done_on")]
    days += [a["assessed_on"] for a in story.assessments]
    days += [p["actual_end"] for p in story.plans if p.get("actual_end")]
    return max(days, default=story.facts.identified)


def plan_steps(rng: random.Random, story: Story) -> None:
    """The case's steps through the workflow, dated as they would have happened."""
    facts = story.facts
    previous = at_time(facts.identified, 9)
    outcome = "closed_referred" if facts.stage == "closed_referred" else "closed"
    for to_stage in STAGE_PATHS[facts.stage]:
        prev_day = previous.date()
        day = clamp(_step_day(rng, story, to_stage, prev_day), prev_day, story.end)
        at = at_time(day, rng.randint(9, 16), rng.randrange(0, 60, 5))
        if at <= previous:
            at = previous + datetime.timedelta(minutes=rng.randint(20, 90))
        closure = to_stage == "closure_requested"
        key = "closure_requested-referred" if closure and outcome == "closed_referred" else to_stage
        reason = rng.choice(data.STEP_REASONS[key]).format(capital=story.origin.capital)
        story.steps.append(PlannedStep(to_stage, at, reason, outcome if closure else ""))
        previous = at


def _step_day(
    rng: random.Random, story: Story, to_stage: str, prev_day: datetime.date
) -> datetime.date:
    """The day of the step to `to_stage` as the story has it (before clamping)."""
    if to_stage == "assessed":
        return story.facts.identified + delta_days(rng.randint(1, 4))
    if to_stage == "assistance":
        return prev_day + delta_days(rng.randint(1, 6))
    if to_stage == "follow_up":
        return story.returned_on or prev_day
    if to_stage == "closure_requested":
        assert story.closed_on is not None
        low = max(prev_day, min(last_record_day(story), story.closed_on))
        return clamp(story.closed_on - delta_days(rng.randint(1, 4)), low, story.closed_on)
    return story.closed_on or prev_day


def demo_stories(facts: Sequence[CaseFacts]) -> list[Story]:
    """Every demo case's story: the same for the same cases on every load."""
    stories = [story_for(random.Random(DEMO_SEED + 1 + f.index), f) for f in facts]  # noqa: S311
    plan_referrals(random.Random(DEMO_SEED - 1), stories)  # noqa: S311
    return stories


def steps_tell(story: Story, cast: Cast) -> None:
    """Take the case through its steps, each by the user whose role takes it; the workflow
    stamps each with the time of the load, so the story's time is kept for demo_backdate."""
    case_id = story.facts.case_id
    version = Case.objects.values_list("version", flat=True).get(pk=case_id)
    for step in story.steps:
        transition = _take_step(case_id, step, version, cast)
        version = transition.case_version
        cast.step_dates.append((transition.pk, step.at))


def _take_step(case_id: int, step: PlannedStep, version: int, cast: Cast) -> CaseTransition:
    if step.to_stage == "closure_requested":
        return case_closure_request(
            actor=cast.worker,
            case_id=case_id,
            reason=step.reason,
            version=version,
            outcome=step.outcome,
        )
    if step.to_stage in CLOSED_STAGES:
        return case_closure_approve(
            actor=cast.manager, case_id=case_id, reason=step.reason, version=version
        )
    return case_transition(
        actor=cast.worker,
        case_id=case_id,
        to_stage=step.to_stage,
        reason=step.reason,
        version=version,
    )
