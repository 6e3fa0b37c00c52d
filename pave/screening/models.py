"""Places, detention-centre visits and screening interviews.

A screening keeps the instrument code and version it used and the assessment computed when it
was submitted: the stored assessment is a record of what the interviewer was told, and it is
never recomputed (a newer instrument version only applies to new screenings). Personal data
(names, detainee number, visit notes) is encrypted; the detainee number is searchable through
its blind index.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pave.accounts.models import Organisation
from pave.core import codelists
from pave.core.fields import EncryptedTextField
from pave.core.models import TimeStampedModel

NO_INDICATION = "no_indication"


class PlaceKind(models.TextChoices):
    DETENTION_CENTRE = "detention_centre", _("Detention centre")
    SHELTER = "shelter", _("Shelter")
    BORDER_POINT = "border_point", _("Border crossing point")
    AIRPORT = "airport", _("Airport")
    POLICE_STATION = "police_station", _("Police station")
    PRISON = "prison", _("Prison")
    EMBASSY = "embassy", _("Embassy or consulate")
    OFFICE = "office", _("Office")
    COMMUNITY = "community", _("Community or outreach site")
    OTHER = "other", _("Other")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbally")
    WRITTEN = "written", _("Signed consent form")
    GUARDIAN = "guardian", _("A child's assent with a guardian's consent")


class Place(TimeStampedModel):
    """Where people are met and screened: a detention centre, a shelter, a border point…"""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of place"), max_length=24, choices=PlaceKind.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="place_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Visit(TimeStampedModel):
    """One day's visit of a team to a place: it groups the people screened there that day."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("date of the visit"), db_index=True)
    team = models.CharField(
        _("team"),
        max_length=300,
        blank=True,
        help_text=_("Who took part, e.g. the organisations or units of the team."),
    )
    notes = EncryptedTextField(_("notes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "place", "visited_on"], name="visit_unique_place_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.visited_on.isoformat()}"


class Screening(TimeStampedModel):
    """One screening interview and its assessment.

    Without consent to the interview only the refusal is kept: no answers, no assessment, no
    personal data (the check constraint holds the database to that as well).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="screenings",
        verbose_name=_("interviewer"),
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
        verbose_name=_("visit"),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings",
        verbose_name=_("place"),
    )
    interviewed_on = models.DateField(_("date of the interview"))
    language = models.CharField(
        _("language of the interview"), max_length=3, help_text=_("ISO 639 code, e.g. am")
    )
    interpreter_used = models.BooleanField(_("an interpreter was used"), default=False)
    instrument_code = models.CharField(_("instrument"), max_length=100)
    instrument_version = models.PositiveIntegerField(_("instrument version"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    assessment = models.JSONField(_("assessment"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=64, blank=True, db_index=True)

    # Consent to the interview: the guidance questions of HTCDS con_Consent.
    consent_given = models.BooleanField(_("the person consents (or assents) to the interview"))
    consent_method = models.CharField(
        _("how consent was obtained"), max_length=12, blank=True, choices=ConsentMethod.choices
    )
    consent_informed_purpose = models.BooleanField(
        _("informed of the purpose of the interview"), default=False
    )
    consent_informed_data_use = models.BooleanField(
        _("informed of the actual and potential use of the data gathered"), default=False
    )
    consent_informed_research_use = models.BooleanField(
        _("informed of the use of non-identifying data for research"), default=False
    )
    consent_informed_access_right = models.BooleanField(
        _("informed of the right to request their personal data at any time"), default=False
    )
    consent_informed_retention = models.BooleanField(
        _("informed of how long the data will be stored"), default=False
    )
    consent_informed_withdrawal = models.BooleanField(
        _("informed of the right to refuse and how to withdraw consent"), default=False
    )
    consent_to_referral = models.BooleanField(
        _("consents to be referred for assistance"), default=False
    )

    # The person screened: anonymous when no name is recorded.
    detainee_number = EncryptedTextField(_("detainee number"))
    detainee_number_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    given_name = EncryptedTextField(_("given name"))
    family_name = EncryptedTextField(_("family name"))
    sex = models.CharField(
        _("sex"), max_length=10, choices=codelists.Sex.choices, default=codelists.Sex.UNKNOWN
    )
    age_estimate = models.PositiveSmallIntegerField(
        _("estimated age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    citizenship = models.JSONField(_("citizenship"), default=list, blank=True)

    flagged_for_follow_up = models.BooleanField(_("flagged for follow-up"), default=False)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenings",
        verbose_name=_("case opened from this screening"),
    )

    class Meta:
        ordering = ["-interviewed_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-interviewed_on", "-id"]),
            models.Index(fields=["organisation", "interviewer", "-interviewed_on"]),
            models.Index(fields=["organisation", "outcome"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_given=True)
                | models.Q(
                    outcome="",
                    detainee_number="",
                    detainee_number_bidx="",
                    given_name="",
                    family_name="",
                    age_estimate__isnull=True,
                    flagged_for_follow_up=False,
                ),
                name="screening_nothing_stored_without_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(age_estimate__isnull=True) | models.Q(age_estimate__lte=120),
                name="screening_age_estimate_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"screening {self.pk}"

    @property
    def refused(self) -> bool:
        return not self.consent_given

    @property
    def anonymous(self) -> bool:
        return not (self.given_name or self.family_name)

    @property
    def instrument_label(self) -> str:
        return f"{self.instrument_code} v{self.instrument_version}"
