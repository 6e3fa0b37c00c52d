"""Participants: one record per person, matched within the organisation they work for;
recording, correcting, merging and re-indexing them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from pave.accounts.models import Organisation
from pave.core import codelists
from pave.core.audit import Actor, audit_record
from pave.core.crypto import keyring
from pave.core.normalise import normalise_name, normalise_phone
from pave.training.models import (
    Attendance,
    Certificate,
    KnowledgeTest,
    Participant,
    StakeholderGroup,
)
from pave.training.services.common import (
    EMAIL_PURPOSE,
    MAX_TEXT,
    NAME_PURPOSE,
    PARTICIPANT_FIELDS,
    PHONE_PURPOSE,
    acting_user,
    add_error,
    organisation_of,
    participant_for_actor,
    raise_if,
    require_manager,
)

# --- participants: matching ------------------------------------------------------------------


def match_scope(affiliation: str, country: str) -> str:
    """Where a person is looked for: the organisation they work for (normalised), or,
    without one, their country ("@lb"): the same name there is the same person."""
    key = normalise_name(affiliation or "")
    return key if key else f"@{(country or '').lower()}"


def normalise_email(text: str) -> str:
    return (text or "").strip().casefold()


def index_participant(participant: Participant) -> None:
    ring = keyring()
    participant.match_scope = match_scope(participant.affiliation, str(participant.country or ""))
    participant.name_bidx = ring.blind_index(normalise_name(participant.full_name), NAME_PURPOSE)
    participant.phone_bidx = ring.blind_index(normalise_phone(participant.phone), PHONE_PURPOSE)
    participant.email_bidx = ring.blind_index(normalise_email(participant.email), EMAIL_PURPOSE)


MATCH_FIELDS = ("full_name", "affiliation", "country", "phone", "email")


def _probe(data: Mapping[str, Any]) -> Participant:
    probe = Participant(**{name: str(data.get(name) or "") for name in MATCH_FIELDS})
    index_participant(probe)
    return probe


def participant_find(
    *, organisation_id: int, data: Mapping[str, Any], exclude_id: int | None = None
) -> Participant | None:
    """The participant `data` (full_name, affiliation, country, phone, email) is, if already
    recorded: same organisation worked for (or, with none, same country) and the same name —
    or the same phone or e-mail. A name match wins over a phone or e-mail match."""
    probe = _probe(data)
    match = Q(name_bidx=probe.name_bidx)
    if probe.phone_bidx:
        match |= Q(phone_bidx=probe.phone_bidx)
    if probe.email_bidx:
        match |= Q(email_bidx=probe.email_bidx)
    candidates = Participant.objects.filter(
        organisation_id=organisation_id, match_scope=probe.match_scope
    ).filter(match)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    found = list(candidates.order_by("pk")[:10])
    by_name = [p for p in found if p.name_bidx == probe.name_bidx]
    return by_name[0] if by_name else (found[0] if found else None)


def participants_match(
    *, organisation_id: int, people: Sequence[Mapping[str, Any]]
) -> list[Participant | None]:
    """participant_find for many people at once, in one query (sign-in sheets)."""
    probes = [_probe(data) for data in people]
    if not probes:
        return []
    condition = Q(name_bidx__in={p.name_bidx for p in probes})
    if phones := {p.phone_bidx for p in probes if p.phone_bidx}:
        condition |= Q(phone_bidx__in=phones)
    if emails := {p.email_bidx for p in probes if p.email_bidx}:
        condition |= Q(email_bidx__in=emails)
    candidates = Participant.objects.filter(
        organisation_id=organisation_id, match_scope__in={p.match_scope for p in probes}
    ).filter(condition)
    index: dict[tuple[str, str, str], Participant] = {}
    for candidate in candidates.order_by("pk"):
        for kind in ("name", "phone", "email"):
            digest = getattr(candidate, f"{kind}_bidx")
            if digest:
                index.setdefault((candidate.match_scope, kind, digest), candidate)
    found: list[Participant | None] = []
    for probe in probes:
        keys = [
            (probe.match_scope, kind, getattr(probe, f"{kind}_bidx"))
            for kind in ("name", "phone", "email")
            if getattr(probe, f"{kind}_bidx")
        ]
        found.append(next((index[key] for key in keys if key in index), None))
    return found


def fill_blanks(participant: Participant, data: Mapping[str, Any]) -> list[str]:
    """Complete a recorded participant with what a new entry adds (title, phone, e-mail, a
    known sex), never overwriting; returns the names filled (the caller saves)."""
    filled = []
    for name in ("title", "phone", "email"):
        if not getattr(participant, name) and data.get(name):
            setattr(participant, name, data[name])
            filled.append(name)
    if participant.sex == codelists.Sex.UNKNOWN and data.get("sex", "unknown") != "unknown":
        participant.sex = data["sex"]
        filled.append("sex")
    if filled:
        index_participant(participant)
    return filled


# --- participants: writes --------------------------------------------------------------------


def clean_participant(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validated participant fields (raises ValidationError naming every bad field)."""
    errors: dict[str, list[str]] = {}
    for name in sorted(set(data) - set(PARTICIPANT_FIELDS)):
        add_error(errors, name, _("Unknown field."))  # reported with the other field errors
    cleaned: dict[str, Any] = {}
    for name in PARTICIPANT_FIELDS:
        if name not in data:
            continue
        value = " ".join(str(data[name] or "").split())
        if len(value) > MAX_TEXT:
            add_error(errors, name, _("At most %(n)s characters.") % {"n": MAX_TEXT})
        cleaned[name] = value
    if (not partial or "full_name" in data) and not cleaned.get("full_name"):
        add_error(errors, "full_name", _("A name is required."))
    if not partial or "sex" in data:
        cleaned["sex"] = cleaned.get("sex") or codelists.Sex.UNKNOWN
        if cleaned["sex"] not in codelists.Sex.values:
            add_error(errors, "sex", _("Choose female, male, other or unknown."))
    group = cleaned.get("stakeholder_group")
    if (not partial or "stakeholder_group" in data) and group not in StakeholderGroup.values:
        add_error(
            errors,
            "stakeholder_group",
            _("Choose one of: %s.") % ", ".join(StakeholderGroup.values),
        )
    if cleaned.get("country"):
        cleaned["country"] = cleaned["country"].upper()
        if cleaned["country"] not in dict(countries):
            add_error(errors, "country", _("Not a country code (ISO 3166, e.g. LB)."))
    if cleaned.get("phone") and not 6 <= len(normalise_phone(cleaned["phone"])) <= 15:
        add_error(errors, "phone", _("A phone number has 6 to 15 digits."))
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            add_error(errors, "email", _("Not an e-mail address."))
    raise_if(errors)
    return cleaned


def insert_participant(
    *, actor: Actor, organisation: Organisation, data: Mapping[str, Any]
) -> Participant:
    participant = Participant(organisation=organisation, created_by=acting_user(actor), **data)
    index_participant(participant)
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:
        # Another request recorded the same person a moment ago.
        raise ValidationError(
            {"full_name": [_("This person was just recorded by someone else: try again.")]}
        ) from exc
    return participant


def _duplicate_error(existing: Participant) -> ValidationError:
    return ValidationError(
        {
            "__all__": [
                _(
                    "This person is already recorded as participant %(id)s (same organisation "
                    "and the same name, phone or e-mail)."
                )
                % {"id": existing.pk}
            ]
        }
    )


@transaction.atomic
def participant_create(
    *, actor: Actor, data: Mapping[str, Any], organisation: Organisation | None = None
) -> Participant:
    """Record a new participant; refused if the person is already recorded."""
    require_manager(actor)
    holder = organisation_of(actor, organisation)
    cleaned = clean_participant(data)
    existing = participant_find(organisation_id=holder.pk, data=cleaned)
    if existing is not None:
        raise _duplicate_error(existing)
    participant = insert_participant(actor=actor, organisation=holder, data=cleaned)
    audit_record(
        actor=actor, action="training.participant.create", obj=participant, fields=list(cleaned)
    )
    return participant


def participant_register(
    *, actor: Actor, organisation: Organisation, data: Mapping[str, Any]
) -> tuple[Participant, bool]:
    """The recorded participant this person is, or a new one: (participant, created).
    Call inside the caller's transaction and audit event; `data` is already clean."""
    existing = participant_find(organisation_id=organisation.pk, data=data)
    if existing is not None:
        if fill_blanks(existing, data):
            existing.save()
        return existing, False
    return insert_participant(actor=actor, organisation=organisation, data=data), True


@transaction.atomic
def participant_update(
    *, actor: Actor, participant_id: int, data: Mapping[str, Any]
) -> Participant:
    """Change some of a participant's fields. Becoming the same person as another recorded
    participant is refused: merge the two instead."""
    found = participant_for_actor(actor=actor, participant_id=participant_id)
    require_manager(actor)
    cleaned = clean_participant(data, partial=True)
    participant = Participant.objects.select_for_update().get(pk=found.pk)
    changed = [name for name, value in cleaned.items() if getattr(participant, name) != value]
    if not changed:
        return participant
    for name in changed:
        setattr(participant, name, cleaned[name])
    other = participant_find(
        organisation_id=participant.organisation_id,
        data={name: getattr(participant, name) for name in PARTICIPANT_FIELDS},
        exclude_id=participant.pk,
    )
    if other is not None:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "With these changes this would be the same person as participant "
                        "%(id)s: merge the two records instead."
                    )
                    % {"id": other.pk}
                ]
            }
        )
    index_participant(participant)
    participant.save()
    audit_record(actor=actor, action="training.participant.update", obj=participant, fields=changed)
    return participant


@dataclass(frozen=True)
class MergeResult:
    participant: Participant
    attendances: int
    tests: int
    certificates: int


def _merge_tests(keep: Participant, merge: Participant) -> int:
    moved = 0
    kept = {t.event_id: t for t in KnowledgeTest.objects.filter(participant=keep)}
    for test in KnowledgeTest.objects.filter(participant=merge):
        mine = kept.get(test.event_id)
        if mine is None:
            test.participant = keep
            test.save(update_fields=["participant", "updated_at"])
        else:
            for name in ("pre_score", "post_score"):
                if getattr(mine, name) is None and getattr(test, name) is not None:
                    setattr(mine, name, getattr(test, name))
            mine.save()
            test.delete()
        moved += 1
    return moved


def _merge_attendances(keep: Participant, merge: Participant) -> int:
    moved = 0
    kept = {a.session_id: a for a in Attendance.objects.filter(participant=keep)}
    for attendance in Attendance.objects.filter(participant=merge):
        mine = kept.get(attendance.session_id)
        if mine is None:
            attendance.participant = keep
            attendance.save(update_fields=["participant", "recorded_at"])
        else:
            if attendance.present and not mine.present:
                mine.present = True
                mine.save(update_fields=["present", "recorded_at"])
            attendance.delete()
        moved += 1
    return moved


@transaction.atomic
def participant_merge(*, actor: Actor, keep_id: int, merge_id: int) -> MergeResult:
    """Two records turned out to be one person: move the attendance, scores and
    certificates of `merge_id` to `keep_id`, fill the kept record's empty title, phone and
    e-mail from the other, and delete the other (its certificates' codes keep working)."""
    if keep_id == merge_id:
        raise ValidationError({"merge_id": [_("Choose two different participants.")]})
    keep_found = participant_for_actor(actor=actor, participant_id=keep_id)
    merge_found = participant_for_actor(actor=actor, participant_id=merge_id)
    require_manager(actor)
    if keep_found.organisation_id != merge_found.organisation_id:
        raise Http404("No such participant.")
    locked = {
        p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=[keep_id, merge_id])
    }
    keep, merge = locked[keep_id], locked[merge_id]
    attendances = _merge_attendances(keep, merge)
    tests = _merge_tests(keep, merge)
    # One valid certificate per person and event: where both records hold one, the kept
    # record's stays valid and the other is revoked (its code then verifies as revoked).
    held = Certificate.objects.filter(participant=keep, revoked_at__isnull=True)
    Certificate.objects.filter(
        participant=merge, revoked_at__isnull=True, event_id__in=held.values("event_id")
    ).update(revoked_at=timezone.now())
    certificates_moved = Certificate.objects.filter(participant=merge).update(participant=keep)
    filled = [name for name in ("title", "phone", "email") if not getattr(keep, name)]
    filled = [name for name in filled if getattr(merge, name)]
    for name in filled:
        setattr(keep, name, getattr(merge, name))
    merge.delete()
    index_participant(keep)
    keep.save()
    audit_record(
        actor=actor,
        action="training.participant.merge",
        obj=keep,
        fields=filled,
        detail={
            "merged": merge_id,
            "attendances": attendances,
            "tests": tests,
            "certificates": certificates_moved,
        },
    )
    return MergeResult(keep, attendances, tests, certificates_moved)


def participant_reindex_all(batch: int = 2000) -> int:
    """Recompute every participant's blind indexes under the current key (key rotation)."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            participants = list(Participant.objects.filter(pk__gt=last).order_by("pk")[:batch])
            if not participants:
                return done
            for participant in participants:
                index_participant(participant)
            Participant.objects.bulk_update(
                participants, ["match_scope", "name_bidx", "phone_bidx", "email_bidx"]
            )
        done += len(participants)
        last = participants[-1].pk
