"""Web forms for assistance records and the catalogue. They parse input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from pave.accounts.models import User
from pave.assistance import selectors
from pave.assistance.models import (
    CasePlan,
    DeliveryStatus,
    FollowUpVisit,
    PlanStatus,
    ReintegrationAssessment,
    ReintegrationScore,
    ServiceDelivery,
    ServiceFamily,
    ServiceType,
    VisitOutcome,
)
from pave.cases.forms import UserChoiceField, field_label
from pave.core import codelists
from pave.core.forms import add_service_errors


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text_area(rows: int = 4) -> forms.Textarea:
    # Free text may be typed in Arabic or Latin script whatever the page's language.
    return forms.Textarea(attrs={"rows": rows, "dir": "auto"})


def _optional(choices: Any, empty: Any = None) -> list[tuple[Any, Any]]:
    return [("", empty or _("Not recorded")), *choices]


class ServiceTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        service_type: ServiceType = obj  # type: ignore[assignment]
        return f"{service_type.get_family_display()} — {service_type}"


class RecordForm(forms.Form):
    """Shared by the four record forms: `version` on edit pages, service errors on inputs."""

    required_css_class = "required"
    error_css_class = "has-error"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        if not editing:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        """What the service receives: every field but the version, blanks as None."""
        return {
            name: (None if value in ("", None) and name not in ("notes",) else value)
            for name, value in self.cleaned_data.items()
            if name != "version"
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)


class ServiceDeliveryForm(RecordForm):
    service_type = ServiceTypeChoiceField(
        label=field_label(ServiceDelivery, "service_type"),
        queryset=ServiceType.objects.none(),
        empty_label=_("Choose…"),
    )
    provider = forms.ModelChoiceField(
        label=field_label(ServiceDelivery, "provider"),
        queryset=selectors.provider_list(),
        empty_label=None,
    )
    delivered_on = forms.DateField(
        label=field_label(ServiceDelivery, "delivered_on"),
        widget=_date_input(),
        help_text=_("When it was delivered, or is planned for."),
    )
    status = forms.ChoiceField(
        label=field_label(ServiceDelivery, "status"),
        choices=DeliveryStatus.choices,
        initial=DeliveryStatus.DELIVERED,
    )
    cost = forms.DecimalField(
        label=field_label(ServiceDelivery, "cost"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    currency = forms.ChoiceField(
        label=field_label(ServiceDelivery, "currency"),
        required=False,
        choices=_optional(codelists.Currency.choices),
    )
    notes = forms.CharField(
        label=field_label(ServiceDelivery, "notes"),
        required=False,
        max_length=20000,
        widget=_text_area(),
    )

    def __init__(self, *args: Any, current_type: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Offered services, and the one already recorded even if it is no longer offered.
        offered = ServiceType.objects.filter(Q(active=True) | Q(pk=current_type or 0))
        field: Any = self.fields["service_type"]
        field.queryset = offered.order_by("family", "sort_order", "name")
        self.fields["provider"].initial = self.user.organisation_id


class CasePlanForm(RecordForm):
    plan_type = forms.ChoiceField(
        label=field_label(CasePlan, "plan_type"),
        choices=_optional(codelists.SupportPlanType.choices, _("Choose…")),
    )
    objectives = forms.CharField(
        label=field_label(CasePlan, "objectives"), max_length=20000, widget=_text_area()
    )
    action_plan = forms.CharField(
        label=field_label(CasePlan, "action_plan"),
        required=False,
        max_length=20000,
        widget=_text_area(),
    )
    started_on = forms.DateField(label=field_label(CasePlan, "started_on"), widget=_date_input())
    planned_end = forms.DateField(
        label=field_label(CasePlan, "planned_end"), required=False, widget=_date_input()
    )
    actual_end = forms.DateField(
        label=field_label(CasePlan, "actual_end"),
        required=False,
        widget=_date_input(),
        help_text=_("Only once the plan is completed or discontinued."),
    )
    status = forms.ChoiceField(label=field_label(CasePlan, "status"), choices=PlanStatus.choices)


class FollowUpForm(RecordForm):
    due_on = forms.DateField(label=field_label(FollowUpVisit, "due_on"), widget=_date_input())
    done_on = forms.DateField(
        label=field_label(FollowUpVisit, "done_on"),
        required=False,
        widget=_date_input(),
        help_text=_("Leave empty for a visit still to be made."),
    )
    visited_by = UserChoiceField(
        label=field_label(FollowUpVisit, "visited_by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me, once done"),
    )
    outcome = forms.ChoiceField(
        label=field_label(FollowUpVisit, "outcome"),
        required=False,
        choices=_optional(VisitOutcome.choices),
    )
    notes = forms.CharField(
        label=field_label(FollowUpVisit, "notes"),
        required=False,
        max_length=20000,
        widget=_text_area(),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["visited_by"]
        field.queryset = selectors.visitor_choices(organisation_id=self.user.organisation_id)


def _score_field(name: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=field_label(ReintegrationAssessment, name),
        choices=_optional(ReintegrationScore.choices, _("Choose…")),
        coerce=int,
    )


class ReintegrationForm(RecordForm):
    assessed_on = forms.DateField(
        label=field_label(ReintegrationAssessment, "assessed_on"), widget=_date_input()
    )
    economic_score = _score_field("economic_score")
    social_score = _score_field("social_score")
    psychosocial_score = _score_field("psychosocial_score")
    notes = forms.CharField(
        label=field_label(ReintegrationAssessment, "notes"),
        required=False,
        max_length=20000,
        widget=_text_area(),
    )


def record_initial(record: Any, form_class: type[RecordForm]) -> dict[str, Any]:
    """A stored record in the shapes its form uses (foreign keys as ids)."""
    initial: dict[str, Any] = {}
    for name in form_class.base_fields:
        field = record._meta.get_field(name)
        initial[name] = getattr(record, field.attname)
    return initial


class ServiceTypeForm(forms.Form):
    """Add a service to the catalogue (`with_code`) or rename / move / (de)activate one."""

    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("e.g. legal-aid"))
    name = forms.CharField(label=_("Name"), max_length=120)
    family = forms.ChoiceField(label=_("Family"), choices=ServiceFamily.choices)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args: Any, with_code: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not with_code:
            del self.fields["code"]

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)
