"""Results framework: projects, their logframe (objective → outcomes → outputs), indicators
with baselines and targets per period, manual values with evidence, and the budget."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pave.accounts.models import Organisation
from pave.core.models import TimeStampedModel


class Project(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects"
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=300)
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    # Donor viewers of this organisation see the project's suppressed aggregates only.
    donor_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_projects",
        verbose_name=_("donor organisation"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    budget = models.DecimalField(_("total budget"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["-start", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="project_end_after_start")
        ]

    def __str__(self) -> str:
        return self.code


class NodeLevel(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


class ResultNode(models.Model):
    """One box of the logframe; outcomes hang under the objective, outputs under outcomes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    level = models.CharField(_("level"), max_length=10, choices=NodeLevel.choices)
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="result_node_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from records")
    MANUAL = "manual", _("Entered with evidence")


class Indicator(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    node = models.ForeignKey(
        ResultNode, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=300)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=40, default="persons")
    kind = models.CharField(
        _("kind"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.COMPUTED
    )
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    baseline = models.IntegerField(_("baseline"), default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["project", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class Target(models.Model):
    """A cumulative target to reach by the end of a period (e.g. a project year)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    value = models.IntegerField(_("target"))

    class Meta:
        ordering = ["indicator", "period_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="target_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} by {self.period_end}"


class ManualValue(TimeStampedModel):
    """A value of a manual indicator for a period, with the evidence behind it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    value = models.IntegerField(_("value"))
    evidence = models.TextField(_("evidence"), help_text=_("Where the number comes from"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.CheckConstraint(condition=~Q(evidence=""), name="manual_value_has_evidence")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("budgeted"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["project", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="budget_line_unique_code"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Expenditure(models.Model):
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenditures")
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["line", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.amount} on {self.spent_on}"


class CoFunding(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="co_funding")
    funder = models.CharField(_("funder"), max_length=200)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["project", "-share_percent"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="co_funding_share_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.share_percent} %"
