"""Persons (beneficiaries) and their cases.

Personal data lives only in encrypted fields; what must be searchable is searchable through
keyed blind indexes (`*_bidx`, PersonNameToken), and what must be counted (sex, age at
identification, citizenship) is kept in clear because no one can be identified from it alone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pave.accounts.models import Office, Organisation
from pave.core import codelists
from pave.core.fields import EncryptedDateField, EncryptedTextField
from pave.core.models import TimeStampedModel

ADULT_AGE = 18


class Person(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    given_name = EncryptedTextField(_("given name"))
    family_name = EncryptedTextField(_("family name"))
    other_names = EncryptedTextField(_("other names or aliases"))
    birth_date = EncryptedDateField(_("date of birth"))
    phone = EncryptedTextField(_("phone"))
    identity_number = EncryptedTextField(_("identity or passport number"))
    address = EncryptedTextField(_("address"))
    sex = models.CharField(_("sex"), max_length=10, choices=codelists.Sex.choices)
    gender = models.CharField(
        _("gender"), max_length=24, choices=codelists.Gender.choices, blank=True
    )
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    citizenship = models.JSONField(_("citizenship"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    phone_bidx = models.CharField(max_length=32, blank=True, db_index=True)
    identity_number_bidx = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_estimate__isnull=True) | models.Q(age_estimate__lte=120),
                name="person_age_estimate_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class PersonNameToken(models.Model):
    """One keyed digest per normalised name token: name search without clear names."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    digest = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["digest", "person"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "digest"], name="name_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.digest[:8]}"


class Case(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("office")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    case_type = models.CharField(_("case type"), max_length=32, choices=codelists.CaseType.choices)
    country = CountryField(_("country where assisted"))
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=codelists.CaseStage.choices,
        default=codelists.CaseStage.IDENTIFIED,
    )
    status = models.CharField(
        _("status (HTCDS)"),
        max_length=16,
        choices=codelists.CaseStatus.choices,
        default=codelists.CaseStatus.ACTIVE,
    )
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=32,
        blank=True,
        choices=codelists.TraffickingStatus.choices,
    )
    trafficking_status_decided_by = models.CharField(
        _("trafficking status decided by"),
        max_length=40,
        blank=True,
        choices=codelists.DecisionMakingOrg.choices,
    )
    types_of_exploitation = models.JSONField(_("types of exploitation"), default=list, blank=True)
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    industry = models.CharField(
        _("industry (ISIC)"), max_length=60, blank=True, choices=codelists.Industry.choices
    )
    country_of_recruitment = CountryField(_("country of recruitment"), blank=True)
    country_of_exploitation = CountryField(_("country of exploitation"), blank=True)
    identification_source = models.CharField(
        _("identified through"),
        max_length=20,
        blank=True,
        choices=codelists.IdentificationSource.choices,
    )
    identification_date = models.DateField(_("identification date"), db_index=True)
    is_minor = models.BooleanField(
        _("minor at identification"),
        null=True,
        blank=True,
        help_text=_("Derived; null when age unknown"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned case worker"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = EncryptedTextField(_("summary notes"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-identification_date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "stage"]),
            models.Index(fields=["organisation", "assigned_to"]),
            models.Index(fields=["organisation", "-identification_date", "-id"]),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseNote(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    body = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


class TransitionAction(models.TextChoices):
    """The kinds of step in the case workflow (pave.cases.workflow.Action)."""

    MOVE = "move", _("Moved")
    REQUEST_CLOSURE = "request_closure", _("Closure requested")
    APPROVE_CLOSURE = "approve_closure", _("Closure approved")
    SEND_BACK = "send_back", _("Closure sent back")
    REOPEN = "reopen", _("Reopened")


class CaseTransition(models.Model):
    """One step of a case through its stages, with who took it and why (append-only).

    Closure approval needs no table of its own: a case waiting for approval is in the stage
    `closure_requested`, the request is the transition that put it there (its `from_stage`
    is where "send back" returns the case, `requested_stage` what approval closes it as),
    and the decision is the transition that takes it out.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("step"), max_length=20, choices=TransitionAction.choices)
    from_stage = models.CharField(
        _("from stage"), max_length=20, choices=codelists.CaseStage.choices
    )
    to_stage = models.CharField(_("to stage"), max_length=20, choices=codelists.CaseStage.choices)
    requested_stage = models.CharField(
        _("closure requested as"),
        max_length=20,
        blank=True,
        choices=codelists.CaseStage.choices,
        help_text=_("Closure requests only: what approval will close the case as."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = EncryptedTextField(_("reason"))
    case_version = models.PositiveIntegerField(_("case version after the step"))
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_stage=models.F("to_stage")),
                name="case_transition_changes_stage",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(action="request_closure")
                    & models.Q(requested_stage__in=["closed", "closed_referred"])
                )
                | (~models.Q(action="request_closure") & models.Q(requested_stage="")),
                name="case_transition_closure_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} → {self.to_stage}"
