"""Direct assistance: the catalogue of services, and what a case receives — services delivered,
support plans, follow-up visits and reintegration monitoring.

Free text about the person (notes, objectives, action plans) is encrypted at rest; what must be
counted (service, status, dates, cost, scores) is kept in clear, as nobody can be identified
from it alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pave.accounts.models import Organisation
from pave.cases.models import Case
from pave.core import codelists
from pave.core.fields import EncryptedTextField
from pave.core.models import TimeStampedModel


class ServiceFamily(models.TextChoices):
    RETURN = "return", _("Return")
    RECOVERY = "recovery", _("Recovery")
    REINTEGRATION = "reintegration", _("Reintegration")


class ServiceType(TimeStampedModel):
    """One entry of the service catalogue (editable by administrators)."""

    code = models.SlugField(max_length=40, unique=True)
    family = models.CharField(_("family"), max_length=16, choices=ServiceFamily.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["family", "sort_order", "name"]

    def __str__(self) -> str:
        # The shipped catalogue's names are in the translation catalogues; names an
        # administrator adds come back unchanged.
        return gettext(self.name)


class CaseRecord(TimeStampedModel):
    """What every assistance record of a case shares: the case, who recorded it, and a
    version for optimistic locking (an edit based on an old version is refused)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceDelivery(CaseRecord):
    """A service of the catalogue given (or planned) to a case, by a provider organisation."""

    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("service")
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("provider organisation"),
    )
    delivered_on = models.DateField(
        _("date"), help_text=_("When it was delivered, or is planned for.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.DELIVERED,
    )
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, choices=codelists.Currency.choices
    )
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        indexes = [
            models.Index(fields=["case", "delivered_on"]),
            # The report's "a delivered service in the period" per case, from the index alone.
            models.Index(fields=["case", "status", "delivered_on"]),
            models.Index(fields=["service_type", "status", "delivered_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="service_delivery_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | ~Q(currency=""),
                name="service_delivery_cost_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type_id} for case {self.case_id} on {self.delivered_on}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class CasePlan(CaseRecord):
    """A support plan (HTCDS Support Plan, `spl_`): its type, objectives and end dates."""

    plan_type = models.CharField(
        _("type"), max_length=40, choices=codelists.SupportPlanType.choices
    )
    objectives = EncryptedTextField(_("objectives"))
    action_plan = EncryptedTextField(_("action plan"))
    started_on = models.DateField(_("start date"))
    planned_end = models.DateField(_("planned end date"), null=True, blank=True)
    actual_end = models.DateField(_("actual end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("support plan")
        indexes = [models.Index(fields=["case", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=F("started_on")),
                name="case_plan_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=F("started_on")),
                name="case_plan_actual_end_after_start",
            ),
            # An active plan has not ended; a finished one says when it did.
            models.CheckConstraint(
                condition=(Q(status="active") & Q(actual_end__isnull=True))
                | (~Q(status="active") & Q(actual_end__isnull=False)),
                name="case_plan_actual_end_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_type} plan for case {self.case_id}"


class VisitOutcome(models.TextChoices):
    STABLE = "stable", _("Doing well")
    NEEDS_SUPPORT = "needs_support", _("Needs more support")
    AT_RISK = "at_risk", _("At risk: urgent action needed")
    NOT_REACHED = "not_reached", _("Could not be reached")


class FollowUpVisit(CaseRecord):
    """A follow-up visit: due on a date, and once done, when, by whom and with what outcome."""

    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visited by"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, blank=True, choices=VisitOutcome.choices
    )
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("follow-up visit")
        indexes = [models.Index(fields=["case", "due_on"]), models.Index(fields=["done_on"])]
        constraints = [
            # A visit that was done has an outcome; one still due has none.
            models.CheckConstraint(
                condition=(Q(done_on__isnull=True) & Q(outcome=""))
                | (Q(done_on__isnull=False) & ~Q(outcome="")),
                name="follow_up_outcome_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up of case {self.case_id} due {self.due_on}"


class ReintegrationScore(models.IntegerChoices):
    """PAVE's 0–4 rating of one dimension of reintegration (see docs/assistance.md)."""

    CRITICAL = 0, _("0 — critical")
    POOR = 1, _("1 — poor")
    FAIR = 2, _("2 — fair")
    GOOD = 3, _("3 — good")
    SUSTAINABLE = 4, _("4 — sustainable")


SCORE_DIMENSIONS = ("economic_score", "social_score", "psychosocial_score")


def _score_in_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 4}),
        name=f"reintegration_{name}_0_to_4",
    )


class ReintegrationAssessment(CaseRecord):
    """Where a person stands on the economic, social and psychosocial dimensions of
    reintegration on one day; a series of them shows progress over time."""

    assessed_on = models.DateField(_("assessed on"))
    economic_score = models.PositiveSmallIntegerField(
        _("economic"), choices=ReintegrationScore.choices
    )
    social_score = models.PositiveSmallIntegerField(_("social"), choices=ReintegrationScore.choices)
    psychosocial_score = models.PositiveSmallIntegerField(
        _("psychosocial"), choices=ReintegrationScore.choices
    )
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("reintegration assessment")
        indexes = [models.Index(fields=["case", "assessed_on"])]
        constraints = [_score_in_range(name) for name in SCORE_DIMENSIONS]

    def __str__(self) -> str:
        return f"reintegration of case {self.case_id} on {self.assessed_on}"

    @property
    def total(self) -> int:
        """The sum of the three dimensions, 0–12."""
        return self.economic_score + self.social_score + self.psychosocial_score
