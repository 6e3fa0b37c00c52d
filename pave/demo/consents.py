"""Consents in the demo: to processing from everyone (for the girl, from her guardian), to
statistics from most; referral consents are planned with their referrals."""

from __future__ import annotations

import random

from pave.demo import data
from pave.demo.common import DEMO_AS_OF, clamp, delta_days
from pave.demo.story import Cast, PlannedConsent, Story
from pave.referrals.services import consent_record


def plan_consents(rng: random.Random, story: Story) -> None:
    """Consent to processing from everyone (for the girl, from the guardian the juvenile
    judge appointed), to statistics from most."""
    facts = story.facts
    if facts.minor:
        day = clamp(facts.identified + delta_days(rng.randint(7, 12)), facts.identified, DEMO_AS_OF)
        how, notes = "guardian", data.CONSENT_NOTES["processing-minor"]
    else:
        day, notes = facts.identified, data.CONSENT_NOTES["processing"]
        how = "written" if rng.random() < 0.7 else "verbal"
    story.consents.append(PlannedConsent("processing", day, how, notes=notes))
    if facts.minor or rng.random() < 0.85:
        notes = data.CONSENT_NOTES["statistics"]
        story.consents.append(PlannedConsent("statistics", day, how, notes=notes))


def consents_tell(story: Story, cast: Cast) -> None:
    """Record the story's consents in date order, by the case worker."""
    for consent in sorted(story.consents, key=lambda c: c.day):
        organisation = cast.organisations[consent.organisation] if consent.organisation else None
        consent_record(
            actor=cast.worker,
            case_id=story.facts.case_id,
            purpose=consent.purpose,
            given_on=consent.day,
            how_obtained=consent.how,
            organisation_id=organisation.pk if organisation else None,
            notes=consent.notes,
        )
