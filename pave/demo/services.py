"""`pave demo load`: the demo programme (the 2014 factsheet's partners and 89 assisted migrants).

`demo_load` writes only through the services of the apps that own the records (accounts,
cases and the case workflow, assistance, referrals, notifications, training, monitoring), so
its records are encrypted, indexed and audited exactly like hand-entered ones: the 89 cases,
the services, plans, visits and reintegration assessments they received, consents, referrals
between the partners and the service directory, as of 30 June 2014, then the factsheet's
training and the results project. The one exception is the clock: the referral and workflow
services stamp each step with the time it is recorded, so `demo_backdate` dates those steps
as the story says, in one audited update. Deterministic for a given seed.

The parts live by concern: `organisations` (organisations, users, logins), `people` (the
synthetic persons), `cases` (opening the cases, each one's story and workflow steps),
`assistance`, `consents`, `referrals` (with the service directory), `training`, `results`
(the monitoring project) and `generate` (bulk data for benchmarks).
"""

from __future__ import annotations

import random
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from pave.accounts.models import Organisation, User
from pave.assistance.models import ServiceDelivery
from pave.cases.models import Case, CaseTransition
from pave.core.audit import audit_record
from pave.demo.assistance import assistance_tell
from pave.demo.cases import demo_cases_open, demo_stories, steps_tell
from pave.demo.common import (
    DEMO_ACTOR,
    DEMO_AS_OF,
    DEMO_ORGANISATION,
    DEMO_SEED,
    PROJECT_START,
    DemoError,
)
from pave.demo.consents import consents_tell
from pave.demo.organisations import Login, demo_organisations_create, demo_users_create
from pave.demo.referrals import directory_create, referrals_tell
from pave.demo.results import monitoring_demo_load
from pave.demo.story import Cast, Story, cast_for
from pave.demo.training import training_demo_load
from pave.notifications.services import notifications_mark_all_read
from pave.referrals.models import Referral


@dataclass
class LoadResult:
    logins: list[Login]
    cases: int
    stages: dict[str, int] = field(default_factory=dict)
    # Persons with a delivered service, and deliveries per service family.
    assisted: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)
    directory: int = 0


def story_tell(story: Story, cast: Cast) -> None:
    """Record one story through the services: consents, then services, plans, visits and
    assessments, then referrals, then the case's steps through the workflow."""
    consents_tell(story, cast)
    assistance_tell(story, cast)
    referrals_tell(story, cast)
    steps_tell(story, cast)


def demo_backdate(*, actor: Any, cast: Cast) -> None:
    """Date the referrals and stage steps as the story says (demo only).

    The referral and workflow services stamp every step with the time it is recorded and
    take no other date; the demo's happened in 2013–2014. Only those clock fields are
    rewritten here, once, and the rewrite is itself in the audit log."""
    for referral_id, dates in cast.referral_dates:
        Referral.objects.filter(pk=referral_id).update(**dates)
    steps = [CaseTransition(pk=pk, at=at) for pk, at in cast.step_dates]
    CaseTransition.objects.bulk_update(steps, ["at"], batch_size=500)
    audit_record(
        actor=actor,
        action="demo.backdate",
        object_type="demo",
        fields=[
            "referral.sent_at",
            "referral.due_by",
            "referral.responded_at",
            "referral.completed_at",
            "referral.revoked_at",
            "casetransition.at",
        ],
        detail={
            "referrals": len(cast.referral_dates),
            "transitions": len(cast.step_dates),
            "as_of": DEMO_AS_OF.isoformat(),
        },
    )


def _read_notifications() -> None:
    """The demo's notifications are about 2013–2014 events: every user has read them."""
    users = User.objects.filter(notifications__read_at__isnull=True).distinct().order_by("pk")
    for user in users:
        notifications_mark_all_read(actor=user)


def demo_assistance_counts() -> tuple[int, dict[str, int], dict[str, int]]:
    """Persons with a delivered service in the project period so far, deliveries per family,
    and referrals per status (from the records, as a report would count them)."""
    delivered = ServiceDelivery.objects.filter(
        status="delivered", delivered_on__range=(PROJECT_START, DEMO_AS_OF)
    )
    persons = delivered.order_by().values("case__person").distinct().count()
    families = Tally(delivered.values_list("service_type__family", flat=True))
    statuses = Tally(Referral.objects.values_list("status", flat=True))
    return persons, dict(sorted(families.items())), dict(sorted(statuses.items()))


def demo_check_empty() -> None:
    """Raise DemoError unless the database has no organisation yet."""
    if Organisation.objects.filter(code=DEMO_ORGANISATION).exists():
        raise DemoError(
            "the demo programme is already loaded (organisation IOM-LB exists); "
            "use `pave demo load --if-empty` to skip, or start from an empty database"
        )
    if Organisation.objects.exists():
        raise DemoError(
            "this database already holds organisations: the demo programme is "
            "only loaded into an empty database"
        )


@transaction.atomic
def demo_load() -> LoadResult:
    """Create the demo programme in an empty database: all of it, or nothing."""
    demo_check_empty()
    rng = random.Random(DEMO_SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    orgs = demo_organisations_create()
    logins = demo_users_create(orgs)
    facts = demo_cases_open(orgs[DEMO_ORGANISATION][1], rng)
    directory = directory_create(orgs)
    cast = cast_for(orgs)
    for story in demo_stories(facts):
        story_tell(story, cast)
    demo_backdate(actor=DEMO_ACTOR, cast=cast)
    _read_notifications()
    # The factsheet's training and outreach, then the project that reports on all of it.
    training_demo_load(actor=DEMO_ACTOR, organisations=orgs)
    monitoring_demo_load(actor=DEMO_ACTOR)
    assisted, delivered, referrals = demo_assistance_counts()
    stages = Tally(Case.objects.values_list("stage", flat=True))
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.load",
        object_type="organisation",
        detail={
            "organisations": len(orgs),
            "users": len(logins),
            "cases": len(facts),
            "assisted": assisted,
            "referrals": sum(referrals.values()),
            "directory": directory,
        },
    )
    return LoadResult(
        logins=logins,
        cases=len(facts),
        stages=dict(sorted(stages.items())),
        assisted=assisted,
        delivered=delivered,
        referrals=referrals,
        directory=directory,
    )
