"""What the 89 received, planned as data: recovery in Lebanon, the return home, reintegration
and its follow-up, and support plans; then told through the assistance services.

Every planning function draws from the story's own generator in a fixed order, so the same
seed gives the same services, costs and notes on every load.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from pave.assistance.services import (
    case_plan_create,
    follow_up_schedule,
    reintegration_assess,
    service_delivery_record,
)
from pave.demo import data
from pave.demo.common import DEMO_AS_OF, DEMO_ORGANISATION, Weighted, clamp, delta_days
from pave.demo.story import Cast, PlannedService, Story, note_text, usd

VISIT_OUTCOMES = Weighted(
    [("stable", 60), ("needs_support", 25), ("not_reached", 10), ("at_risk", 5)]
)


# --- recovery in Lebanon ---------------------------------------------------------------------


def plan_recovery(rng: random.Random, story: Story) -> None:
    """Shelter, medical care, counselling and legal aid in Lebanon, before any return."""
    last = (story.returned_on - delta_days(1)) if story.returned_on else DEMO_AS_OF
    _shelter(rng, story, last)
    _medical_care(rng, story, last)
    if story.facts.stage == "identified":
        return
    _counselling(rng, story, last)
    if story.facts.stage == "assessed":
        return
    _legal_aid(rng, story, last)


def _shelter(rng: random.Random, story: Story, last: datetime.date) -> None:
    """Most women are sheltered: Filipinas by their embassy, others by BMS (paid by the night)."""
    facts, d0 = story.facts, story.facts.identified
    woman = facts.sex == "female"
    if not (woman and (facts.minor or facts.stage == "identified" or rng.random() < 0.65)):
        return
    day = clamp(d0 + delta_days(rng.randint(0, 1)), d0, last)
    nights = max(1, ((story.returned_on or DEMO_AS_OF) - day).days)
    if facts.citizenship == "PH":
        notes = note_text(rng, "shelter-embassy", story, nights=nights)
        story.services.append(PlannedService("shelter", "PH-EMB-LB", day, notes=notes))
        return
    rate = rng.choice((20_000, 25_000, 30_000))  # LBP a night
    notes = note_text(rng, "shelter", story, nights=nights)
    story.services.append(
        PlannedService(
            "shelter", "BMS", day, cost=Decimal(nights * rate), currency="LBP", notes=notes
        )
    )


def _medical_care(rng: random.Random, story: Story, last: datetime.date) -> None:
    facts, d0 = story.facts, story.facts.identified
    if not (facts.minor or rng.random() < 0.55):
        return
    day = clamp(d0 + delta_days(rng.randint(0, 4)), d0, last)
    woman = facts.sex == "female"
    texts = [t for t in data.SERVICE_NOTES["medical"] if woman or "Gynaec" not in t]
    if rng.random() < 0.6:
        cost, currency = usd(rng, 35, 420)
    else:
        cost, currency = Decimal(rng.randrange(50_000, 450_001, 5_000)), "LBP"
    notes = rng.choice(texts)
    story.services.append(
        PlannedService("medical", DEMO_ORGANISATION, day, cost=cost, currency=currency, notes=notes)
    )


def _counselling(rng: random.Random, story: Story, last: datetime.date) -> None:
    """BMS counsels women only; IOM's own counsellor sees the men."""
    facts = story.facts
    woman = facts.sex == "female"
    if not rng.random() < (1.0 if facts.minor else 0.7 if woman else 0.35):
        return
    provider = "BMS" if woman else DEMO_ORGANISATION
    day = facts.identified + delta_days(rng.randint(2, 10))
    for _course in range(2 if rng.random() < 0.3 else 1):
        if day > last:
            break
        notes = note_text(rng, "psychosocial-recovery", story, sessions=rng.randint(3, 8))
        story.services.append(PlannedService("psychosocial-recovery", provider, day, notes=notes))
        day += delta_days(rng.randint(14, 40))


def _legal_aid(rng: random.Random, story: Story, last: datetime.date) -> None:
    facts, d0 = story.facts, story.facts.identified
    victim = facts.case_type == "victim_of_trafficking"
    if not rng.random() < (1.0 if facts.minor else 0.45 if victim else 0.3):
        return
    day = clamp(d0 + delta_days(rng.randint(5, 25)), d0, last)
    if facts.minor:
        notes = note_text(rng, "legal-aid-minor", story)
    else:
        texts = [t for t in data.SERVICE_NOTES["legal-aid"] if victim or "164/2011" not in t]
        notes = rng.choice(texts)
    cost, currency = usd(rng, 150, 600, 25) if rng.random() < 0.55 else (None, "")
    story.services.append(
        PlannedService("legal-aid", "CLA", day, cost=cost, currency=currency, notes=notes)
    )


def plan_at_least_one_service(rng: random.Random, story: Story) -> None:
    """Everyone identified was at least seen by IOM's doctor on the day."""
    if story.delivered():
        return
    story.services.append(
        PlannedService(
            "medical",
            DEMO_ORGANISATION,
            story.facts.identified,
            cost=Decimal(rng.randrange(35, 120, 5)),
            currency="USD",
            notes=rng.choice(data.SERVICE_NOTES["medical"][:1]),
        )
    )


# --- the return home -------------------------------------------------------------------------


def plan_return(rng: random.Random, story: Story) -> None:
    """Travel documents, ticket, escort for some, and reception on arrival."""
    assert story.returned_on is not None
    d0, home = story.facts.identified, story.returned_on
    docs = clamp(home - delta_days(rng.randint(4, 12)), d0, home)
    _travel_documents(rng, story, docs)
    if rng.random() < 0.07:
        day = clamp(docs - delta_days(rng.randint(1, 5)), d0, docs)
        notes = note_text(rng, "ticket-cancelled", story)
        story.services.append(
            PlannedService("ticket", DEMO_ORGANISATION, day, status="cancelled", notes=notes)
        )
    _ticket(rng, story, docs, home)
    if story.facts.minor or rng.random() < 0.08:
        cost, currency = usd(rng, 600, 1100, 50)
        notes = note_text(rng, "escort-minor" if story.facts.minor else "escort", story)
        story.services.append(
            PlannedService(
                "escort", DEMO_ORGANISATION, home, cost=cost, currency=currency, notes=notes
            )
        )
    _reception(rng, story, home)


def _travel_documents(rng: random.Random, story: Story, day: datetime.date) -> None:
    """Papers from the Philippine embassy for Filipinas, else through IOM (with a fee)."""
    if story.facts.citizenship == "PH":
        notes = note_text(rng, "travel-documents-embassy", story)
        story.services.append(PlannedService("travel-documents", "PH-EMB-LB", day, notes=notes))
        return
    cost, currency = usd(rng, 25, 75)
    notes = note_text(rng, "travel-documents", story)
    story.services.append(
        PlannedService(
            "travel-documents",
            DEMO_ORGANISATION,
            day,
            cost=cost,
            currency=currency,
            notes=notes,
        )
    )


def _ticket(rng: random.Random, story: Story, docs: datetime.date, home: datetime.date) -> None:
    fare = story.origin.fare_usd
    cost, currency = usd(rng, *fare)
    ticket = clamp(home - delta_days(rng.randint(1, 4)), docs, home)
    notes = note_text(rng, "ticket", story)
    story.services.append(
        PlannedService(
            "ticket", DEMO_ORGANISATION, ticket, cost=cost, currency=currency, notes=notes
        )
    )


def _reception(rng: random.Random, story: Story, home: datetime.date) -> None:
    cost, currency = usd(rng, 40, 120)
    arrival = min(home + delta_days(rng.randint(0, 1)), story.end)
    notes = note_text(rng, "reception-on-arrival", story)
    story.services.append(
        PlannedService(
            "reception-on-arrival",
            DEMO_ORGANISATION,
            arrival,
            cost=cost,
            currency=currency,
            notes=notes,
        )
    )


def plan_return_prepared(rng: random.Random, story: Story, as_of: datetime.date) -> None:
    """Still in Lebanon on `as_of`, with papers ready and, for some, a flight booked."""
    d0 = story.facts.identified
    docs = d0 + delta_days((as_of - d0).days * rng.uniform(0.5, 0.9))
    _travel_documents(rng, story, docs)
    if rng.random() < 0.5:
        cost, currency = usd(rng, *story.origin.fare_usd)
        flight = clamp(as_of - delta_days(rng.randint(0, 5)), docs, as_of)
        notes = note_text(rng, "ticket", story)
        story.services.append(
            PlannedService(
                "ticket",
                DEMO_ORGANISATION,
                flight,
                status="planned",
                cost=cost,
                currency=currency,
                notes=notes,
            )
        )


# --- reintegration and follow-up at home -----------------------------------------------------


def plan_reintegration(rng: random.Random, story: Story) -> None:
    """Economic, social and psychosocial reintegration at home, through IOM."""
    minor = story.facts.minor
    for code in _reintegration_chosen(rng, minor) or ["economic-reintegration"]:
        day, cost, currency = _reintegration_terms(rng, story, code)
        key = f"{code}-minor" if minor and f"{code}-minor" in data.SERVICE_NOTES else code
        notes = note_text(rng, key, story, sessions=rng.randint(4, 10))
        story.services.append(
            PlannedService(code, DEMO_ORGANISATION, day, cost=cost, currency=currency, notes=notes)
        )


def _reintegration_chosen(rng: random.Random, minor: bool) -> list[str]:
    chosen = []
    if not minor and rng.random() < 0.85:
        chosen.append("economic-reintegration")
    if minor or rng.random() < 0.5:
        chosen.append("social-reintegration")
    if minor or rng.random() < 0.35:
        chosen.append("psychosocial-reintegration")
    return chosen


def _reintegration_terms(
    rng: random.Random, story: Story, code: str
) -> tuple[datetime.date, Decimal | None, str]:
    """When a reintegration service was given and what it cost: a business grant in euros,
    social support in dollars, psychosocial support free."""
    if code == "economic-reintegration":
        return _after_return(rng, story, 0.2, 0.5), Decimal(rng.randrange(800, 1501, 50)), "EUR"
    if code == "social-reintegration":
        day = _after_return(rng, story, 0.1, 0.6)
        cost, currency = usd(rng, 120, 350, 10)
        return day, cost, currency
    return _after_return(rng, story, 0.05, 0.4), None, ""


def _after_return(rng: random.Random, story: Story, low: float, high: float) -> datetime.date:
    """A day between `low` and `high` of the way from the return home to the story's end."""
    assert story.returned_on is not None
    home, end = story.returned_on, story.end
    post = (end - home).days
    return clamp(home + delta_days(post * rng.uniform(low, high)), home + delta_days(1), end)


def _scores(rng: random.Random, before: dict[str, Any] | None, sustainable: bool) -> dict:
    if before is None:
        return {
            "economic_score": rng.randint(0, 2),
            "social_score": rng.randint(1, 2),
            "psychosocial_score": rng.randint(1, 2),
        }
    floor = 3 if sustainable else 0
    return {
        name: min(4, max(floor, before[name] + rng.randint(1, 2)))
        for name in ("economic_score", "social_score", "psychosocial_score")
    }


def plan_follow_up(rng: random.Random, story: Story) -> None:
    """Follow-up visits after return and two reintegration assessments over time (one when
    the person came home less than two months before DEMO_AS_OF)."""
    visit_days, assessment_days = _follow_up_days(story)
    _visits(rng, story, visit_days)
    _assessments(rng, story, assessment_days)


def _follow_up_days(story: Story) -> tuple[list[datetime.date], list[datetime.date]]:
    """The days of the visits and of the assessments, spread over the time back home."""
    assert story.returned_on is not None
    home, end = story.returned_on, story.end
    post = (end - home).days

    def on(fraction: float) -> datetime.date:
        return clamp(home + delta_days(post * fraction), home + delta_days(1), end)

    if story.closed_on is not None:
        fractions = (0.3, 0.6, 0.9) if post >= 90 else (0.35, 0.9)
        return [on(f) for f in fractions], [on(0.25), on(0.85)]
    visit_days = [on(f) for f, needed in ((0.5, 14), (0.9, 60)) if post >= needed]
    assessment_days = [clamp(home + delta_days(max(7, post * 0.3)), home, end)]
    if post >= 60:
        assessment_days.append(on(0.85))
    return visit_days, assessment_days


def _visits(rng: random.Random, story: Story, visit_days: list[datetime.date]) -> None:
    """The visits done (a closed case's last found the person stable), and the next one due."""
    closed = story.closed_on is not None
    capital = story.origin.capital
    business = bool(story.delivered(code="economic-reintegration"))
    for number, day in enumerate(visit_days, 1):
        outcome = "stable" if closed and number == len(visit_days) else VISIT_OUTCOMES(rng)
        texts = [t for t in data.VISIT_NOTES[outcome] if business or "business" not in t]
        notes = rng.choice(texts or data.VISIT_NOTES["stable"][1:]).format(capital=capital)
        story.visits.append({"due_on": day, "done_on": day, "outcome": outcome, "notes": notes})
    if not closed:
        due = story.end + delta_days(rng.randint(7, 30))
        notes = data.VISIT_NOTES["due"][0].format(capital=capital)
        story.visits.append({"due_on": due, "notes": notes})


def _assessments(rng: random.Random, story: Story, assessment_days: list[datetime.date]) -> None:
    """Scores that improve from one assessment to the next (sustainable when closed)."""
    closed = story.closed_on is not None
    before = None
    for number, day in enumerate(assessment_days, 1):
        scores = _scores(rng, before, closed and number == len(assessment_days))
        notes = rng.choice(data.ASSESSMENT_NOTES).format(capital=story.origin.capital)
        story.assessments.append({"assessed_on": day, **scores, "notes": notes})
        before = scores


# --- support plans ---------------------------------------------------------------------------


def _plan(plan_type: str, story: Story, start: datetime.date, **rest: Any) -> dict[str, Any]:
    objectives, action_plan = data.PLANS[plan_type]
    return {
        "plan_type": plan_type,
        "objectives": objectives,
        "action_plan": action_plan.format(capital=story.origin.capital),
        "started_on": start,
        **rest,
    }


def plan_case_plans(rng: random.Random, story: Story) -> None:
    """A support plan for under half the cases being assisted, and a livelihood plan for
    some of those who went home."""
    facts = story.facts
    if facts.stage in ("identified", "assessed") or not (facts.minor or rng.random() < 0.45):
        return
    plan_type = _plan_type(rng, story)
    start = clamp(facts.identified + delta_days(rng.randint(2, 6)), facts.identified, DEMO_AS_OF)
    planned_end = start + delta_days(rng.randint(60, 150))
    ending = _plan_ending(rng, story, plan_type, start)
    story.plans.append(_plan(plan_type, story, start, planned_end=planned_end, **ending))
    if story.returned_on is not None and rng.random() < 0.4:
        _livelihood_plan(rng, story, story.returned_on)


def _plan_type(rng: random.Random, story: Story) -> str:
    facts = story.facts
    if facts.minor:
        return "SocialCare"
    if "SexualExploitation" in facts.exploitation:
        return "SexualExploitationRehabilitation"
    if story.delivered(code="legal-aid") and rng.random() < 0.35:
        return "Legal"
    if story.delivered(code="medical") and rng.random() < 0.15:
        return "Health"
    return "LabourExploitationRehabilitation"


def _plan_ending(
    rng: random.Random, story: Story, plan_type: str, start: datetime.date
) -> dict[str, Any]:
    """How the plan stands on DEMO_AS_OF: active until the person went home, then completed
    (or, for some legal plans, discontinued)."""
    home, closed_on = story.returned_on, story.closed_on
    if home is None or (closed_on is None and plan_type == "SocialCare"):
        return {"status": "active"}
    if plan_type == "Legal" and rng.random() < 0.35:
        # The person chose to go home before the case came to a hearing.
        return {"status": "discontinued", "actual_end": max(start, home - delta_days(1))}
    if closed_on is not None:
        end = max(start, closed_on - delta_days(rng.randint(0, 3)))
        return {"status": "completed", "actual_end": end}
    return {"status": "completed", "actual_end": max(start, home)}


def _livelihood_plan(rng: random.Random, story: Story, home: datetime.date) -> None:
    start = clamp(home + delta_days(rng.randint(3, 10)), home, story.end)
    closed_on = story.closed_on
    ending: dict[str, Any] = (
        {"status": "completed", "actual_end": closed_on} if closed_on else {"status": "active"}
    )
    story.plans.append(
        _plan("Livelihood", story, start, planned_end=start + delta_days(180), **ending)
    )


# --- telling -----------------------------------------------------------------------------------


def assistance_tell(story: Story, cast: Cast) -> None:
    """Record the story's services, plans, visits and assessments, by the case worker."""
    case_id, worker = story.facts.case_id, cast.worker
    for service in sorted(story.services, key=lambda s: s.day):
        fields = _delivery_fields(service, cast)
        service_delivery_record(actor=worker, case_id=case_id, data=fields)
    for plan in story.plans:
        case_plan_create(actor=worker, case_id=case_id, data=plan)
    for visit in story.visits:
        follow_up_schedule(actor=worker, case_id=case_id, data=visit)
    for assessment in story.assessments:
        reintegration_assess(actor=worker, case_id=case_id, data=assessment)


def _delivery_fields(service: PlannedService, cast: Cast) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "service_type": cast.service_types[service.code],
        "provider": cast.organisations[service.provider],
        "delivered_on": service.day,
        "status": service.status,
        "notes": service.notes,
    }
    if service.cost is not None:
        fields |= {"cost": service.cost, "currency": service.currency}
    return fields
