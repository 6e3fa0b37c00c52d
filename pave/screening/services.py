"""Writes (and audited reads) of places, visits and screenings.

Every function takes `actor=`, runs in one transaction, validates before writing anything and
appends its audit event (field names only, never values) in that same transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from pave.accounts.models import User
from pave.accounts.roles import CASE_CREATORS
from pave.cases.models import Case
from pave.cases.services import case_open
from pave.core import codelists
from pave.core.audit import audit_record
from pave.core.toolkit import raise_if, reject_unknown_fields
from pave.screening import selectors
from pave.screening.engine import (
    DIMENSION_RULES,
    AnswerError,
    Assessment,
    Instrument,
    UnknownInstrument,
    assess,
)
from pave.screening.models import NO_INDICATION, Place, Screening, Visit

SUBJECT_FIELDS = (
    "detainee_number",
    "given_name",
    "family_name",
    "sex",
    "age_estimate",
    "citizenship",
)
PERSONAL_FIELDS = ("detainee_number", "given_name", "family_name")
CONSENT_ITEMS = (
    "informed_purpose",
    "informed_data_use",
    "informed_research_use",
    "informed_access_right",
    "informed_retention",
    "informed_withdrawal",
    "to_referral",
)
CONSENT_FIELDS = ("given", "method", *CONSENT_ITEMS)
# Without these three, consent to the interview is not informed (HTCDS consent guidance).
REQUIRED_FOR_CONSENT = ("informed_purpose", "informed_data_use", "informed_withdrawal")
# Which case type a screening outcome suggests; anything else is a vulnerable migrant.
CASE_TYPE_FOR_OUTCOME = {
    "trafficking": codelists.CaseType.VICTIM_OF_TRAFFICKING,
    "exploitation": codelists.CaseType.EXPLOITED_MIGRANT_WORKER,
    "forced_labour": codelists.CaseType.EXPLOITED_MIGRANT_WORKER,
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _require_screener(actor: User) -> None:
    if actor.role not in selectors.SCREENERS or not actor.organisation_id:
        raise PermissionDenied(_("Your role cannot record screenings."))


# --- places and visits -----------------------------------------------------------------------


@transaction.atomic
def place_create(*, actor: User, name: str, kind: str, country: str, city: str = "") -> Place:
    _require_screener(actor)
    place = Place(
        organisation_id=actor.organisation_id,
        name=name.strip(),
        kind=kind,
        country=(country or "").upper(),
        city=city.strip(),
    )
    place.full_clean()
    place.save()
    audit_record(
        actor=actor, action="place.create", obj=place, fields=["name", "kind", "country", "city"]
    )
    return place


@transaction.atomic
def visit_create(
    *, actor: User, place_id: int, visited_on: datetime.date, team: str = "", notes: str = ""
) -> Visit:
    """A visit of the actor's organisation to one of its places; one per place and day."""
    _require_screener(actor)
    place = selectors.place_list(user=actor).filter(pk=place_id).first()
    if place is None:
        raise ValidationError({"place": [_("Choose one of your organisation's places.")]})
    visit = Visit(
        organisation_id=actor.organisation_id,
        place=place,
        visited_on=visited_on,
        team=team.strip(),
        notes=notes.strip(),
        created_by=actor,
    )
    errors: dict[str, list[str]] = {}
    try:
        visit.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if visited_on and visited_on > timezone.localdate():
        errors.setdefault("visited_on", []).append(_("The date cannot be in the future."))
    raise_if(errors)
    visit.save()
    fields = ["place", "visited_on", *(["team"] if team else []), *(["notes"] if notes else [])]
    audit_record(actor=actor, action="visit.create", obj=visit, fields=fields)
    return visit


# --- screenings ------------------------------------------------------------------------------


def stored_assessment(assessment: Assessment) -> dict[str, Any]:
    """What a screening keeps of its assessment: the contract result, the explanation in
    words, and a per-dimension account with labels so it reads the same without the files."""
    instrument = assessment.instrument
    indicators = instrument.indicators
    reason = DIMENSION_RULES[instrument.dimension_rule].reason
    why = [
        {
            "dimension": result.code,
            "title": result.title,
            "positive": result.positive,
            "reason": reason(result.strong, result.medium, result.weak),
            "observed": [
                {
                    "code": code,
                    "strength": indicators[code].strength,
                    "label": indicators[code].label,
                }
                for code in result.observed
            ],
        }
        for result in assessment.dimension_results()
    ]
    return {
        **assessment.to_dict(),
        "title": instrument.title,
        "dimension_rule": instrument.dimension_rule,
        "explanation": assessment.explanation(),
        "why": why,
    }


def _instrument(code: str, version: int | None) -> Instrument:
    registry = selectors.instrument_registry()
    try:
        return registry.get(code, version)
    except UnknownInstrument as exc:
        key = "version" if code in registry else "instrument"
        raise ValidationError({key: [str(exc)]}) from None


def _assess(instrument: Instrument, answers: Any) -> Assessment:
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": [_("Expected an object of indicator codes.")]})
    try:
        return assess(instrument, answers)
    except AnswerError as exc:
        raise ValidationError({f"answers.{exc.code}": [str(exc)]}) from None


def _where(
    actor: User, place_id: int | None, visit_id: int | None
) -> tuple[Place | None, Visit | None]:
    """The visit and place of a screening; a visit implies its place."""
    visit = place = None
    if visit_id is not None:
        visit = selectors.visit_queryset_for_user(user=actor).filter(pk=visit_id).first()
        if visit is None:
            raise ValidationError({"visit": [_("Choose one of your organisation's visits.")]})
        place = visit.place
        if place_id is not None and place_id != place.pk:
            raise ValidationError({"place": [_("The place must be the visit's place.")]})
    elif place_id is not None:
        place = selectors.place_list(user=actor).filter(pk=place_id).first()
        if place is None:
            raise ValidationError({"place": [_("Choose one of your organisation's places.")]})
    return place, visit


def _consent_errors(consent: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(consent.get("given"), bool):
        errors["consent.given"] = [_("Say whether the person consents to the interview.")]
    elif consent["given"]:
        if not consent.get("method"):
            errors["consent.method"] = [_("Say how consent was obtained.")]
        for item in REQUIRED_FOR_CONSENT:
            if consent.get(item) is not True:
                errors[f"consent.{item}"] = [
                    _("Consent is informed only when the person was told this.")
                ]
    return errors


def _clean_subject(subject: Mapping[str, Any]) -> dict[str, Any]:
    data = {name: subject.get(name) for name in SUBJECT_FIELDS if name in subject}
    for name in PERSONAL_FIELDS:
        data[name] = (data.get(name) or "").strip()
    data["sex"] = data.get("sex") or codelists.Sex.UNKNOWN
    codes = data.get("citizenship") or []
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        raise ValidationError({"subject.citizenship": [_("Expected a list of country codes.")]})
    codes = [str(code).upper() for code in codes]
    unknown = [code for code in codes if code not in dict(countries)]
    if unknown:
        raise ValidationError(
            {"subject.citizenship": [_("Unknown country code(s): %s") % ", ".join(unknown)]}
        )
    data["citizenship"] = list(dict.fromkeys(codes))
    return data


_PREFIXES = {
    **{f"consent_{name}": f"consent.{name}" for name in CONSENT_FIELDS},
    **{name: f"subject.{name}" for name in SUBJECT_FIELDS},
    "instrument_code": "instrument",
}


def _prefixed(exc: ValidationError) -> dict[str, list[str]]:
    return {_PREFIXES.get(name, name): msgs for name, msgs in exc.message_dict.items()}


@transaction.atomic
def screening_submit(
    *,
    actor: User,
    instrument_code: str,
    version: int | None = None,
    answers: Mapping[str, Any] | None = None,
    interviewed_on: datetime.date,
    language: str,
    interpreter_used: bool = False,
    place_id: int | None = None,
    visit_id: int | None = None,
    consent: Mapping[str, Any],
    subject: Mapping[str, Any] | None = None,
    flag_for_follow_up: bool = False,
) -> Screening:
    """Record a screening interview and its assessment, computed now and never again.

    `consent` holds `given`, `method` and the guidance items (CONSENT_ITEMS, booleans);
    `subject` holds SUBJECT_FIELDS (all optional: a screening may be anonymous). Without consent
    only the refusal is recorded, and answers or personal data are refused, not discarded.
    Errors are keyed `instrument`, `version`, `answers.<code>`, `consent.<item>`,
    `subject.<field>` or the screening field's name.
    """
    _require_screener(actor)
    consent, subject, answers = dict(consent), dict(subject or {}), answers or {}
    reject_unknown_fields(consent, CONSENT_FIELDS, "consent.")
    reject_unknown_fields(subject, SUBJECT_FIELDS, "subject.")
    instrument = _instrument(instrument_code, version)
    errors = _consent_errors(consent)
    raise_if(errors)
    place, visit = _where(actor, place_id, visit_id)
    if not consent["given"]:
        return _record_refusal(
            actor,
            instrument,
            answers,
            subject,
            consent,
            place,
            visit,
            interviewed_on=interviewed_on,
            language=language,
            interpreter_used=interpreter_used,
        )
    assessment = _assess(instrument, answers)
    screening = Screening(
        organisation_id=actor.organisation_id,
        interviewer=actor,
        visit=visit,
        place=place,
        interviewed_on=interviewed_on,
        language=(language or "").strip().lower(),
        interpreter_used=bool(interpreter_used),
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        answers=dict(answers),
        assessment=stored_assessment(assessment),
        outcome=assessment.outcome.code,
        flagged_for_follow_up=assessment.outcome.code != NO_INDICATION or flag_for_follow_up,
        **{f"consent_{name}": consent.get(name) or False for name in CONSENT_ITEMS},
        consent_given=True,
        consent_method=consent["method"],
        **_clean_subject(subject),
    )
    screening.detainee_number_bidx = selectors.detainee_number_index(screening.detainee_number)
    _validate_and_save(screening)
    audit_record(
        actor=actor,
        action="screening.create",
        obj=screening,
        fields=["answers", "consent", *(name for name in SUBJECT_FIELDS if subject.get(name))],
        detail={"instrument": instrument.label},
    )
    return screening


def _record_refusal(
    actor: User,
    instrument: Instrument,
    answers: Mapping[str, Any],
    subject: Mapping[str, Any],
    consent: Mapping[str, Any],
    place: Place | None,
    visit: Visit | None,
    **interview: Any,
) -> Screening:
    errors: dict[str, list[str]] = {}
    if answers:
        errors["answers"] = [_("No answers may be recorded without consent to the interview.")]
    if any(value not in (None, "", [], codelists.Sex.UNKNOWN) for value in subject.values()):
        errors["subject"] = [
            _("No personal data may be recorded without consent to the interview.")
        ]
    raise_if(errors)
    screening = Screening(
        organisation_id=actor.organisation_id,
        interviewer=actor,
        visit=visit,
        place=place,
        interviewed_on=interview["interviewed_on"],
        language=(interview["language"] or "").strip().lower(),
        interpreter_used=bool(interview["interpreter_used"]),
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        consent_given=False,
        consent_method="",
        **{f"consent_{name}": bool(consent.get(name)) for name in CONSENT_ITEMS},
    )
    _validate_and_save(screening)
    audit_record(actor=actor, action="screening.refusal", obj=screening, fields=["consent"])
    return screening


def _validate_and_save(screening: Screening) -> None:
    errors: dict[str, list[str]] = {}
    try:
        screening.full_clean(exclude=["organisation", "interviewer", "case"])
    except ValidationError as exc:
        errors.update(_prefixed(exc))
    if screening.language and not _LANGUAGE.match(screening.language):
        errors.setdefault("language", []).append(
            _("Use an ISO 639 language code of two or three letters, e.g. am.")
        )
    day = screening.interviewed_on
    if isinstance(day, datetime.date) and day > timezone.localdate():
        errors.setdefault("interviewed_on", []).append(_("The date cannot be in the future."))
    if screening.visit and day and screening.visit.visited_on != day:
        errors.setdefault("interviewed_on", []).append(
            _("A screening during a visit takes place on the day of the visit.")
        )
    raise_if(errors)
    screening.save()


@transaction.atomic
def screening_flag(*, actor: User, screening_id: int, flagged: bool) -> Screening:
    """Flag a screening for follow-up, or unflag one whose outcome found no indication."""
    screening = selectors.screening_get_for_user(user=actor, screening_id=screening_id)
    _require_screener(actor)
    if screening.refused:
        raise ValidationError({"flagged_for_follow_up": [_("The person refused the interview.")]})
    if not flagged and screening.outcome != NO_INDICATION:
        raise ValidationError(
            {
                "flagged_for_follow_up": [
                    _("A screening with indications always stays flagged for follow-up.")
                ]
            }
        )
    if screening.flagged_for_follow_up != flagged:
        screening.flagged_for_follow_up = flagged
        screening.save(update_fields=["flagged_for_follow_up", "updated_at"])
        audit_record(
            actor=actor, action="screening.update", obj=screening, fields=["flagged_for_follow_up"]
        )
    return screening


def case_type_for(outcome: str) -> str:
    return str(CASE_TYPE_FOR_OUTCOME.get(outcome, codelists.CaseType.VULNERABLE_MIGRANT))


def case_data_from_screening(screening: Screening) -> tuple[dict[str, Any], dict[str, Any]]:
    """The person and case data a screening carries over into a new case."""
    person: dict[str, Any] = {
        "given_name": screening.given_name,
        "family_name": screening.family_name,
        "sex": screening.sex,
        "age_estimate": screening.age_estimate,
        "citizenship": list(screening.citizenship or []),
        "languages": [screening.language] if screening.language else [],
    }
    place = screening.place
    case: dict[str, Any] = {
        "case_type": case_type_for(screening.outcome),
        "country": str(place.country) if place else str(screening.organisation.country),
        "identification_source": codelists.IdentificationSource.SCREENING,
        "identification_date": screening.interviewed_on,
    }
    if screening.outcome == "trafficking":
        case["trafficking_status"] = codelists.TraffickingStatus.POSSIBLE
    return person, case


@transaction.atomic
def screening_open_case(
    *,
    actor: User,
    screening_id: int,
    person: Mapping[str, Any] | None = None,
    case: Mapping[str, Any] | None = None,
) -> Case:
    """Open a case from a screening: what the screening knows about the person and the
    outcome's case type are carried over (`person` and `case` override them), and the
    screening is linked to the new case."""
    screening = selectors.screening_get_for_user(user=actor, screening_id=screening_id)
    if actor.role not in CASE_CREATORS:
        raise PermissionDenied(_("Your role cannot open cases."))
    locked = Screening.objects.select_for_update().get(pk=screening.pk)
    if locked.case_id is not None:
        raise ValidationError({"case": [_("A case was already opened from this screening.")]})
    if screening.refused:
        raise ValidationError({"case": [_("The person refused the interview.")]})
    person_data, case_data = case_data_from_screening(screening)
    person_data.update(person or {})
    case_data.update(case or {})
    person_data = {k: v for k, v in person_data.items() if v not in (None, "", [])}
    new_case = case_open(actor=actor, person=person_data, case=case_data)
    screening.case = new_case
    screening.save(update_fields=["case", "updated_at"])
    audit_record(
        actor=actor,
        action="screening.open_case",
        obj=screening,
        fields=["case"],
        detail={"case": new_case.pk},
    )
    return new_case


# --- audited reads ---------------------------------------------------------------------------


@transaction.atomic
def screening_read(*, actor: User, screening_id: int) -> Screening:
    """Fetch a screening with the person's data for display, recording the read."""
    screening = selectors.screening_get_for_user(user=actor, screening_id=screening_id)
    audit_record(
        actor=actor, action="screening.read", obj=screening, fields=[*PERSONAL_FIELDS, "answers"]
    )
    return screening


def screening_search(
    *, actor: User, filters: selectors.ScreeningFilters, limit: int, offset: int = 0
) -> tuple[list[Screening], int]:
    """A page of the user's screenings and the total; records which screenings were shown."""
    if not selectors.can_see_screenings(actor):
        raise PermissionDenied(_("Your role gives no access to person-level data."))
    screenings: QuerySet[Screening] = selectors.screening_list(user=actor, filters=filters)
    total = screenings.count()
    page = list(screenings[offset : offset + limit])
    if page:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="screening.list",
                object_type="screening",
                fields=list(PERSONAL_FIELDS),
                detail={"filters": filters.used(), "screenings": [s.pk for s in page]},
            )
    return page, total


def visit_read(*, actor: User, visit_id: int) -> tuple[Visit, list[Screening]]:
    """A visit and the screenings of it the user may see; the read is recorded."""
    visit = selectors.visit_get_for_user(user=actor, visit_id=visit_id)
    screenings = list(
        selectors.screening_list(user=actor, filters=selectors.ScreeningFilters(visit=visit.pk))
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="visit.read",
            obj=visit,
            fields=["notes", *PERSONAL_FIELDS],
            detail={"screenings": [s.pk for s in screenings]},
        )
    return visit, screenings


# --- key rotation ----------------------------------------------------------------------------


def screening_reindex_all(batch: int = 2000) -> int:
    """Recompute every detainee-number blind index under the current key."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                Screening.objects.filter(pk__gt=last)
                .exclude(detainee_number="")
                .order_by("pk")[:batch]
            )
            if not rows:
                return done
            for screening in rows:
                screening.detainee_number_bidx = selectors.detainee_number_index(
                    screening.detainee_number
                )
            Screening.objects.bulk_update(rows, ["detainee_number_bidx"])
        done += len(rows)
        last = rows[-1].pk
