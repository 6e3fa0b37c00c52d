"""Ownership transfer: an accepted transfer referral moves the case to the receiver."""

from __future__ import annotations

from pave.accounts.models import User
from pave.cases.models import Case
from pave.core.audit import audit_record
from pave.referrals import selectors
from pave.referrals.models import Referral


def case_transfer(*, actor: User, referral: Referral) -> None:
    """Move the case (and its person, unless they have a case elsewhere) to the receiving
    organisation, assigned to the person who accepted: the sender loses access. Runs inside
    the accepting transaction."""
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
    if not selectors.person_has_case_elsewhere(case=case, organisation_id=referral.to_org_id):
        person.organisation_id = referral.to_org_id
        person.save(update_fields=["organisation", "updated_at"])
    audit_record(
        actor=actor,
        action="case.transfer",
        obj=case,
        fields=["organisation", "assigned_to", "office"],
        detail={"referral": referral.pk, "from_org": from_org_id, "to_org": referral.to_org_id},
    )
