"""About fifteen referrals from IOM Lebanon to its partners, ending in every status a referral
can end in, and the partners' entries in the service directory.

Referrals are planned across all stories at once (who is referred depends on what the
others received), then told through the referral services: sent by the case worker (or, for
the girl's, sent without consent by the case manager), answered by the partner's focal point.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence

from django.conf import settings

from pave.accounts.models import Office, Organisation, User
from pave.accounts.roles import Role
from pave.assistance.models import ServiceType
from pave.demo import data
from pave.demo.common import DEMO_AS_OF, DEMO_ORGANISATION, at_time, clamp, delta_days
from pave.demo.story import Cast, PlannedConsent, PlannedReferral, Story
from pave.referrals.models import OverrideGround
from pave.referrals.services import (
    directory_entry_create,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_revoke,
    referral_send,
)

SHARED_WITH = {
    "BMS": ("given_name", "sex", "age_group", "languages", "phone"),
    "CLA": ("given_name", "family_name", "sex", "age_group", "citizenship", "languages"),
    "PH-EMB-LB": ("given_name", "family_name", "sex", "citizenship"),
}


# --- planning --------------------------------------------------------------------------------


def _answered(rng: random.Random, sent: datetime.datetime, day: datetime.date) -> datetime.datetime:
    """A time on `day` after `sent`."""
    at = at_time(day, rng.randint(9, 17), rng.randrange(0, 60, 5))
    return at if at > sent else sent + datetime.timedelta(minutes=rng.randint(30, 240))


def _refer_for_delivered(
    rng: random.Random, story: Story, org: str, *, completed: bool, override: str = ""
) -> None:
    """A referral that led to the services `org` delivered: sent before the first of them,
    accepted by then, completed after the last."""
    given = story.delivered(provider=org)
    first, last = min(s.day for s in given), max(s.day for s in given)
    d0 = story.facts.identified
    sent_day = clamp(first - delta_days(rng.randint(0, 3)), d0, first)
    sent = at_time(sent_day, rng.randint(9, 11), rng.randrange(0, 60, 5))
    accepted = _answered(
        rng, sent, clamp(sent_day + delta_days(rng.randint(0, 2)), sent_day, first)
    )
    referral = PlannedReferral(
        to_org=org,
        services=tuple(sorted({s.code for s in given})),
        status="completed" if completed else "accepted",
        sent_at=sent,
        answered_at=accepted,
        override_reason=override,
    )
    if completed:
        done = clamp(last + delta_days(rng.randint(0, 3)), accepted.date(), story.end)
        referral.closed_at = _answered(rng, accepted, done)
    _add_referral(rng, story, referral)


def _refer_unanswered(
    rng: random.Random,
    story: Story,
    org: str,
    services: tuple[str, ...],
    sent_day: datetime.date | None = None,
) -> PlannedReferral:
    """A referral sent (a few days after identification unless `sent_day` says when) that
    nothing was delivered under; the caller says how it ended."""
    d0 = story.facts.identified
    if sent_day is None:
        latest = (story.returned_on - delta_days(2)) if story.returned_on else DEMO_AS_OF
        sent_day = clamp(d0 + delta_days(rng.randint(2, 10)), d0, max(d0, latest))
    sent = at_time(sent_day, rng.randint(9, 16), rng.randrange(0, 60, 5))
    referral = PlannedReferral(to_org=org, services=services, status="sent", sent_at=sent)
    _add_referral(rng, story, referral)
    return referral


def _add_referral(rng: random.Random, story: Story, referral: PlannedReferral) -> None:
    story.referrals.append(referral)
    if not referral.override_reason:
        sent_day, d0 = referral.sent_at.date(), story.facts.identified
        day = clamp(sent_day - delta_days(rng.randint(0, 2)), d0, sent_day)
        notes = data.CONSENT_NOTES["referral"]
        story.consents.append(
            PlannedConsent("referral", day, "written", organisation=referral.to_org, notes=notes)
        )


class _Picker:
    """Draws the stories to refer, each story at most once, in a reproducible order."""

    def __init__(self, rng: random.Random, stories: Sequence[Story]) -> None:
        self.rng = rng
        self.stories = stories
        self.taken: set[int] = set()

    def take(self, n: int, test: Callable[[Story], bool]) -> list[Story]:
        pool = [s for s in self.stories if s.facts.index not in self.taken and test(s)]
        chosen = sorted(self.rng.sample(pool, min(n, len(pool))), key=lambda s: s.facts.index)
        self.taken.update(s.facts.index for s in chosen)
        return chosen


def _returned(story: Story) -> bool:
    return story.returned_on is not None


def _open_case(story: Story) -> bool:
    return story.facts.stage in ("assessed", "assistance")


def _served_by(org: str, test: Callable[[Story], bool]) -> Callable[[Story], bool]:
    return lambda s: test(s) and bool(s.delivered(provider=org))


def plan_referrals(rng: random.Random, stories: Sequence[Story]) -> None:
    """About fifteen referrals from IOM Lebanon to BMS (counselling), CLA (legal aid) and the
    Philippine embassy (travel documents, shelter), ending in every status a referral can
    end in; each (but the girl's, sent in her best interests) with the person's consent."""
    pick = _Picker(rng, stories)
    _plan_served(rng, pick)
    _plan_declined(rng, pick)
    _plan_overdue(rng, pick)
    _plan_revoked(rng, pick)


def _plan_served(rng: random.Random, pick: _Picker) -> None:
    """Referrals that led to services: the girl's (sent without consent, in her best
    interests), then completed and still accepted ones to each partner."""
    for story in pick.take(1, lambda s: s.facts.minor and bool(s.delivered(provider="BMS"))):
        _refer_for_delivered(rng, story, "BMS", completed=True, override=data.OVERRIDE_REASON)
    for org, completed, accepted in (("BMS", 4, 1), ("CLA", 3, 1), ("PH-EMB-LB", 2, 0)):
        for story in pick.take(completed, _served_by(org, _returned)):
            _refer_for_delivered(rng, story, org, completed=True)
        for story in pick.take(accepted, _served_by(org, _open_case)):
            _refer_for_delivered(rng, story, org, completed=False)
    for story in pick.take(
        1, lambda s: not _returned(s) and bool(s.delivered(provider="PH-EMB-LB"))
    ):
        _refer_for_delivered(rng, story, "PH-EMB-LB", completed=False)


def _plan_declined(rng: random.Random, pick: _Picker) -> None:
    """Declined: a man by BMS (women only); someone by CLA (conflict of interest)."""
    declined: tuple[tuple[str, tuple[str, ...], Callable[[Story], bool]], ...] = (
        ("BMS", ("psychosocial-recovery",), lambda s: _open_case(s) and s.facts.sex == "male"),
        ("CLA", ("legal-aid",), lambda s: _open_case(s) and not s.delivered(provider="CLA")),
    )
    for org, services, test in declined:
        for story in pick.take(1, test):
            referral = _refer_unanswered(rng, story, org, services)
            key = "BMS-male" if org == "BMS" else org
            sent_day = referral.sent_at.date()
            answer_day = clamp(sent_day + delta_days(rng.randint(1, 4)), sent_day, DEMO_AS_OF)
            referral.status, referral.reason = "declined", data.DECLINE_REASONS[key]
            referral.answered_at = _answered(rng, referral.sent_at, answer_day)


def _plan_overdue(rng: random.Random, pick: _Picker) -> None:
    """Still waiting for an answer (overdue): sent to CLA in the last days of June."""

    def recent_without_legal_aid(s: Story) -> bool:
        return (
            _open_case(s)
            and s.facts.identified >= DEMO_AS_OF - delta_days(30)
            and not s.delivered(provider="CLA")
        )

    for story in pick.take(1, recent_without_legal_aid):
        sent_day = clamp(
            DEMO_AS_OF - delta_days(rng.randint(3, 8)), story.facts.identified, DEMO_AS_OF
        )
        _refer_unanswered(rng, story, "CLA", ("legal-aid",), sent_day=sent_day)


def _plan_revoked(rng: random.Random, pick: _Picker) -> None:
    """Revoked: the person went home before BMS answered."""

    def home_without_counselling(s: Story) -> bool:
        return _returned(s) and s.facts.sex == "female" and not s.delivered(provider="BMS")

    for story in pick.take(1, home_without_counselling):
        referral = _refer_unanswered(rng, story, "BMS", ("psychosocial-recovery",))
        assert story.returned_on is not None
        revoked_day = clamp(
            referral.sent_at.date() + delta_days(rng.randint(1, 3)),
            referral.sent_at.date(),
            story.returned_on,
        )
        referral.status = "revoked"
        referral.reason = data.REVOKE_REASON.format(capital=story.origin.capital)
        referral.closed_at = _answered(rng, referral.sent_at, revoked_day)


# --- telling ---------------------------------------------------------------------------------


def referrals_tell(story: Story, cast: Cast) -> None:
    for planned in story.referrals:
        referral_tell(story, planned, cast)


def referral_tell(story: Story, planned: PlannedReferral, cast: Cast) -> None:
    """Send the referral and answer it as the story says; the services stamp each step with
    the time of the load, so the story's times are kept for demo_backdate."""
    referral = referral_send(
        actor=cast.manager if planned.override_reason else cast.worker,
        case_id=story.facts.case_id,
        to_org_id=cast.organisations[planned.to_org].pk,
        service_ids=[cast.service_types[code].pk for code in planned.services],
        reason="AdditionalServicesRequired",
        details_for_receiver=data.REFERRAL_DETAILS[planned.to_org],
        shared_fields=SHARED_WITH[planned.to_org],
        override_reason=planned.override_reason,
        # The demo's one override: a girl of 16 with no guardian reachable.
        override_ground=OverrideGround.CHILD_PROTECTION if planned.override_reason else "",
    )
    _answer(planned, referral.pk, cast)
    cast.referral_dates.append((referral.pk, _referral_dates(planned)))


def _answer(planned: PlannedReferral, referral_id: int, cast: Cast) -> None:
    """The partner's focal point accepts, completes or declines; the case worker revokes."""
    receiver = cast.receivers[planned.to_org]
    if planned.status in ("accepted", "completed"):
        referral_accept(actor=receiver, referral_id=referral_id)
    if planned.status == "completed":
        referral_complete(actor=receiver, referral_id=referral_id)
    elif planned.status == "declined":
        referral_decline(actor=receiver, referral_id=referral_id, reason=planned.reason)
    elif planned.status == "revoked":
        referral_revoke(actor=cast.worker, referral_id=referral_id, reason=planned.reason)


def _referral_dates(planned: PlannedReferral) -> dict[str, datetime.datetime]:
    due = planned.sent_at + datetime.timedelta(days=settings.PAVE_REFERRAL_RESPONSE_DAYS)
    dates = {"sent_at": planned.sent_at, "due_by": due}
    if planned.answered_at:
        dates["responded_at"] = planned.answered_at
    if planned.closed_at:
        dates["revoked_at" if planned.status == "revoked" else "completed_at"] = planned.closed_at
    return dates


# --- the service directory -------------------------------------------------------------------


def directory_create(orgs: dict[str, tuple[Organisation, Office]]) -> int:
    """Each partner's administrator lists the services it offers; IOM Lebanon also lists
    reception and reintegration in every country of origin (with the IOM mission there)."""
    admins = {
        u.organisation_id: u
        for u in User.objects.filter(role=Role.ADMINISTRATOR).order_by("-username")
    }
    types = {t.code: t for t in ServiceType.objects.all()}
    entries = [
        (org, country, city, code, notes)
        for org, country, city, codes, notes in data.DIRECTORY
        for code in codes
    ]
    entries += [
        (
            DEMO_ORGANISATION,
            code,
            origin.capital,
            service,
            data.DIRECTORY_ORIGIN_NOTES % origin.capital,
        )
        for code, origin in data.ORIGINS.items()
        for service in data.DIRECTORY_ORIGIN_SERVICES
    ]
    for org, country, city, code, notes in entries:
        directory_entry_create(
            actor=admins[orgs[org][0].pk],
            service_type_id=types[code].pk,
            country=country,
            city=city,
            contact_notes=notes,
        )
    return len(entries)
