"""Consent per purpose, referrals between organisations, and the service directory.

A referral shares a case with another organisation only through what the sender ticked
(`shared_fields`): the receiving side never reads the case itself (see selectors.shared_view).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pave.accounts.models import Organisation
from pave.assistance.models import ServiceType
from pave.cases.models import Case
from pave.core.fields import EncryptedTextField
from pave.core.models import TimeStampedModel


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing of personal data")
    REFERRAL = "referral", _("Referral to an organisation")
    STATISTICS = "statistics", _("Sharing for statistics")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written (signed form)")
    DIGITAL = "digital", _("Digital")
    GUARDIAN = "guardian", _("Through a parent or guardian")


class Consent(TimeStampedModel):
    """One consent the person gave for one purpose; withdrawal is recorded, never deleted.

    A referral consent names the receiving organisation, or says explicitly that it covers
    any organisation (`any_organisation`).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation the person may be referred to"),
    )
    any_organisation = models.BooleanField(_("referral to any organisation"), default=False)
    given_on = models.DateField(_("given on"))
    how_obtained = models.CharField(_("how obtained"), max_length=12, choices=ConsentMethod.choices)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["case", "purpose"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="referral")
                | (Q(organisation__isnull=True) & Q(any_organisation=False)),
                name="consent_organisation_only_for_referral",
            ),
            models.CheckConstraint(
                condition=~Q(purpose="referral")
                | (Q(organisation__isnull=False) & Q(any_organisation=False))
                | (Q(organisation__isnull=True) & Q(any_organisation=True)),
                name="consent_referral_names_one_or_any_organisation",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} ({self.purpose}) on {self.case_id}"

    def is_active(self, on: datetime.date | None = None) -> bool:
        """Given on or before `on` (today by default) and not withdrawn by then."""
        day = on or timezone.localdate()
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)

    def covers(self, organisation_id: int) -> bool:
        return self.purpose == ConsentPurpose.REFERRAL and (
            self.any_organisation or self.organisation_id == organisation_id
        )


class ReferralReason(models.TextChoices):
    """HTCDS cas_ReasonForOutgoingReferral."""

    ADDITIONAL_SERVICES = "AdditionalServicesRequired", _("Additional services required")
    MIGRATION = "MigrationOrChangeOfLocation", _("Migration or change of location")
    OTHER = "Other", _("Other")


class OverrideGround(models.TextChoices):
    """The emergencies a referral may be sent for without the person's consent: nothing
    else (a donor's, a journalist's or an authority's curiosity never is one)."""

    DANGER_TO_LIFE = "danger_to_life", _("Immediate danger to the person's life or safety")
    MEDICAL_EMERGENCY = "medical_emergency", _("Medical emergency")
    CHILD_PROTECTION = "child_protection", _("Protection of a child at risk")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


# The only moves a referral may make; every other one is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.REVOKED}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED, ReferralStatus.REVOKED}),
}
OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED})


class SharedField(models.TextChoices):
    """What a sender may choose to share about the person; nothing else ever leaves."""

    GIVEN_NAME = "given_name", _("Given name")
    FAMILY_NAME = "family_name", _("Family name")
    SEX = "sex", _("Sex")
    AGE_GROUP = "age_group", _("Age group (adult or minor)")
    CITIZENSHIP = "citizenship", _("Nationality")
    LANGUAGES = "languages", _("Languages")
    PHONE = "phone", _("Phone")


class Referral(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("refer to"),
    )
    services = models.ManyToManyField(
        ServiceType, related_name="referrals", verbose_name=_("services requested")
    )
    reason = models.CharField(_("reason"), max_length=32, choices=ReferralReason.choices)
    details_for_receiver = EncryptedTextField(_("details for the receiving organisation"))
    shared_fields = models.JSONField(_("shared about the person"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    transfer_ownership = models.BooleanField(_("transfer the case"), default=False)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    override_ground = models.CharField(
        _("emergency that justified referring without consent"),
        max_length=24,
        choices=OverrideGround.choices,
        blank=True,
    )
    override_reason = EncryptedTextField(_("reason for referring without consent"))
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    due_by = models.DateTimeField(_("answer due by"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = EncryptedTextField(_("reason for revoking"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_org", "status", "-sent_at"]),
            models.Index(fields=["from_org", "status", "-sent_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_org=models.F("to_org")), name="referral_to_another_org"
            ),
            # Consent or a written override: never neither. (Encrypted "" stays "".)
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(override_reason=""),
                name="referral_consent_or_override",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def overdue(self) -> bool:
        """Sent, not answered, and past the answer date."""
        return self.status == ReferralStatus.SENT and self.due_by < timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def consent_overridden(self) -> bool:
        return self.consent_id is None


class ServiceDirectoryEntry(TimeStampedModel):
    """Who provides which service where: searched while making a referral."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="directory_entries",
        verbose_name=_("organisation"),
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    contact_notes = models.TextField(
        _("how to reach them"),
        blank=True,
        help_text=_("The organisation's contact for referrals: never a survivor's data."),
    )
    active = models.BooleanField(_("offered now"), default=True)

    class Meta:
        ordering = ["country", "city", "organisation__name"]
        verbose_name_plural = "service directory entries"
        indexes = [models.Index(fields=["service_type", "country", "active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service_type", "country", "city"],
                name="directory_entry_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.service_type_id} in {self.country} {self.city}"
