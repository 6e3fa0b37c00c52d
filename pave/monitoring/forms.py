import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pave.monitoring.models import IndicatorKind


class IndicatorForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=300)
    label_ar = forms.CharField(label=_("Label (Arabic)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    unit = forms.CharField(label=_("Unit"), max_length=40, initial="persons")
    baseline = forms.IntegerField(label=_("Baseline"), initial=0)
    definition = forms.CharField(
        label=_("Definition (JSON)"), widget=forms.Textarea(attrs={"rows": 12}), required=False
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
