"""Reads of consents, referrals and the directory, scoped to what the user may see.

A referral is seen from one of two sides. The sending side sees it through the case (the
case's organisation sent it). The receiving side sees it because it was sent to their
organisation, and then only through `shared_view`: never the case.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pave.accounts.models import Organisation, User
from pave.accounts.roles import CaseScope, Role
from pave.assistance.models import ServiceType
from pave.cases.models import ADULT_AGE, Case
from pave.cases.rules import age_on
from pave.cases.selectors import case_queryset_for_user
from pave.core.codelists import country_names
from pave.referrals.models import (
    OPEN_STATUSES,
    Consent,
    ConsentPurpose,
    Referral,
    ReferralStatus,
    ServiceDirectoryEntry,
    SharedField,
)
from pave.referrals.roles import RECEIVERS

SENT, RECEIVED = "sent", "received"


# --- consent ---------------------------------------------------------------------------------


def consents_of_case(*, case: Case) -> QuerySet[Consent]:
    """Consents of a case the caller already obtained through case_get_for_user."""
    return (
        Consent.objects.filter(case=case)
        .select_related("organisation", "obtained_by", "withdrawal_recorded_by")
        .order_by("-given_on", "-id")
    )


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


def valid_referral_consent(
    *, case: Case, to_org_id: int, on: datetime.date | None = None
) -> Consent | None:
    """The consent that allows referring the case to the organisation on a day, if any:
    purpose referral, for that organisation (or recorded for any), given and not withdrawn.
    A consent naming the organisation is preferred to one for any organisation."""
    day = on or timezone.localdate()
    return (
        Consent.objects.filter(case=case, purpose=ConsentPurpose.REFERRAL, given_on__lte=day)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .filter(Q(organisation_id=to_org_id) | Q(any_organisation=True))
        .order_by("any_organisation", "-given_on", "-id")
        .first()
    )


def no_consent_message(*, case: Case, to_org: Organisation) -> str:
    """Why there is no valid consent to refer the case to the organisation, as precisely as
    the records say, and what to do about it."""
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


# --- referrals -------------------------------------------------------------------------------


def case_visible(*, user: User, case_id: int) -> bool:
    return case_queryset_for_user(user=user).filter(pk=case_id).exists()


def open_referral_exists(*, case: Case, to_org: Organisation) -> bool:
    """Whether the case already has an open referral to the organisation."""
    return Referral.objects.filter(case=case, to_org=to_org, status__in=OPEN_STATUSES).exists()


def person_has_case_elsewhere(*, case: Case, organisation_id: int) -> bool:
    """Whether the case's person has a case with another organisation than this one."""
    return (
        Case.objects.filter(person_id=case.person_id)
        .exclude(organisation_id=organisation_id)
        .exists()
    )


def sent_queryset_for_user(*, user: User) -> QuerySet[Referral]:
    """Referrals the user's organisation sent that the user may see: all of them for roles
    that see every case; otherwise those of the cases they see, or that they sent."""
    scope = user.case_scope
    if not user.is_active or scope == CaseScope.NONE:
        return Referral.objects.none()
    base = Referral.objects.filter(from_org_id=user.organisation_id)
    if scope == CaseScope.ORGANISATION:
        return base
    visible_cases = case_queryset_for_user(user=user).values("pk")
    return base.filter(Q(case__in=visible_cases) | Q(sent_by=user))


def received_queryset_for_user(*, user: User) -> QuerySet[Referral]:
    """Referrals sent to the user's organisation, for the roles that answer them."""
    if not user.is_active or user.role not in RECEIVERS:
        return Referral.objects.none()
    return Referral.objects.filter(to_org_id=user.organisation_id)


def _with_related(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related("case", "from_org", "to_org", "sent_by").prefetch_related(
        Prefetch("services", queryset=ServiceType.objects.order_by("family", "sort_order"))
    )


def referral_get_for_user(*, user: User, referral_id: int) -> tuple[Referral, str]:
    """The referral and the side the user sees it from; 404 when they may not see it."""
    for side, queryset in (
        (RECEIVED, received_queryset_for_user(user=user)),
        (SENT, sent_queryset_for_user(user=user)),
    ):
        referral = (
            _with_related(queryset)
            .select_related("case__person", "consent", "override_by", "responded_by", "revoked_by")
            .filter(pk=referral_id)
            .first()
        )
        if referral is not None:
            return referral, side
    raise Http404("No such referral.")


@dataclass(frozen=True)
class ReferralFilters:
    box: str = RECEIVED
    status: str = ""
    overdue: bool | None = None
    case_id: int | None = None


def referral_list(*, user: User, filters: ReferralFilters) -> QuerySet[Referral]:
    """One box (sent or received), latest first, with what a list row shows in 2 queries."""
    if filters.box == SENT:
        referrals = sent_queryset_for_user(user=user)
    else:
        referrals = received_queryset_for_user(user=user)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.overdue is not None:
        late = Q(status=ReferralStatus.SENT, due_by__lt=timezone.now())
        referrals = referrals.filter(late) if filters.overdue else referrals.exclude(late)
    if filters.case_id is not None:
        referrals = referrals.filter(case_id=filters.case_id)
    return _with_related(referrals).order_by("-sent_at", "-id")


def referrals_of_case(*, case: Case) -> QuerySet[Referral]:
    """Every referral of a case the caller already obtained through case_get_for_user."""
    return (
        Referral.objects.filter(case=case)
        .select_related("from_org", "to_org")
        .prefetch_related("services")
        .order_by("-sent_at", "-id")
    )


def age_group(case: Case) -> str:
    person = case.person
    if person.birth_date:
        return "minor" if age_on(person.birth_date, timezone.localdate()) < ADULT_AGE else "adult"
    if case.is_minor is None:
        return "unknown"
    return "minor" if case.is_minor else "adult"


def shared_values(referral: Referral) -> dict[str, Any]:
    """Only the fields the sender ticked, as codes (for the API): nothing else is read."""
    person = referral.case.person
    values: dict[str, Any] = {}
    for name in referral.shared_fields:
        if name == SharedField.AGE_GROUP:
            values[name] = age_group(referral.case)
        elif name in (SharedField.CITIZENSHIP, SharedField.LANGUAGES):
            values[name] = list(getattr(person, name) or [])
        elif name in SharedField.values:
            values[name] = getattr(person, name) or ""
    return values


def shared_rows(referral: Referral) -> list[tuple[str, str]]:
    """The shared values as (label, text) for the web page."""
    labels = dict(SharedField.choices)
    groups = {"adult": _("Adult"), "minor": _("Minor"), "unknown": _("Not known")}
    sexes = dict(referral.case.person._meta.get_field("sex").choices or [])
    rows = []
    for name, value in shared_values(referral).items():
        if name == SharedField.AGE_GROUP:
            value = groups[value]
        elif name == SharedField.SEX:
            value = sexes.get(value, value)
        elif name == SharedField.CITIZENSHIP:
            value = country_names(value)
        elif name == SharedField.LANGUAGES:
            value = ", ".join(value)
        rows.append((str(labels[name]), str(value)))
    return rows


def receiver_may_see_person(referral: Referral) -> bool:
    """The receiving side sees the shared fields while the referral is open only."""
    return referral.is_open


def receiving_users(*, organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role__in=RECEIVERS
    ).order_by("username")


def organisation_by_id(organisation_id: int | None) -> Organisation | None:
    return Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None


def consent_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations a person may agree to be referred to: every other one, in any country,
    whose type may receive person-level data (never a donor, the media, a business)."""
    return (
        Organisation.objects.receiving_person_data()
        .exclude(pk=user.organisation_id)
        .order_by("name")
    )


def _offering(services: Iterable[int] | None = None) -> QuerySet[ServiceDirectoryEntry]:
    entries = ServiceDirectoryEntry.objects.filter(active=True, service_type__active=True)
    return entries if services is None else entries.filter(service_type_id__in=list(services))


def referral_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations a referral may go to: the other ones, in any country, that offer a
    service in the directory and whose type may receive person-level data."""
    return consent_organisations(user=user).filter(pk__in=_offering().values("organisation_id"))


def services_not_offered(*, organisation: Organisation, service_ids: Iterable[int]) -> list[str]:
    """The names of the services among `service_ids` the organisation does not offer (an
    active entry of theirs in the directory, for an active service)."""
    wanted = set(service_ids)
    offered = set(
        _offering(wanted)
        .filter(organisation=organisation)
        .values_list("service_type_id", flat=True)
    )
    missing = ServiceType.objects.filter(pk__in=wanted - offered).order_by("family", "sort_order")
    return [str(_(service.name)) for service in missing]


def organisation_administrators(*, organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role=Role.ADMINISTRATOR
    ).order_by("username")


# --- directory -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    services: tuple[int, ...] = ()
    country: str = ""
    city: str = ""
    organisation_id: int | None = None
    include_inactive: bool = False
    own_entries: bool = False  # an administrator's view of their organisation's entries


def directory_search(*, filters: DirectoryFilters) -> QuerySet[ServiceDirectoryEntry]:
    """Entries offering any of the services, in the country and city (case ignored)."""
    entries = ServiceDirectoryEntry.objects.select_related("organisation", "service_type")
    if not filters.own_entries:
        # Searched to refer someone: never to an organisation that may not receive them.
        entries = entries.filter(organisation__in=Organisation.objects.receiving_person_data())
    if not filters.include_inactive:
        entries = entries.filter(active=True, service_type__active=True)
    if filters.services:
        entries = entries.filter(service_type_id__in=filters.services)
    if filters.country:
        entries = entries.filter(country=filters.country.upper())
    if filters.city.strip():
        entries = entries.filter(city__iexact=filters.city.strip())
    if filters.organisation_id is not None:
        entries = entries.filter(organisation_id=filters.organisation_id)
    return entries.order_by("organisation__name", "country", "city", "service_type__sort_order")


def directory_providers(
    entries: Iterable[ServiceDirectoryEntry],
) -> list[tuple[Organisation, list[ServiceDirectoryEntry]]]:
    """Group search results by organisation, the ones offering the most services first."""
    grouped: dict[int, tuple[Organisation, list[ServiceDirectoryEntry]]] = {}
    for entry in entries:
        grouped.setdefault(entry.organisation_id, (entry.organisation, []))[1].append(entry)
    providers = list(grouped.values())
    providers.sort(key=lambda item: (-len({e.service_type_id for e in item[1]}), item[0].name))
    return providers


def directory_entry_get_for_editor(*, user: User, entry_id: int) -> ServiceDirectoryEntry:
    entry = ServiceDirectoryEntry.objects.filter(
        pk=entry_id, organisation_id=user.organisation_id
    ).first()
    if entry is None:
        raise Http404("No such directory entry.")
    return entry


def active_services() -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(active=True).order_by("family", "sort_order", "name")


def active_services_by_ids(ids: Iterable[int]) -> list[ServiceType]:
    """The active services among `ids` (unknown and inactive ones are left out)."""
    return list(ServiceType.objects.filter(pk__in=list(ids), active=True))


def service_type_exists(service_type_id: int) -> bool:
    return ServiceType.objects.filter(pk=service_type_id).exists()
