"""Referrals: sending (with the person's consent, or a written override), answering,
completing, revoking, and the audited reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.accounts.roles import CaseScope
from pave.assistance.models import ServiceType
from pave.cases.selectors import case_get_for_user
from pave.core.audit import audit_record
from pave.core.toolkit import Errors, add_error, raise_if
from pave.notifications.models import NotificationKind
from pave.referrals import selectors
from pave.referrals.models import (
    OverrideGround,
    Referral,
    ReferralReason,
    ReferralStatus,
    SharedField,
)
from pave.referrals.roles import OVERRIDERS, SENDERS
from pave.referrals.selectors import RECEIVED, SENT
from pave.referrals.services.common import (
    clean_text,
    notify_in_languages,
    referral_url,
    revoke,
    status_move,
)
from pave.referrals.services.transfer import case_transfer

# --- sending ---------------------------------------------------------------------------------


def _services(errors: Errors, service_ids: Iterable[int]) -> list[ServiceType]:
    ids = list(dict.fromkeys(int(pk) for pk in service_ids or []))
    services = selectors.active_services_by_ids(ids)
    if not ids:
        add_error(errors, "services", _("Choose at least one service to request."))
    elif len(services) != len(ids):
        add_error(errors, "services", _("Choose services from the catalogue."))
    return services


def _shared_fields(errors: Errors, names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(names or []))
    unknown = [name for name in names if name not in SharedField.values]
    if unknown:
        add_error(errors, "shared_fields", _("Cannot be shared: %s") % ", ".join(map(str, unknown)))
    # Stored in the catalogue's order, whatever order they came in.
    return [name for name in SharedField.values if name in names]


def _to_org(errors: Errors, actor: User, to_org_id: int | None) -> Any:
    to_org = selectors.organisation_by_id(to_org_id)
    if to_org is None:
        add_error(errors, "to_org", _("Choose the organisation to refer to."))
    elif to_org.pk == actor.organisation_id:
        add_error(errors, "to_org", _("A referral goes to another organisation."))
    elif not to_org.may_receive_person_data:
        add_error(
            errors,
            "to_org",
            _(
                "%(org)s may not receive person-level data: a referral never goes to a donor, "
                "the media or a business."
            )
            % {"org": to_org.name},
        )
    return to_org


def _provides(errors: Errors, to_org: Any, services: list[ServiceType]) -> None:
    """A referral goes to an organisation that offers every service requested."""
    if to_org is None or errors.get("to_org") or not services:
        return
    missing = selectors.services_not_offered(
        organisation=to_org, service_ids=[service.pk for service in services]
    )
    if missing:
        add_error(
            errors,
            "to_org",
            _("%(org)s does not offer this in the service directory: %(services)s.")
            % {"org": to_org.name, "services": ", ".join(missing)},
        )


def _override_errors(errors: Errors, ground: str, reason: str) -> None:
    """Referring without consent is for an emergency only: one from the list, explained."""
    if ground not in OverrideGround.values:
        add_error(
            errors,
            "override_ground",
            _("Referring without consent is for emergencies only: choose which one."),
        )
    if not reason:
        add_error(errors, "override_reason", _("Say what the emergency is."))


def _notify_administrators(actor: User, referral: Referral) -> None:
    """The organisation's administrators hear of every referral sent without consent."""
    notify_in_languages(
        selectors.organisation_administrators(organisation_id=actor.organisation_id),
        NotificationKind.CONSENT_OVERRIDE,
        lambda: (
            _(
                "Referral #%(id)s to %(org)s was sent without the person's consent by "
                "%(user)s: %(ground)s."
            )
            % {
                "id": referral.pk,
                "org": referral.to_org.name,
                "user": actor.username,
                "ground": str(OverrideGround(referral.override_ground).label).lower(),
            }
        ),
        referral_url(referral),
    )


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
    override_ground: str = "",
) -> Referral:
    """Refer a case to another organisation for services, with the person's consent.

    The organisation offers every service requested (the service directory) and its type
    may receive person-level data (never a donor, the media, a business). Without a valid
    referral consent for it the referral is refused, unless a case manager or administrator
    names the emergency (`override_ground`, one of OverrideGround) and explains it
    (`override_reason`): audited separately, and the organisation's administrators are told.
    """
    case = case_get_for_user(user=actor, case_id=case_id)
    if actor.role not in SENDERS:
        raise PermissionDenied(_("Your role cannot refer cases."))
    errors: Errors = {}
    to_org = _to_org(errors, actor, to_org_id)
    services = _services(errors, service_ids)
    shared = _shared_fields(errors, shared_fields)
    _provides(errors, to_org, services)
    if reason not in ReferralReason.values:
        add_error(errors, "reason", _("Choose the reason for the referral."))
    details = clean_text(errors, "details_for_receiver", details_for_receiver)
    override = clean_text(errors, "override_reason", override_reason)
    if transfer_ownership and actor.role not in OVERRIDERS:
        add_error(
            errors,
            "transfer_ownership",
            _("Only a case manager or an administrator can transfer a case."),
        )
    if to_org is not None and selectors.open_referral_exists(case=case, to_org=to_org):
        # Replaces any other error of to_org: this one says more.
        errors["to_org"] = [
            _("This case already has an open referral to %(org)s.") % {"org": to_org.name}
        ]
    raise_if(errors)
    consent = selectors.valid_referral_consent(case=case, to_org_id=to_org.pk)
    if consent is None and not (override or override_ground):
        raise ValidationError({"consent": [selectors.no_consent_message(case=case, to_org=to_org)]})
    if consent is None and actor.role not in OVERRIDERS:
        raise PermissionDenied(
            _("Only a case manager or an administrator may refer without valid consent.")
        )
    if consent is None:
        _override_errors(errors, override_ground, override)
        raise_if(errors)
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
        override_ground="" if consent else override_ground,
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
            fields=["override_ground", "override_reason"],
            detail={"case": case.pk, "to_org": to_org.pk, "ground": override_ground},
        )
        _notify_administrators(actor, referral)
    notify_in_languages(
        selectors.receiving_users(organisation_id=to_org.pk),
        NotificationKind.REFERRAL_RECEIVED,
        lambda: _receivers_message(referral, services),
        referral_url(referral),
    )
    return referral


# --- answering and closing ------------------------------------------------------------------


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


def _sender_side(referral: Referral) -> list[User]:
    """Who on the sending side hears about an answer: the sender and the assigned worker."""
    people = [referral.sent_by, referral.case.assigned_to]
    return [u for u in people if u is not None and u.organisation_id == referral.from_org_id]


def _notify_sender(referral: Referral) -> None:
    notify_in_languages(
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


@transaction.atomic
def referral_accept(*, actor: User, referral_id: int) -> Referral:
    """Accept a referral sent to the actor's organisation; a transfer moves the case."""
    referral = _for_action(actor, referral_id, RECEIVED)
    status_move(referral, ReferralStatus.ACCEPTED)
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    audit_record(
        actor=actor, action="referral.accept", obj=referral, detail={"case": referral.case_id}
    )
    _notify_sender(referral)
    if referral.transfer_ownership:
        case_transfer(actor=actor, referral=referral)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral_id: int, reason: str) -> Referral:
    referral = _for_action(actor, referral_id, RECEIVED)
    errors: Errors = {}
    reason = clean_text(errors, "reason", reason, required=True)
    if errors:
        errors["reason"] = [_("Say why the referral is declined.")]
    raise_if(errors)
    status_move(referral, ReferralStatus.DECLINED)
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
    status_move(referral, ReferralStatus.COMPLETED)
    referral.completed_at = timezone.now()
    referral.save(update_fields=["status", "completed_at", "updated_at"])
    audit_record(
        actor=actor, action="referral.complete", obj=referral, detail={"case": referral.case_id}
    )
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_revoke(*, actor: User, referral_id: int, reason: str) -> Referral:
    """The sending organisation withdraws a referral that is still open."""
    referral = _for_action(actor, referral_id, SENT)
    if actor.role not in SENDERS:
        raise PermissionDenied(_("Your role cannot revoke referrals."))
    errors: Errors = {}
    reason = clean_text(errors, "reason", reason, required=True)
    if errors:
        errors["reason"] = [_("Say why the referral is revoked.")]
    raise_if(errors)
    if referral.transfer_ownership and referral.status == ReferralStatus.ACCEPTED:
        raise ValidationError(
            {"status": [_("The case was transferred when this referral was accepted.")]}
        )
    revoke(referral, actor=actor, reason=reason)
    return referral


# --- audited reads ----------------------------------------------------------------


@transaction.atomic
def referral_read(*, actor: User, referral_id: int) -> tuple[Referral, str, bool]:
    """A referral, the side the actor sees it from, and whether they may see the shared
    person fields (receiving side: while open; sending side: while they can see the case).
    The read is recorded with the names of the fields shown."""
    referral, side = selectors.referral_get_for_user(user=actor, referral_id=referral_id)
    if side == RECEIVED:
        shows_person = selectors.receiver_may_see_person(referral)
    else:
        shows_person = selectors.case_visible(user=actor, case_id=referral.case_id)
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
