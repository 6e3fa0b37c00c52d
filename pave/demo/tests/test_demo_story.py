"""The demo's stories as plain data (no database): whatever the stage and the dates, a story
stays inside its case's life and the period, and tells the same on every run."""

import datetime
import random
from typing import Any

import pytest

from pave.demo import data
from pave.demo.cases import last_record_day, story_for
from pave.demo.common import DEMO_AS_OF, PROJECT_START
from pave.demo.people import CASE_TYPES, WOMEN_EXPLOITATION, stage_for
from pave.demo.referrals import plan_referrals
from pave.demo.story import RETURNED_STAGES, STAGE_PATHS, CaseFacts, Story

AS_OF = DEMO_AS_OF
START = PROJECT_START
MINOR_FACTS: dict[str, Any] = {
    "sex": "female",
    "minor": True,
    "citizenship": "ET",
    "case_type": "victim_of_trafficking",
}


def random_facts(count: int, seed: int = 3) -> list[CaseFacts]:
    """Cases like the demo's, but many more of them and with every stage at every age."""
    rng = random.Random(seed)
    facts = []
    for index in range(count):
        identified = START + datetime.timedelta(days=rng.randint(0, (AS_OF - START).days))
        citizenship = rng.choice(sorted(data.ORIGINS))
        facts.append(
            CaseFacts(
                case_id=index + 1,
                index=index,
                sex="female" if rng.random() < 0.9 else "male",
                minor=index == 0,
                citizenship=citizenship,
                identified=identified,
                stage=stage_for(rng, identified, AS_OF),
                case_type=CASE_TYPES(rng),
                exploitation=tuple(WOMEN_EXPLOITATION(rng)),
            )
        )
    return facts


def stories(count: int = 600) -> list[Story]:
    told = [story_for(random.Random(f.index), f) for f in random_facts(count)]
    plan_referrals(random.Random(1), told)
    return told


def dates_of(story: Story) -> list[datetime.date]:
    days = [s.day for s in story.services]
    days += [v["done_on"] for v in story.visits if v.get("done_on")]
    days += [a["assessed_on"] for a in story.assessments]
    days += [c.day for c in story.consents]
    days += [p["started_on"] for p in story.plans]
    days += [p["actual_end"] for p in story.plans if p.get("actual_end")]
    days += [s.at.date() for s in story.steps]
    days += [r.sent_at.date() for r in story.referrals]
    days += [t.date() for r in story.referrals for t in (r.answered_at, r.closed_at) if t]
    return days


@pytest.fixture(scope="module")
def many():
    return stories()


def test_everything_happens_between_identification_and_the_as_of_date(many):
    for story in many:
        days = dates_of(story)
        assert min(days) >= story.facts.identified, story.facts
        assert max(days) <= AS_OF, story.facts
        if story.closed_on:
            assert max(days) <= story.closed_on


def test_everyone_receives_a_delivered_service(many):
    assert all(story.delivered() for story in many)


def test_returned_persons_travel_then_reintegrate(many):
    for story in many:
        families = {s.code for s in story.delivered()}
        returned = story.facts.stage in RETURNED_STAGES
        assert returned == (story.returned_on is not None)
        assert returned == bool(families & {"reception-on-arrival"})
        reintegration = {c for c in families if c.endswith("-reintegration")}
        assert returned == bool(reintegration), story.facts
        if returned:
            assert {"travel-documents", "ticket"} <= families
            home = story.returned_on
            assert all(s.day >= home for s in story.services if s.code.endswith("-reintegration"))
            recovery = {"shelter", "medical", "psychosocial-recovery", "legal-aid"}
            assert all(s.day < home for s in story.services if s.code in recovery)


def test_steps_follow_the_workflow_in_order(many):
    for story in many:
        path = [step.to_stage for step in story.steps]
        assert tuple(path) == STAGE_PATHS[story.facts.stage]
        times = [step.at for step in story.steps]
        assert times == sorted(times) and len(set(times)) == len(times)


def test_closure_comes_after_the_last_record(many):
    for story in [s for s in many if s.closed_on]:
        request = next(s for s in story.steps if s.to_stage == "closure_requested")
        assert last_record_day(story) <= request.at.date() <= story.closed_on


def test_referrals_keep_their_dates_in_order_and_have_consent_or_override(many):
    referrals = [(s, r) for s in many for r in s.referrals]
    assert {r.status for _s, r in referrals} == {
        "sent",
        "accepted",
        "declined",
        "completed",
        "revoked",
    }
    for story, referral in referrals:
        later = [t for t in (referral.answered_at, referral.closed_at) if t]
        assert all(referral.sent_at < t for t in later)
        consents = [
            c
            for c in story.consents
            if c.purpose == "referral" and c.organisation == referral.to_org
        ]
        if referral.override_reason:
            assert not consents and story.facts.minor
        else:
            assert consents and min(c.day for c in consents) <= referral.sent_at.date()


def test_the_minor_has_a_guardian_an_escort_and_a_care_plan():
    facts = CaseFacts(
        case_id=1, index=0, identified=datetime.date(2013, 9, 1), stage="follow_up", **MINOR_FACTS
    )
    story = story_for(random.Random(5), facts)
    assert {c.how for c in story.consents} == {"guardian"}
    assert story.delivered(code="escort")
    assert [p["plan_type"] for p in story.plans][:1] == ["SocialCare"]
    assert not story.delivered(code="economic-reintegration")


def test_stories_are_the_same_on_every_run():
    assert stories(60) == stories(60)
