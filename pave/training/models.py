"""Capacity building and outreach: events and their sessions, participants, attendance,
knowledge tests and certificates.

A participant is a person, not a row of a sign-in sheet: the same officer at three sessions
(or two events) is one Participant with three Attendance rows. Names, titles and contact
details are encrypted at rest like a beneficiary's; people are matched through keyed blind
indexes (`*_bidx`) within the organisation they work for (`match_scope`). What is counted —
sex, stakeholder group, country, the organisation they work for — stays in clear.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pave.accounts.models import Organisation
from pave.core import codelists
from pave.core.fields import EncryptedTextField
from pave.core.models import TimeStampedModel


class EventType(models.TextChoices):
    TRAINING_WORKSHOP = "training_workshop", _("Training workshop")
    INFORMATION_SESSION = "information_session", _("Information session")
    POLICY_DIALOGUE = "policy_dialogue", _("Regional policy dialogue")
    AWARENESS_SESSION = "awareness_session", _("Awareness session")
    MEDIA_WORKSHOP = "media_workshop", _("Media workshop")


class StakeholderGroup(models.TextChoices):
    GOVERNMENT_OFFICER = "government_officer", _("Government front-line officer")
    CIVIL_SOCIETY = "civil_society", _("Civil-society actor")
    CONSULAR = "consular", _("Embassy or consular staff")
    JOURNALIST = "journalist", _("Journalist")
    POLICY_DELEGATE = "policy_delegate", _("Policy delegate")
    PUBLIC = "public", _("Public")


class Event(TimeStampedModel):
    """A training, dialogue or awareness activity organised by a PAVE organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="training_events",
        verbose_name=_("organiser"),
    )
    title = models.CharField(_("title"), max_length=200)
    event_type = models.CharField(_("type"), max_length=24, choices=EventType.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="training_partnerships",
        verbose_name=_("partner organisations"),
    )
    other_partners = models.CharField(
        _("other partners"),
        max_length=300,
        blank=True,
        help_text=_("Partners that are not organisations in PAVE, separated by commas."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "event_type"])]

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel):
    """One sitting of an event: a day, or several consecutive days (`end_date`)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("For sessions over several days.")
    )
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["event", "date"]), models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="training_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.date}"

    @property
    def last_day(self) -> datetime.date:
        return self.end_date or self.date


class Participant(TimeStampedModel):
    """A person who took part in events of the organisation holding the record.

    `organisation` holds the record (the organiser); `affiliation` is where the person works
    (a ministry, an NGO, an embassy, a newspaper), which need not be an organisation in PAVE.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    full_name = EncryptedTextField(_("full name"))
    title = EncryptedTextField(_("title or position"))
    phone = EncryptedTextField(_("phone"))
    email = EncryptedTextField(_("e-mail"))
    sex = models.CharField(_("sex"), max_length=10, choices=codelists.Sex.choices)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=24, choices=StakeholderGroup.choices
    )
    affiliation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    # Where a person is looked for: the normalised affiliation, or "@" + country without one.
    match_scope = models.CharField(max_length=200, editable=False)
    name_bidx = models.CharField(max_length=32, editable=False)
    phone_bidx = models.CharField(max_length=32, blank=True, editable=False)
    email_bidx = models.CharField(max_length=32, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation", "phone_bidx"]),
            models.Index(fields=["organisation", "email_bidx"]),
            models.Index(fields=["organisation", "stakeholder_group"]),
        ]
        constraints = [
            # One person, one record: the same name within the same organisation is the
            # same participant (services match before they insert; this catches a race).
            models.UniqueConstraint(
                fields=["organisation", "match_scope", "name_bidx"],
                name="training_participant_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"participant {self.pk}"


class Attendance(models.Model):
    """A participant registered for a session, and whether they were there."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("present"), default=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["participant", "session"]),
            # The report's attendances per session, present or not, from the index alone.
            models.Index(fields=["session", "present", "participant"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="training_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}@{self.session_id}"


class KnowledgeTest(TimeStampedModel):
    """A participant's pre- and post-test scores for an event (either may be missing)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tests")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="tests")
    pre_score = models.DecimalField(
        _("pre-test score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    post_score = models.DecimalField(
        _("post-test score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, default=Decimal(100)
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "participant"], name="training_test_once"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="training_test_max_positive"),
            models.CheckConstraint(
                condition=Q(pre_score__isnull=True)
                | (Q(pre_score__gte=0) & Q(pre_score__lte=F("max_score"))),
                name="training_test_pre_in_range",
            ),
            models.CheckConstraint(
                condition=Q(post_score__isnull=True)
                | (Q(post_score__gte=0) & Q(post_score__lte=F("max_score"))),
                name="training_test_post_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"test {self.participant_id}@{self.event_id}"

    @property
    def gain(self) -> Decimal | None:
        """Post minus pre, in points of the test (None unless both were taken)."""
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score

    @property
    def gain_percent(self) -> Decimal | None:
        """The gain in percentage points of the maximum score."""
        gain = self.gain
        return None if gain is None else round(gain * 100 / self.max_score, 1)


class Certificate(TimeStampedModel):
    """A certificate of participation, checkable by anyone who has its code.

    The code is random (not derived from anything) and stored as is: it proves nothing but
    that PAVE issued this certificate, and the public page shows only initials, event, date.
    """

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="certificates")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["event", "participant"])]
        constraints = [
            # One valid certificate per participant and event, whatever runs at once. A revoked
            # one stays (its code verifies as revoked); a new one may then be issued by naming
            # the participant (services.certificates_issue).
            models.UniqueConstraint(
                fields=["event", "participant"],
                condition=models.Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_participant_and_event",
            )
        ]

    def __str__(self) -> str:
        return f"certificate {self.code}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
