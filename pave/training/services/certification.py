"""Certificates: issuing, revoking, the PDF and the public verification."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.core.audit import Actor, audit_record, audit_record_daily
from pave.training import certificates, selectors
from pave.training.models import (
    Attendance,
    Certificate,
    EventType,
)
from pave.training.services.common import (
    PUBLIC_ACTOR,
    acting_user,
    event_for_actor,
    require_manager,
)

# --- certificates ----------------------------------------------------------------------------


@transaction.atomic
def certificates_issue(
    *,
    actor: Actor,
    event_id: int,
    participant_ids: Sequence[int] | None = None,
    issued_on: datetime.date | None = None,
) -> list[Certificate]:
    """A certificate for each participant present at a session of the event (all of them,
    or those listed). Issued once: a participant who holds a valid one gets that one back,
    however many requests run at once (the database holds one valid certificate per
    participant and event). Issuing to all present skips a participant whose certificate was
    revoked; naming them issues a new one, with a new code."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    attended = set(
        Attendance.objects.filter(session__event=event, present=True).values_list(
            "participant_id", flat=True
        )
    )
    wanted = attended if participant_ids is None else set(participant_ids)
    absent = sorted(wanted - attended)
    if absent:
        raise ValidationError(
            {
                "participants": [
                    _("Not present at any session of this event: %s.") % ", ".join(map(str, absent))
                ]
            }
        )
    ours = Certificate.objects.filter(event=event, participant_id__in=wanted)
    held = set(ours.filter(revoked_at__isnull=True).values_list("participant_id", flat=True))
    missing = wanted - held
    if participant_ids is None:
        missing -= set(
            ours.filter(revoked_at__isnull=False).values_list("participant_id", flat=True)
        )
    day = issued_on or timezone.localdate()
    candidates = [
        Certificate(
            event=event,
            participant_id=pk,
            code=certificates.new_code(),
            issued_on=day,
            issued_by=acting_user(actor),
        )
        for pk in sorted(missing)
    ]
    # A request running at the same time may have issued some of them since: the unique
    # constraint keeps its certificate and skips ours (no error, no second certificate).
    Certificate.objects.bulk_create(candidates, ignore_conflicts=True)
    issued = list(
        Certificate.objects.filter(code__in=[c.code for c in candidates]).values_list(
            "participant_id", flat=True
        )
    )
    if issued:
        audit_record(
            actor=actor,
            action="training.certificate.issue",
            obj=event,
            detail={"participants": sorted(issued)},
        )
    return list(ours.filter(revoked_at__isnull=True).order_by("participant_id"))


def _certificate_for_actor(actor: Actor, certificate_id: int) -> Certificate:
    if isinstance(actor, User):
        return selectors.certificate_get_for_user(user=actor, certificate_id=certificate_id)
    certificate = (
        Certificate.objects.select_related("event__organisation", "participant")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate_id: int) -> Certificate:
    """Withdraw a certificate (issued in error): its code then verifies as revoked."""
    found = _certificate_for_actor(actor, certificate_id)
    require_manager(actor)
    certificate = Certificate.objects.select_for_update().get(pk=found.pk)
    if certificate.revoked_at is not None:
        raise ValidationError({"__all__": [_("This certificate was already revoked.")]})
    now = timezone.now()
    # Every valid certificate of the participant for the event: one since the database
    # says so, more in data written before it did (see migration 0003).
    Certificate.objects.filter(
        event_id=certificate.event_id,
        participant_id=certificate.participant_id,
        revoked_at__isnull=True,
    ).update(revoked_at=now, updated_at=now)
    certificate.revoked_at = now
    audit_record(
        actor=actor,
        action="training.certificate.revoke",
        obj=certificate,
        detail={"event": certificate.event_id, "participant": certificate.participant_id},
    )
    return certificate


def _date_range(first: datetime.date | None, last: datetime.date | None) -> str:
    if first is None or last is None:
        return ""
    if first == last:
        return date_format(first, "DATE_FORMAT")
    return f"{date_format(first, 'DATE_FORMAT')} – {date_format(last, 'DATE_FORMAT')}"


@transaction.atomic
def certificate_pdf(
    *,
    actor: Actor,
    certificate_id: int,
    verify_url: Callable[[str], str],
    language: str | None = None,
) -> tuple[Certificate, bytes]:
    """The certificate as a PDF in `language` (the active one by default). `verify_url`
    gives the public verification address of a code. Recorded as a read of the name."""
    certificate = _certificate_for_actor(actor, certificate_id)
    require_manager(actor)
    event = certificate.event
    first, last = selectors.event_dates(event)
    name = certificate.participant.full_name
    with translation.override(language or translation.get_language()):
        pdf = certificates.render_pdf(
            {
                "certificate": certificate,
                "event": event,
                "event_type": event.get_event_type_display(),
                "dates": _date_range(first, last),
                "name": name,
                "name_dir": certificates.direction(name),
                "title_dir": certificates.direction(event.title),
                "code": certificates.format_code(certificate.code),
                "verify_url": verify_url(certificates.format_code(certificate.code)),
                "partners": [p.name for p in event.partners.all()],
                "language": translation.get_language(),
                "language_dir": "rtl" if translation.get_language_bidi() else "ltr",
            }
        )
    audit_record(
        actor=actor,
        action="training.certificate.read",
        obj=certificate,
        fields=["participant.full_name"],
    )
    return certificate, pdf


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show: never more than initials."""

    code: str
    initials: str
    event_title: str
    event_type: str
    organiser: str
    dates: str
    issued_on: datetime.date
    valid: bool


@transaction.atomic
def certificate_verify(*, code: str) -> Verification:
    """Check a code anyone may hold; 404 when no certificate has it. Recorded (anonymously),
    since the initials are derived from a participant's name: the first check of a
    certificate each day, not every one (the view also limits checks per client address)."""
    certificate = selectors.certificate_by_code(code=certificates.normalise_code(code))
    if certificate is None:
        raise Http404("No certificate with this code.")
    event = certificate.event
    first, last = selectors.event_dates(event)
    audit_record_daily(
        actor=PUBLIC_ACTOR,
        action="training.certificate.verify",
        obj=certificate,
        fields=["participant.initials"],
    )
    return Verification(
        code=certificates.format_code(certificate.code),
        initials=certificates.initials(certificate.participant.full_name),
        event_title=event.title,
        event_type=str(EventType(event.event_type).label),
        organiser=event.organisation.name,
        dates=_date_range(first, last),
        issued_on=certificate.issued_on,
        valid=certificate.is_valid,
    )
