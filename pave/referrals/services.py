"""Writes (and audited reads) of consent, referrals and the service directory.

Every function takes `actor=`, runs in one transaction, validates before writing, and appends
its audit event (field names, never values) in that same transaction. Notifications are
created in the transaction too; their e-mail leaves after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pave.accounts.models import Organisation, User
from pave.accounts.roles import CaseScope
from pave.assistance.models import ServiceType
from pave.cases.models import Case
from pave.cases.selectors import case_get_for_user, case_queryset_for_user
from pave.core.audit import audit_record
from pave.notifications.models import NotificationKind
from pave.notifications.services import notify
from pave.referrals import selectors
from pave.referrals.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralReason,
    ReferralStatus,
    ServiceDirectoryEntry,
    SharedField,
)
from pave.referrals.roles import (
    CONSENT_RECORDERS,
    DIRECTORY_EDITORS,
    OVERRIDERS,
    SENDERS,
)
from pave.referrals.selectors import RECEIVED, SENT

CONSENT_WITHDRAWN = "consent withdrawn"
MAX_TEXT = 20000


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(errors: dict[str, list[str]], name: str, value: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    if len(value) > MAX_TEXT:
        errors.setdefault(name, []).append(_("At most %(n)s characters.") % {"n": MAX_TEXT})
    return value


# --- consent ---------------------------------------------------------------------------------


def consent_get_for_user(*, user: User, consent_id: int) -> Consent:
    """A consent of a case the user may see; otherwise 404."""
    consent = (
        Consent.objects.filter(pk=consent_id, case__in=case_queryset_for_user(user=user))
        .select_related("case", "organisation")
        .first()
    )
    if consent is None:
        raise Http404("No such consent.")
    return consent


@transaction.atomic
def consent_list(*, actor: User, case_id: int) -> tuple[Case, list[Consent]]:
    """A case's consents with their notes, recording the read."""
    case = case_get_for_user(user=actor, case_id=case_id)
    consents = list(selectors.consents_of_case(case=case))
    audit_record(actor=actor, action="case.consents.read", obj=case, fields=["consent.notes"])
    return case, consents


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case_id: int,
    purpose: str,
    given_on: datetime.date,
    how_obtained: str,
    organisation_id: int | None = None,
    any_organisation: bool = False,
    notes: str = "",
) -> Consent:
    """Record a consent the person gave. A referral consent names the organisation, or says
    explicitly (`any_organisation`) that it covers any; other purposes name none."""
    case = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in CONSENT_RECORDERS:
        raise PermissionDenied(_("Your role cannot record consent."))
    errors: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Choose processing, referral or statistics.")]
    if how_obtained not in ConsentMethod.values:
        errors["how_obtained"] = [_("Choose how the consent was obtained.")]
    if given_on and given_on > timezone.localdate():
        errors["given_on"] = [_("Consent cannot be given in the future.")]
    if purpose == ConsentPurpose.REFERRAL:
        if any_organisation and organisation_id:
            errors["organisation"] = [
                _("Name one organisation, or record consent for any organisation: not both.")
            ]
        elif not any_organisation and not organisation_id:
            errors["organisation"] = [
                _("Name the organisation the person agrees to be referred to.")
            ]
        elif organisation_id and not Organisation.objects.filter(pk=organisation_id).exists():
            errors["organisation"] = [_("No such organisation.")]
    elif organisation_id or any_organisation:
        errors["organisation"] = [_("Only a consent to referral names an organisation.")]
    notes = _text(errors, "notes", notes)
    _raise_if(errors)
    consent = Consent(
        case=case,
        purpose=purpose,
        organisation_id=organisation_id if purpose == ConsentPurpose.REFERRAL else None,
        any_organisation=bool(any_organisation) and purpose == ConsentPurpose.REFERRAL,
        given_on=given_on,
        how_obtained=how_obtained,
        obtained_by=actor,
        notes=notes,
    )
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        action="consent.create",
        obj=case,
        fields=[f"consent.{name}" for name in ("purpose", "organisation", "given_on", "notes")],
        detail={"consent": consent.pk, "purpose": purpose},
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent_id: int, withdrawn_on: datetime.date | None = None
) -> Consent:
    """Record that the person withdrew a consent, from `withdrawn_on` (today by default).

    From then on it is respected: open referrals that relied on a withdrawn referral consent
    are revoked with the reason "consent withdrawn" and the receiving side is told.
    """
    found = consent_get_for_user(user=actor, consent_id=consent_id)
    if actor.role not in CONSENT_RECORDERS:
        raise PermissionDenied(_("Your role cannot record consent."))
    consent = Consent.objects.select_for_update().get(pk=found.pk)
    today = timezone.localdate()
    day = withdrawn_on or today
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": [_("This consent was already withdrawn.")]})
    if day > today:
        raise ValidationError({"withdrawn_on": [_("A withdrawal cannot be in the future.")]})
    if day < consent.given_on:
        raise ValidationError(
            {"withdrawn_on": [_("A consent cannot be withdrawn before it was given.")]}
        )
    consent.withdrawn_on = day
    consent.withdrawal_recorded_by = actor
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action="consent.withdraw",
        obj=found.case,
        fields=["consent.withdrawn_on"],
        detail={"consent": consent.pk, "purpose": consent.purpose},
    )
    if consent.purpose == ConsentPurpose.REFERRAL:
        # An accepted transfer is over: the case already belongs to the receiver.
        relying = (
            Referral.objects.select_for_update()
            .filter(consent=consent, status__in=OPEN_STATUSES)
            .exclude(transfer_ownership=True, status=ReferralStatus.ACCEPTED)
        )
        for referral in relying:
            _revoke(referral, actor=actor, reason=CONSENT_WITHDRAWN, automatic=True)
    return consent


# --- referrals: sending ----------------------------------------------------------------------


def _no_consent_message(case: Case, to_org: Organisation) -> str:
    """Why there is no valid consent, as precisely as the records say."""
    referral_consents = Consent.objects.filter(case=case, purpose=ConsentPurpose.REFERRAL)
    for_this = referral_consents.filter(organisation=to_org) | referral_consents.filter(
        any_organisation=True
    )
    withdrawn = for_this.filter(withdrawn_on__isnull=False).order_by("-withdrawn_on").first()
    base = _(
        "The person has not given valid consent to be referred to %(org)s, so the referral "
        "was not sent."
    ) % {"org": to_org.name}
    if withdrawn is not None and withdrawn.withdrawn_on is not None:
        base = _(
            "The person withdrew their consent to be referred to %(org)s on %(day)s, so the "
            "referral was not sent."
        ) % {"org": to_org.name, "day": withdrawn.withdrawn_on.isoformat()}
    elif for_this.filter(given_on__gt=timezone.localdate()).exists():
        base = _("The person's consent to be referred to %(org)s is not yet in force.") % {
            "org": to_org.name
        }
    elif referral_consents.exists():
        base = _(
            "The person's consent to referral names other organisations, not %(org)s, so "
            "the referral was not sent."
        ) % {"org": to_org.name}
    return " ".join(
        [
            base,
            _(
                "Record the person's consent (purpose: referral, to this organisation) first, "
                "or ask a case manager to refer without it, giving a written reason."
            ),
        ]
    )


def _services(errors: dict[str, list[str]], service_ids: Iterable[int]) -> list[ServiceType]:
    ids = list(dict.fromkeys(int(pk) for pk in service_ids or []))
    services = list(ServiceType.objects.filter(pk__in=ids, active=True))
    if not ids:
        errors["services"] = [_("Choose at least one service to request.")]
    elif len(services) != len(ids):
        errors["services"] = [_("Choose services from the catalogue.")]
    return services


def _shared_fields(errors: dict[str, list[str]], names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(names or []))
    unknown = [name for name in names if name not in SharedField.values]
    if unknown:
        errors["shared_fields"] = [_("Cannot be shared: %s") % ", ".join(map(str, unknown))]
    # Stored in the catalogue's order, whatever order they came in.
    return [name for name in SharedField.values if name in names]


def _to_org(errors: dict[str, list[str]], actor: User, to_org_id: int | None) -> Any:
    to_org = Organisation.objects.filter(pk=to_org_id).first() if to_org_id else None
    if to_org is None:
        errors["to_org"] = [_("Choose the organisation to refer to.")]
    elif to_org.pk == actor.organisation_id:
        errors["to_org"] = [_("A referral goes to another organisation.")]
    return to_org


def _notify(
    recipients: Iterable[User | None], kind: str, message: Callable[[], str], url: str
) -> None:
    """Notify in each recipient's own language: `message` is built once per language."""
    by_language: dict[str, list[User]] = {}
    for user in recipients:
        if user is not None:
            language = user.preferred_language or settings.LANGUAGE_CODE
            by_language.setdefault(language, []).append(user)
    for language, users in by_language.items():
        with translation.override(language):
            notify(recipients=users, kind=kind, message=message(), url=url)


def _receivers_message(referral: Referral, services: list[ServiceType]) -> str:
    return _(
        "Referral #%(id)s received from %(org)s: %(count)s service(s) requested; "
        "please answer by %(due)s."
    ) % {
        "id": referral.pk,
        "org": referral.from_org.name,
        "count": len(services),
        "due": timezone.localtime(referral.due_by).date().isoformat(),
    }


def referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case_id: int,
    to_org_id: int | None,
    service_ids: Iterable[int],
    reason: str,
    details_for_receiver: str = "",
    shared_fields: Iterable[str] = (),
    transfer_ownership: bool = False,
    override_reason: str = "",
) -> Referral:
    """Refer a case to another organisation for services, with the person's consent.

    Without a valid referral consent for that organisation the referral is refused, unless
    a case manager or administrator gives a written `override_reason` (audited separately).
    """
    case = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in SENDERS:
        raise PermissionDenied(_("Your role cannot refer cases."))
    errors: dict[str, list[str]] = {}
    to_org = _to_org(errors, actor, to_org_id)
    services = _services(errors, service_ids)
    shared = _shared_fields(errors, shared_fields)
    if reason not in ReferralReason.values:
        errors["reason"] = [_("Choose the reason for the referral.")]
    details = _text(errors, "details_for_receiver", details_for_receiver)
    override = _text(errors, "override_reason", override_reason)
    if transfer_ownership and actor.role not in OVERRIDERS:
        errors["transfer_ownership"] = [
            _("Only a case manager or an administrator can transfer a case.")
        ]
    if (
        to_org is not None
        and Referral.objects.filter(case=case, to_org=to_org, status__in=OPEN_STATUSES).exists()
    ):
        errors["to_org"] = [
            _("This case already has an open referral to %(org)s.") % {"org": to_org.name}
        ]
    _raise_if(errors)
    consent = selectors.valid_referral_consent(case=case, to_org_id=to_org.pk)
    if consent is None and not override:
        raise ValidationError({"consent": [_no_consent_message(case, to_org)]})
    if consent is None and actor.role not in OVERRIDERS:
        raise PermissionDenied(
            _("Only a case manager or an administrator may refer without valid consent.")
        )
    now = timezone.now()
    referral = Referral(
        case=case,
        from_org_id=actor.organisation_id,
        to_org=to_org,
        reason=reason,
        details_for_receiver=details,
        shared_fields=shared,
        transfer_ownership=bool(transfer_ownership),
        consent=consent,
        override_reason="" if consent else override,
        override_by=None if consent else actor,
        sent_by=actor,
        sent_at=now,
        due_by=now + timedelta(days=settings.PAVE_REFERRAL_RESPONSE_DAYS),
    )
    referral.full_clean()
    referral.save()
    referral.services.set(services)
    audit_record(
        actor=actor,
        action="referral.send",
        obj=referral,
        fields=["to_org", "services", "reason", "details_for_receiver", "shared_fields"],
        detail={
            "case": case.pk,
            "to_org": to_org.pk,
            "shared": shared,
            "consent": consent.pk if consent else None,
            "transfer_ownership": referral.transfer_ownership,
        },
    )
    if consent is None:
        audit_record(
            actor=actor,
            action="referral.consent_override",
            obj=referral,
            fields=["override_reason"],
            detail={"case": case.pk, "to_org": to_org.pk},
        )
    _notify(
        selectors.receiving_users(organisation_id=to_org.pk),
        NotificationKind.REFERRAL_RECEIVED,
        lambda: _receivers_message(referral, services),
        referral_url(referral),
    )
    return referral


# --- referrals: answering and closing --------------------------------------------------------

_NOT_ALLOWED: dict[str, Any] = {
    ReferralStatus.ACCEPTED: gettext_lazy(
        "The referral is %(current)s: it can no longer be accepted."
    ),
    ReferralStatus.DECLINED: gettext_lazy(
        "The referral is %(current)s: it can no longer be declined."
    ),
    ReferralStatus.COMPLETED: gettext_lazy(
        "The referral is %(current)s: only an accepted referral can be completed."
    ),
    ReferralStatus.REVOKED: gettext_lazy(
        "The referral is %(current)s: it can no longer be revoked."
    ),
}


def _for_action(actor: User, referral_id: int, side: str) -> Referral:
    """The referral, locked, if the actor sees it from `side`; 404 if not at all; else 403."""
    referral, seen_from = selectors.referral_get_for_user(user=actor, referral_id=referral_id)
    if seen_from != side:
        if side == RECEIVED:
            raise PermissionDenied(_("Only the organisation a referral was sent to answers it."))
        raise PermissionDenied(_("Only the organisation that sent a referral can revoke it."))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    locked.case, locked.from_org, locked.to_org = referral.case, referral.from_org, referral.to_org
    return locked


def _move(referral: Referral, target: str) -> None:
    if target not in TRANSITIONS.get(referral.status, frozenset()):
        current = ReferralStatus(referral.status).label.lower()
        raise ValidationError({"status": [str(_NOT_ALLOWED[target]) % {"current": current}]})
    referral.status = target


def _sender_side(referral: Referral) -> list[User]:
    """Who on the sending side hears about an answer: the sender and the assigned worker."""
    people = [referral.sent_by, referral.case.assigned_to]
    return [u for u in people if u is not None and u.organisation_id == referral.from_org_id]


def _notify_sender(referral: Referral) -> None:
    _notify(
        _sender_side(referral),
        NotificationKind.REFERRAL_ANSWERED,
        lambda: (
            _("Referral #%(id)s to %(org)s: %(status)s.")
            % {
                "id": referral.pk,
                "org": referral.to_org.name,
                "status": str(ReferralStatus(referral.status).label).lower(),
            }
        ),
        referral_url(referral),
    )


def _transfer_case(referral: Referral, *, actor: User) -> None:
    """Move the case (and its person, unless they have a case elsewhere) to the receiving
    organisation, assigned to the person who accepted: the sender loses access."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=referral.case_id)
    )
    from_org_id = case.organisation_id
    case.organisation_id = referral.to_org_id
    case.assigned_to = actor
    case.office = None
    case.version += 1
    case.save(update_fields=["organisation", "assigned_to", "office", "version", "updated_at"])
    person = case.person
    if not Case.objects.filter(person=person).exclude(organisation_id=referral.to_org_id).exists():
        person.organisation_id = referral.to_org_id
        person.save(update_fields=["organisation", "updated_at"])
    audit_record(
        actor=actor,
        action="case.transfer",
        obj=case,
        fields=["organisation", "assigned_to", "office"],
        detail={"referral": referral.pk, "from_org": from_org_id, "to_org": referral.to_org_id},
    )


@transaction.atomic
def referral_accept(*, actor: User, referral_id: int) -> Referral:
    """Accept a referral sent to the actor's organisation; a transfer moves the case."""
    referral = _for_action(actor, referral_id, RECEIVED)
    _move(referral, ReferralStatus.ACCEPTED)
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    audit_record(
        actor=actor, action="referral.accept", obj=referral, detail={"case": referral.case_id}
    )
    _notify_sender(referral)
    if referral.transfer_ownership:
        _transfer_case(referral, actor=actor)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral_id: int, reason: str) -> Referral:
    referral = _for_action(actor, referral_id, RECEIVED)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=True)
    if errors:
        errors["reason"] = [_("Say why the referral is declined.")]
    _raise_if(errors)
    _move(referral, ReferralStatus.DECLINED)
    referral.decline_reason = reason
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.save(
        update_fields=["status", "decline_reason", "responded_by", "responded_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="referral.decline",
        obj=referral,
        fields=["decline_reason"],
        detail={"case": referral.case_id},
    )
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_complete(*, actor: User, referral_id: int) -> Referral:
    """The receiving organisation provided the services."""
    referral = _for_action(actor, referral_id, RECEIVED)
    _move(referral, ReferralStatus.COMPLETED)
    referral.completed_at = timezone.now()
    referral.save(update_fields=["status", "completed_at", "updated_at"])
    audit_record(
        actor=actor, action="referral.complete", obj=referral, detail={"case": referral.case_id}
    )
    _notify_sender(referral)
    return referral


def _revoke(referral: Referral, *, actor: User, reason: str, automatic: bool = False) -> None:
    _move(referral, ReferralStatus.REVOKED)
    referral.revoked_by, referral.revoked_at = actor, timezone.now()
    referral.revoke_reason = reason
    referral.save(
        update_fields=["status", "revoked_by", "revoked_at", "revoke_reason", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="referral.revoke",
        obj=referral,
        fields=["revoke_reason"],
        detail={"case": referral.case_id, "automatic": automatic},
    )
    _notify(
        selectors.receiving_users(organisation_id=referral.to_org_id),
        NotificationKind.REFERRAL_REVOKED,
        lambda: (
            _("Referral #%(id)s from %(org)s was revoked: please stop working on it.")
            % {"id": referral.pk, "org": referral.from_org.name}
        ),
        referral_url(referral),
    )


@transaction.atomic
def referral_revoke(*, actor: User, referral_id: int, reason: str) -> Referral:
    """The sending organisation withdraws a referral that is still open."""
    referral = _for_action(actor, referral_id, SENT)
    if actor.role not in SENDERS:
        raise PermissionDenied(_("Your role cannot revoke referrals."))
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=True)
    if errors:
        errors["reason"] = [_("Say why the referral is revoked.")]
    _raise_if(errors)
    if referral.transfer_ownership and referral.status == ReferralStatus.ACCEPTED:
        raise ValidationError(
            {"status": [_("The case was transferred when this referral was accepted.")]}
        )
    _revoke(referral, actor=actor, reason=reason)
    return referral


# --- referrals: audited reads ----------------------------------------------------------------


def case_visible(*, user: User, case_id: int) -> bool:
    return case_queryset_for_user(user=user).filter(pk=case_id).exists()


@transaction.atomic
def referral_read(*, actor: User, referral_id: int) -> tuple[Referral, str, bool]:
    """A referral, the side the actor sees it from, and whether they may see the shared
    person fields (receiving side: while open; sending side: while they can see the case).
    The read is recorded with the names of the fields shown."""
    referral, side = selectors.referral_get_for_user(user=actor, referral_id=referral_id)
    if side == RECEIVED:
        shows_person = selectors.receiver_may_see_person(referral)
    else:
        shows_person = case_visible(user=actor, case_id=referral.case_id)
    fields = ["details_for_receiver", "decline_reason", "revoke_reason"]
    if side == SENT:
        fields.append("override_reason")
    if shows_person:
        fields += [f"shared.{name}" for name in referral.shared_fields]
    audit_record(
        actor=actor,
        action="referral.read",
        obj=referral,
        fields=fields,
        detail={"case": referral.case_id, "side": side},
    )
    return referral, side, shows_person


def referral_search(
    *, actor: User, filters: selectors.ReferralFilters, limit: int, offset: int = 0
) -> tuple[list[Referral], int]:
    """A page of one box and its total. Rows hold no personal data, so no read is logged."""
    if actor.case_scope == CaseScope.NONE:
        raise PermissionDenied(_("Your role gives no access to referrals."))
    referrals: QuerySet[Referral] = selectors.referral_list(user=actor, filters=filters)
    return list(referrals[offset : offset + limit]), referrals.count()


# --- directory -------------------------------------------------------------------------------


@transaction.atomic
def directory_entry_create(
    *, actor: User, service_type_id: int, country: str, city: str = "", contact_notes: str = ""
) -> ServiceDirectoryEntry:
    """An administrator says their organisation offers a service in a country (and city)."""
    if actor.role not in DIRECTORY_EDITORS:
        raise PermissionDenied(_("Only an administrator can edit the service directory."))
    errors: dict[str, list[str]] = {}
    if not ServiceType.objects.filter(pk=service_type_id).exists():
        errors["service_type"] = [_("Choose a service from the catalogue.")]
    contact_notes = _text(errors, "contact_notes", contact_notes)
    _raise_if(errors)
    entry = ServiceDirectoryEntry(
        organisation_id=actor.organisation_id,
        service_type_id=service_type_id,
        country=(country or "").upper(),
        city=(city or "").strip(),
        contact_notes=contact_notes,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="directory.create",
        obj=entry,
        fields=["service_type", "country", "city", "contact_notes"],
    )
    return entry


@transaction.atomic
def directory_entry_update(
    *,
    actor: User,
    entry_id: int,
    active: bool | None = None,
    city: str | None = None,
    contact_notes: str | None = None,
) -> ServiceDirectoryEntry:
    if actor.role not in DIRECTORY_EDITORS:
        raise PermissionDenied(_("Only an administrator can edit the service directory."))
    entry = selectors.directory_entry_get_for_editor(user=actor, entry_id=entry_id)
    changed = []
    for name, value in (("active", active), ("city", city), ("contact_notes", contact_notes)):
        if value is None:
            continue
        value = value.strip() if isinstance(value, str) else value
        if getattr(entry, name) != value:
            setattr(entry, name, value)
            changed.append(name)
    if changed:
        entry.full_clean()
        entry.save()
        audit_record(actor=actor, action="directory.update", obj=entry, fields=changed)
    return entry
