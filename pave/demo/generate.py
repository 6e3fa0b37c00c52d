"""`pave demo generate`: persons and cases in bulk for benchmarks.

Every person is built through the ORM with the cases services' indexing helpers; one audit
event per batch instead of one per row. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pave.accounts.models import Office, Organisation, User
from pave.accounts.roles import Role
from pave.cases.models import Case, Person, PersonNameToken
from pave.cases.references import next_references
from pave.cases.rules import derive_is_minor
from pave.cases.services import index_person, person_name_digests
from pave.core.audit import audit_record
from pave.core.codelists import CASE_STAGE_STATUS, CaseStage
from pave.demo import data
from pave.demo.common import DEMO_ACTOR, DEMO_ORGANISATION, DemoError
from pave.demo.people import CITIZENSHIP, Profile, stage_for, synthetic_person


@dataclass(frozen=True)
class GeneratePlan:
    organisation: Organisation
    office: Office | None
    assignees: list[User]
    first_index: int
    start: datetime.date
    end: datetime.date


def generate_plan(*, organisation_code: str) -> GeneratePlan:
    org = Organisation.objects.filter(code=organisation_code).first()
    if org is None:
        raise DemoError(f"no organisation {organisation_code!r} (run `pave demo load` first)")
    assignees = list(
        User.objects.filter(organisation=org, is_active=True, role=Role.CASE_WORKER).order_by(
            "username"
        )
    ) or list(
        User.objects.filter(
            organisation=org, is_active=True, role__in=[Role.CASE_MANAGER, Role.ADMINISTRATOR]
        ).order_by("username")
    )
    if not assignees:
        raise DemoError(f"organisation {organisation_code!r} has no case worker to assign to")
    return GeneratePlan(
        organisation=org,
        office=org.offices.order_by("pk").first(),
        assignees=assignees,
        first_index=Person.objects.count(),
        start=datetime.date(2013, 7, 1),
        end=timezone.localdate(),
    )


def generated_identity_number(index: int, citizenship: str) -> str:
    """A passport number unique per generated person: an affine bijection of `index` mod 10^8."""
    serial = (index * 104_729 + 31_337) % 100_000_000
    return f"{data.NATIONALITIES[citizenship].passport_prefix}{serial:08d}"


def _generated_profile(rng: random.Random, plan: GeneratePlan) -> Profile:
    span = (plan.end - plan.start).days
    identified = plan.start + datetime.timedelta(days=rng.randint(0, span))
    sex = "female" if rng.random() < 0.82 else "male"
    return Profile(sex, CITIZENSHIP(rng), rng.random() < 0.03, identified)


def reserve_references(*, country: str, year: int, count: int) -> Iterator[str]:
    """A block of `count` references, in one update of the cases app's counter."""
    return iter(next_references(country=country, year=year, count=count))


def _build_batch(
    rng: random.Random, plan: GeneratePlan, first_index: int, size: int
) -> tuple[list[Person], list[Case]]:
    persons, cases = [], []
    for offset in range(size):
        index = first_index + offset
        profile = _generated_profile(rng, plan)
        person_fields, case_fields = synthetic_person(
            rng,
            profile,
            identity_number=generated_identity_number(index, profile.citizenship),
        )
        person = Person(organisation=plan.organisation, **person_fields)
        index_person(person)
        worker = plan.assignees[index % len(plan.assignees)]
        stage = stage_for(rng, profile.identification_date, plan.end)
        case = Case(
            organisation=plan.organisation,
            office=plan.office,
            assigned_to=worker,
            created_by=worker,
            stage=stage,
            status=CASE_STAGE_STATUS[CaseStage(stage)],
            is_minor=derive_is_minor(person, profile.identification_date),
            **case_fields,
        )
        persons.append(person)
        cases.append(case)
    return persons, cases


def _assign_references(persons: list[Person], cases: list[Case]) -> None:
    by_year = Tally(case.identification_date.year for case in cases)
    country = str(cases[0].country)
    blocks = {
        year: reserve_references(country=country, year=year, count=n)
        for year, n in sorted(by_year.items())
    }
    for person, case in zip(persons, cases, strict=True):
        person.reference = case.reference = next(blocks[case.identification_date.year])


@transaction.atomic
def _store_batch(persons: list[Person], cases: list[Case], *, plan: GeneratePlan) -> None:
    _assign_references(persons, cases)
    Person.objects.bulk_create(persons, batch_size=1000)
    PersonNameToken.objects.bulk_create(
        (
            PersonNameToken(person_id=person.pk, digest=digest)
            for person in persons
            for digest in person_name_digests(person)
        ),
        batch_size=2000,
    )
    for person, case in zip(persons, cases, strict=True):
        case.person_id = person.pk
    Case.objects.bulk_create(cases, batch_size=1000)
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.generate",
        object_type="organisation",
        object_id=plan.organisation.pk,
        detail={"count": len(cases), "first_case": cases[0].pk, "last_case": cases[-1].pk},
    )


def demo_generate(
    *,
    persons: int,
    organisation_code: str = DEMO_ORGANISATION,
    seed: int = 1,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-create `persons` synthetic persons, each with one case; returns how many."""
    if persons < 1 or batch < 1:
        raise ValidationError("--persons and --batch must be positive")
    plan = generate_plan(organisation_code=organisation_code)
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    done = 0
    while done < persons:
        size = min(batch, persons - done)
        built = _build_batch(rng, plan, plan.first_index + done, size)
        _store_batch(*built, plan=plan)
        done += size
        if progress:
            progress(size)
    return done
