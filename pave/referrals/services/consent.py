"""Recording consent, and its withdrawal (which revokes the open referrals relying on it)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.cases.models import Case
from pave.cases.selectors import case_get_for_user
from pave.core.audit import audit_record
from pave.core.toolkit import Errors, add_error, raise_if
from pave.referrals import selectors
from pave.referrals.models import (
    OPEN_STATUSES,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Referral,
    ReferralStatus,
)
from pave.referrals.roles import CONSENT_RECORDERS
from pave.referrals.services.common import clean_text, revoke

CONSENT_WITHDRAWN = "consent withdrawn"


@transaction.atomic
def consent_list(*, actor: User, case_id: int) -> tuple[Case, list[Consent]]:
    """A case's consents with their notes, recording the read."""
    case = case_get_for_user(user=actor, case_id=case_id)
    consents = list(selectors.consents_of_case(case=case))
    audit_record(actor=actor, action="case.consents.read", obj=case, fields=["consent.notes"])
    return case, consents


def _organisation_errors(
    errors: Errors, purpose: str, organisation_id: int | None, any_organisation: bool
) -> None:
    """A referral consent names the organisation, or covers any: exactly one of the two.
    Other purposes name none."""
    if purpose == ConsentPurpose.REFERRAL:
        if any_organisation and organisation_id:
            add_error(
                errors,
                "organisation",
                _("Name one organisation, or record consent for any organisation: not both."),
            )
        elif not any_organisation and not organisation_id:
            add_error(
                errors,
                "organisation",
                _("Name the organisation the person agrees to be referred to."),
            )
        elif organisation_id:
            organisation = selectors.organisation_by_id(organisation_id)
            if organisation is None:
                add_error(errors, "organisation", _("No such organisation."))
            elif not organisation.may_receive_person_data:
                add_error(
                    errors,
                    "organisation",
                    _(
                        "%(org)s may not receive person-level data: a referral never goes to "
                        "a donor, the media or a business."
                    )
                    % {"org": organisation.name},
                )
    elif organisation_id or any_organisation:
        add_error(errors, "organisation", _("Only a consent to referral names an organisation."))


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
    errors: Errors = {}
    if purpose not in ConsentPurpose.values:
        add_error(errors, "purpose", _("Choose processing, referral or statistics."))
    if how_obtained not in ConsentMethod.values:
        add_error(errors, "how_obtained", _("Choose how the consent was obtained."))
    if given_on and given_on > timezone.localdate():
        add_error(errors, "given_on", _("Consent cannot be given in the future."))
    _organisation_errors(errors, purpose, organisation_id, any_organisation)
    notes = clean_text(errors, "notes", notes)
    raise_if(errors)
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
    found = selectors.consent_get_for_user(user=actor, consent_id=consent_id)
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
            revoke(referral, actor=actor, reason=CONSENT_WITHDRAWN, automatic=True)
    return consent
