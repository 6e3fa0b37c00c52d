"""Web forms for the indicator editor, manual values and the budget. They parse input;
services decide (and check the role)."""

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pave.core.forms import add_service_errors
from pave.monitoring.models import BudgetLine, IndicatorKind, Project

if TYPE_CHECKING:  # django-stubs only: lazy translations are accepted as labels
    from django_stubs_ext import StrOrPromise


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label: "StrOrPromise", *, minimum: str = "0") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(minimum),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": minimum, "inputmode": "decimal"}),
    )


class _Form(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)


class IndicatorForm(_Form):
    label = forms.CharField(label=_("Label"), max_length=300)
    label_ar = forms.CharField(label=_("Label (Arabic)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    unit = forms.CharField(label=_("Unit"), max_length=40, initial="persons")
    baseline = forms.IntegerField(label=_("Baseline"), initial=0)
    definition = forms.CharField(
        label=_("Definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "dir": "ltr", "spellcheck": "false"}),
        required=False,
        help_text=_("Computed indicators only; see the definition language in docs/reports.md."),
    )

    def clean_definition(self) -> Any:
        text = self.cleaned_data["definition"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s"), params={"error": exc}
            ) from exc

    def add_service_errors(self, exc: ValidationError) -> None:
        """A definition's problems go on the definition field, each with its path."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, messages in exc.message_dict.items():
            if name == "definition" or name.startswith("definition."):
                path = name.removeprefix("definition").removeprefix(".")
                prefix = "" if path in ("", "__all__") else f"{path}: "
                self.add_error("definition", [prefix + m for m in messages])
            else:
                self.add_error(name if name in self.fields else None, messages)


class _PeriodForm(_Form):
    """A value for a period: from, to (not before from)."""

    period_start = forms.DateField(label=_("From"), widget=_date_input())
    period_end = forms.DateField(label=_("To"), widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class ManualValueForm(_PeriodForm):
    value = forms.IntegerField(label=_("Value"), min_value=0)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_(
            "Where the number comes from: the document, its reference or where it is filed."
        ),
        error_messages={"required": _("A value needs its evidence.")},
    )


class TargetForm(_PeriodForm):
    prefix = "target"
    value = forms.IntegerField(label=_("Target"), min_value=0)


# The budget page holds three forms: prefixes keep their inputs' names and ids apart.
class BudgetLineForm(_Form):
    prefix = "line"
    code = forms.CharField(label=_("Code"), max_length=16)
    title = forms.CharField(label=_("Title"), max_length=200)
    amount = _amount(_("Amount budgeted"))


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.title}"


class ExpenditureForm(_Form):
    prefix = "expenditure"
    line = BudgetLineChoiceField(
        label=_("Budget line"), queryset=BudgetLine.objects.none(), empty_label=_("Choose…")
    )
    spent_on = forms.DateField(label=_("Date"), widget=_date_input())
    amount = _amount(_("Amount"), minimum="0.01")
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Only this project's lines: another project's line is "not one of the choices".
        self.fields["line"].queryset = BudgetLine.objects.filter(project=project).order_by("code")  # type: ignore[attr-defined]


class CoFundingForm(_Form):
    prefix = "share"
    funder = forms.CharField(label=_("Funder"), max_length=200)
    share_percent = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100"}),
    )
