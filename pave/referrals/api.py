"""Consent, referrals and the service directory: /api/v1/referrals.

Organisations and services are named by their codes (`CLA`, `shelter`). A referral reads
differently from each side: the receiving organisation gets `shared` (only the fields the
sender ticked, while the referral is open) and never the case.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from pave.accounts.http import AuthedHttpRequest
from pave.accounts.models import Organisation
from pave.assistance.models import ServiceType
from pave.core.api import ERRORS, LIMIT, MAX_ID, OFFSET, CountryCode, Id, OptionalText, PathId
from pave.referrals import selectors, services
from pave.referrals.models import Consent, Referral, ServiceDirectoryEntry

router = Router(tags=["referrals"])


class OrganisationOut(Schema):
    code: str
    name: str
    country: str

    @staticmethod
    def resolve_country(obj: Organisation) -> str:
        return str(obj.country)


class ServiceOut(Schema):
    code: str
    name: str
    family: str


def _organisation_id(name: str, code: str | None) -> int | None:
    if not code:
        return None
    pk = Organisation.objects.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise ValidationError({name: [_("No organisation with the code %s.") % code]})
    return pk


def _service_ids(name: str, codes: list[str]) -> list[int]:
    found = dict(ServiceType.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError({name: [_("Unknown service(s): %s") % ", ".join(unknown)]})
    return [found[code] for code in codes]


# --- consent ---------------------------------------------------------------------------------


class ConsentIn(Schema):
    purpose: str = Field(..., description="processing, referral or statistics")
    given_on: datetime.date
    how_obtained: str = Field(..., description="verbal, written, digital or guardian")
    organisation: str | None = Field(
        None, description="code of the organisation a referral consent names"
    )
    any_organisation: bool = Field(
        False, description="a referral consent recorded explicitly for any organisation"
    )
    notes: str = Field("", max_length=20000)


class WithdrawIn(Schema):
    withdrawn_on: datetime.date | None = Field(None, description="today when missing")


class ConsentOut(Schema):
    id: int
    case: int
    purpose: str
    organisation: OrganisationOut | None
    any_organisation: bool
    given_on: datetime.date
    how_obtained: str
    obtained_by: str | None
    withdrawn_on: datetime.date | None
    withdrawal_recorded_by: str | None
    active: bool
    notes: str

    @staticmethod
    def resolve_case(obj: Consent) -> int:
        return obj.case_id

    @staticmethod
    def resolve_obtained_by(obj: Consent) -> str | None:
        return obj.obtained_by.username if obj.obtained_by else None

    @staticmethod
    def resolve_withdrawal_recorded_by(obj: Consent) -> str | None:
        user = obj.withdrawal_recorded_by
        return user.username if user else None

    @staticmethod
    def resolve_active(obj: Consent) -> bool:
        return obj.is_active()


@router.get("/cases/{int:case_id}/consents", response={200: list[ConsentOut], **ERRORS})
def list_consents(request: AuthedHttpRequest, case_id: PathId) -> Any:
    """Every consent of a case, withdrawn ones included (newest first)."""
    return services.consent_list(actor=request.user, case_id=case_id)[1]


@router.post("/cases/{int:case_id}/consents", response={201: ConsentOut, **ERRORS})
def create_consent(request: AuthedHttpRequest, case_id: PathId, payload: ConsentIn) -> Any:
    consent = services.consent_record(
        actor=request.user,
        case_id=case_id,
        purpose=payload.purpose,
        given_on=payload.given_on,
        how_obtained=payload.how_obtained,
        organisation_id=_organisation_id("organisation", payload.organisation),
        any_organisation=payload.any_organisation,
        notes=payload.notes,
    )
    return 201, consent


@router.post("/consents/{int:consent_id}/withdraw", response={200: ConsentOut, **ERRORS})
def withdraw_consent(request: AuthedHttpRequest, consent_id: PathId, payload: WithdrawIn) -> Any:
    """Record a withdrawal; open referrals that relied on this consent are revoked."""
    return services.consent_withdraw(
        actor=request.user, consent_id=consent_id, withdrawn_on=payload.withdrawn_on
    )


# --- referrals -------------------------------------------------------------------------------


class ReferralIn(Schema):
    case: Id
    to_org: str = Field(..., description="code of the receiving organisation")
    services: list[str] = Field(..., description="codes of the services requested")
    reason: str = Field(..., description="HTCDS cas_ReasonForOutgoingReferral value name")
    details_for_receiver: str = Field("", max_length=20000)
    shared_fields: list[str] = Field(
        default_factory=list,
        description="what the receiver may see of the person: given_name, family_name, sex, "
        "age_group, citizenship, languages, phone",
    )
    transfer_ownership: bool = False
    override_ground: str = Field(
        "",
        description="case managers only, without valid consent: the emergency "
        "(danger_to_life, medical_emergency or child_protection)",
    )
    override_reason: str = Field(
        "", max_length=20000, description="case managers only: what the emergency is"
    )


class ReasonIn(Schema):
    reason: str = Field(..., max_length=20000)


class ReferralConsentOut(Schema):
    given_on: datetime.date
    how_obtained: str
    any_organisation: bool


class ReferralSummaryOut(Schema):
    id: int
    side: str = Field(..., description="sent or received: how the caller sees it")
    status: str
    overdue: bool
    from_org: OrganisationOut
    to_org: OrganisationOut
    services: list[ServiceOut]
    reason: str
    transfer_ownership: bool
    consent_overridden: bool
    sent_at: datetime.datetime
    due_by: datetime.datetime
    responded_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    case_reference: str | None = Field(None, description="sending side only")


class ReferralOut(ReferralSummaryOut):
    case: int | None = Field(None, description="sending side only")
    sent_by: str | None
    shared_fields: list[str]
    shared: dict[str, Any] | None = Field(
        None, description="the person, as far as shared; absent once the referral is closed"
    )
    details_for_receiver: str
    consent: ReferralConsentOut | None
    override_ground: str | None = Field(None, description="sending side only")
    override_reason: str | None = Field(None, description="sending side only")
    decline_reason: str
    revoke_reason: str


class ReferralListOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[ReferralSummaryOut]


def summary_out(referral: Referral, side: str) -> dict[str, Any]:
    sender = side == selectors.SENT
    return {
        "id": referral.pk,
        "side": side,
        "status": referral.status,
        "overdue": referral.overdue,
        "from_org": referral.from_org,
        "to_org": referral.to_org,
        "services": list(referral.services.all()),
        "reason": referral.reason,
        "transfer_ownership": referral.transfer_ownership,
        "consent_overridden": referral.consent_overridden,
        "sent_at": referral.sent_at,
        "due_by": referral.due_by,
        "responded_at": referral.responded_at,
        "completed_at": referral.completed_at,
        "revoked_at": referral.revoked_at,
        "case_reference": referral.case.reference if sender else None,
    }


def referral_out(referral: Referral, side: str, shows_person: bool) -> dict[str, Any]:
    sender = side == selectors.SENT
    consent = referral.consent
    return {
        **summary_out(referral, side),
        "case": referral.case_id if sender else None,
        "sent_by": referral.sent_by.username if referral.sent_by else None,
        "shared_fields": list(referral.shared_fields),
        "shared": selectors.shared_values(referral) if shows_person else None,
        "details_for_receiver": referral.details_for_receiver,
        "consent": consent,
        "override_ground": referral.override_ground if sender else None,
        "override_reason": referral.override_reason if sender else None,
        "decline_reason": referral.decline_reason,
        "revoke_reason": referral.revoke_reason,
    }


def _read(request: AuthedHttpRequest, referral_id: PathId) -> dict[str, Any]:
    referral, side, shows_person = services.referral_read(
        actor=request.user, referral_id=referral_id
    )
    return referral_out(referral, side, shows_person)


@router.get("", response={200: ReferralListOut, **ERRORS})
def list_referrals(
    request: AuthedHttpRequest,
    box: str = Query("received", description="received (sent to your organisation) or sent"),
    status: str = "",
    overdue: bool | None = None,
    case: int | None = Query(None, ge=1, le=MAX_ID),
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    """One box of referrals, latest first; `overdue` flags those sent and not answered in
    time (settings.PAVE_REFERRAL_RESPONSE_DAYS)."""
    if box not in (selectors.SENT, selectors.RECEIVED):
        raise ValidationError({"box": [_("Either received or sent.")]})
    filters = selectors.ReferralFilters(box=box, status=status, overdue=overdue, case_id=case)
    page, total = services.referral_search(
        actor=request.user, filters=filters, limit=limit, offset=offset
    )
    return {
        "count": total,
        "limit": limit,
        "offset": offset,
        "results": [summary_out(referral, box) for referral in page],
    }


@router.post("", response={201: ReferralOut, **ERRORS})
def create_referral(request: AuthedHttpRequest, payload: ReferralIn) -> Any:
    """Refer a case to an organisation that offers the services (the directory) and may
    receive person-level data. Without valid consent: 422 naming the problem; in an
    emergency (`override_ground` and `override_reason`) a case manager or administrator may
    still send it (a case worker gets 403), and their organisation's administrators are told."""
    referral = services.referral_send(
        actor=request.user,
        case_id=payload.case,
        to_org_id=_organisation_id("to_org", payload.to_org),
        service_ids=_service_ids("services", payload.services),
        reason=payload.reason,
        details_for_receiver=payload.details_for_receiver,
        shared_fields=payload.shared_fields,
        transfer_ownership=payload.transfer_ownership,
        override_reason=payload.override_reason,
        override_ground=payload.override_ground,
    )
    return 201, _read(request, referral.pk)


@router.get("/{int:referral_id}", response={200: ReferralOut, **ERRORS})
def get_referral(request: AuthedHttpRequest, referral_id: PathId) -> Any:
    return _read(request, referral_id)


@router.post("/{int:referral_id}/accept", response={200: ReferralOut, **ERRORS})
def accept_referral(request: AuthedHttpRequest, referral_id: PathId) -> Any:
    """Receiving side. A transfer moves the case to your organisation, assigned to you."""
    services.referral_accept(actor=request.user, referral_id=referral_id)
    return _read(request, referral_id)


@router.post("/{int:referral_id}/decline", response={200: ReferralOut, **ERRORS})
def decline_referral(request: AuthedHttpRequest, referral_id: PathId, payload: ReasonIn) -> Any:
    services.referral_decline(actor=request.user, referral_id=referral_id, reason=payload.reason)
    return _read(request, referral_id)


@router.post("/{int:referral_id}/complete", response={200: ReferralOut, **ERRORS})
def complete_referral(request: AuthedHttpRequest, referral_id: PathId) -> Any:
    services.referral_complete(actor=request.user, referral_id=referral_id)
    return _read(request, referral_id)


@router.post("/{int:referral_id}/revoke", response={200: ReferralOut, **ERRORS})
def revoke_referral(request: AuthedHttpRequest, referral_id: PathId, payload: ReasonIn) -> Any:
    """Sending side, while the referral is sent or accepted."""
    services.referral_revoke(actor=request.user, referral_id=referral_id, reason=payload.reason)
    return _read(request, referral_id)


# --- directory -------------------------------------------------------------------------------


class DirectoryEntryIn(Schema):
    service: str = Field(..., description="code of the service")
    country: CountryCode = Field(..., description="ISO 3166 alpha-2 code")
    city: str = Field("", max_length=100)
    contact_notes: str = Field("", max_length=20000)


class DirectoryEntryPatch(Schema):
    active: bool | None = None
    city: OptionalText = Field(None, max_length=100)
    contact_notes: OptionalText = Field(None, max_length=20000)


class DirectoryEntryOut(Schema):
    id: int
    organisation: OrganisationOut
    service: ServiceOut
    country: str
    city: str
    contact_notes: str
    active: bool

    @staticmethod
    def resolve_service(obj: ServiceDirectoryEntry) -> ServiceType:
        return obj.service_type

    @staticmethod
    def resolve_country(obj: ServiceDirectoryEntry) -> str:
        return str(obj.country)


@router.get("/directory", response={200: list[DirectoryEntryOut], **ERRORS})
def search_directory(
    request: AuthedHttpRequest,
    service: list[str] = Query(default_factory=list, description="service codes (any of)"),
    country: str = "",
    city: str = "",
    organisation: str = "",
) -> Any:
    """Who offers which service where (active entries): any of the services, in the country
    and city given (city case ignored)."""
    filters = selectors.DirectoryFilters(
        services=tuple(_service_ids("service", service)),
        country=country,
        city=city,
        organisation_id=_organisation_id("organisation", organisation),
    )
    return list(selectors.directory_search(filters=filters)[:500])


@router.post("/directory", response={201: DirectoryEntryOut, **ERRORS})
def create_directory_entry(request: AuthedHttpRequest, payload: DirectoryEntryIn) -> Any:
    """Administrators: your organisation offers this service there."""
    entry = services.directory_entry_create(
        actor=request.user,
        service_type_id=_service_ids("service", [payload.service])[0],
        country=payload.country,
        city=payload.city,
        contact_notes=payload.contact_notes,
    )
    return 201, entry


@router.patch("/directory/{int:entry_id}", response={200: DirectoryEntryOut, **ERRORS})
def update_directory_entry(
    request: AuthedHttpRequest, entry_id: PathId, payload: DirectoryEntryPatch
) -> Any:
    """Administrators of the entry's organisation: stop offering it (`active`), or edit."""
    return services.directory_entry_update(
        actor=request.user, entry_id=entry_id, **payload.model_dump(exclude_unset=True)
    )
