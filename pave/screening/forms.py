"""Web forms for screenings, places and visits. They parse and check input; services write."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pave.accounts.models import User
from pave.core import codelists
from pave.screening import selectors, services
from pave.screening.engine import Dimension, Instrument
from pave.screening.models import ConsentMethod, Place, PlaceKind, Visit

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
YES, NO, NOT_ASKED = "yes", "no", ""
STRENGTH_HELP = {
    "strong": _("Strong indicator"),
    "medium": _("Medium indicator"),
    "weak": _("Weak indicator"),
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _countries() -> list[tuple[str, str]]:
    return list(countries)


def _yes_no() -> list[tuple[str, Any]]:
    return [(YES, _("Yes")), (NO, _("No"))]


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        visit: Visit = obj
        return f"{visit.place.name} — {visit.visited_on.isoformat()}"


class _Form(forms.Form):
    """No colon after labels: several labels here are whole sentences or questions."""

    error_css_class = "has-error"

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def add_service_errors(form: forms.Form, exc: ValidationError, prefix: str = "") -> list[str]:
    """Show a service's {key: [messages]} on the form's matching inputs; return the rest."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    rest = []
    for key, messages in exc.message_dict.items():
        name = key.removeprefix(prefix) if prefix and key.startswith(prefix) else None
        name = name if name is not None else key
        if name in form.fields:
            form.add_error(name, messages)
        else:
            rest += messages
    return rest


class InterviewForm(_Form):
    """Step 1: which instrument, where and when, in which language, and consent.

    The HTCDS consent guidance questions come before anything about the person: without
    consent the interview stops here and only the refusal is recorded.
    """

    required_css_class = "required"
    CONSENT_ITEMS = tuple(f"consent_{name}" for name in services.CONSENT_ITEMS)

    instrument = forms.ChoiceField(label=_("Instrument"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    visit = VisitChoiceField(
        label=_("Visit"),
        queryset=Visit.objects.none(),
        required=False,
        empty_label=_("Not during a visit"),
    )
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("Not recorded"),
        help_text=_("Not needed when you choose a visit: the visit's place is used."),
    )
    interviewed_on = forms.DateField(label=_("Date of the interview"), widget=_date_input())
    language = forms.CharField(
        label=_("Language of the interview"),
        max_length=3,
        help_text=_("ISO 639 code of two or three letters, e.g. am, ar, ti."),
    )
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)

    consent_given = forms.TypedChoiceField(
        label=_("Does the person consent (or, for a child, assent) to the interview?"),
        choices=_yes_no,
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
    )
    consent_method = forms.ChoiceField(
        label=_("How was consent obtained?"),
        required=False,
        choices=[("", _("Choose…")), *ConsentMethod.choices],
    )
    consent_informed_purpose = forms.BooleanField(
        label=_("The person was told the purpose of the interview."), required=False
    )
    consent_informed_data_use = forms.BooleanField(
        label=_("The person was told the actual and potential use of the data gathered."),
        required=False,
    )
    consent_informed_research_use = forms.BooleanField(
        label=_("The person was told about the use of non-identifying data for research."),
        required=False,
    )
    consent_informed_access_right = forms.BooleanField(
        label=_("The person was told they may ask for their personal data at any time."),
        required=False,
    )
    consent_informed_retention = forms.BooleanField(
        label=_("The person was told how long the data will be stored."), required=False
    )
    consent_informed_withdrawal = forms.BooleanField(
        label=_("The person was told they may refuse, and how to withdraw consent later."),
        required=False,
    )
    consent_to_referral = forms.BooleanField(
        label=_("The person agrees to be referred for assistance."), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        registry = selectors.instrument_registry()
        latest = [registry.latest(code) for code in sorted({i.code for i in registry})]
        lang = get_language()
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            ("", _("Choose…")),
            *((i.code, f"{i.title_in(lang)} (v{i.version})") for i in latest),
        ]
        self.fields["visit"].queryset = selectors.visit_queryset_for_user(  # type: ignore[attr-defined]
            user=user
        )
        self.fields["place"].queryset = selectors.place_list(user=user)  # type: ignore[attr-defined]
        self.fields["interviewed_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("consent_given", "consent_method", *self.CONSENT_ITEMS)]

    def interview_fields(self) -> list[forms.BoundField]:
        names = ("instrument", "visit", "place", "interviewed_on", "language", "interpreter_used")
        return [self[name] for name in names]

    def clean_language(self) -> str:
        code = self.cleaned_data["language"].strip().lower()
        if not _LANGUAGE_CODE.match(code):
            raise ValidationError(_("Use two or three letters, e.g. am."))
        return code

    def clean(self) -> dict[str, Any]:
        """Consent counts only when informed; checked here so step 2 is never lost to it."""
        data = super().clean() or {}
        if data.get("consent_given"):
            if not data.get("consent_method"):
                self.add_error("consent_method", _("Say how consent was obtained."))
            for item in services.REQUIRED_FOR_CONSENT:
                if not data.get(f"consent_{item}"):
                    self.add_error(
                        f"consent_{item}",
                        _("Consent is informed only when the person was told this."),
                    )
        return data

    def consent(self) -> dict[str, Any]:
        data = self.cleaned_data
        consent = {name: data[f"consent_{name}"] for name in services.CONSENT_ITEMS}
        return {"given": data["consent_given"], "method": data["consent_method"], **consent}

    def interview(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "instrument_code": data["instrument"],
            "version": data.get("version"),
            "interviewed_on": data["interviewed_on"],
            "language": data["language"],
            "interpreter_used": data["interpreter_used"],
            "visit_id": data["visit"].pk if data.get("visit") else None,
            "place_id": data["place"].pk if data.get("place") else None,
        }


class SubjectForm(_Form):
    """Step 2, first section: the person. Everything is optional: a screening may be
    anonymous (a detainee number only, or nothing at all)."""

    detainee_number = forms.CharField(
        label=_("Detainee number"),
        max_length=64,
        required=False,
        help_text=_("Finds the person's earlier screenings."),
    )
    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=codelists.Sex.choices, initial=codelists.Sex.UNKNOWN
    )
    age_estimate = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("In years."),
    )
    citizenship = forms.MultipleChoiceField(
        label=_("Citizenship"),
        choices=_countries,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘ on a Mac) to choose more than one country."),
    )

    def subject(self) -> dict[str, Any]:
        return {
            name: value for name, value in self.cleaned_data.items() if value not in ("", None, [])
        }


class AnswersForm(_Form):
    """Step 2, the questions: one yes / no / not asked group per indicator, grouped by
    dimension. Titles and labels come from the instrument file, in the active language when
    the file translates them, else in English."""

    flag_for_follow_up = forms.BooleanField(
        label=_("Flag for follow-up even if the screening finds no indication"),
        required=False,
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.lang = get_language()
        choices = [(YES, _("Yes")), (NO, _("No")), (NOT_ASKED, _("Not asked"))]
        for dimension in instrument.dimensions:
            for indicator in dimension.indicators:
                self.fields[self.field_name(indicator.code)] = forms.ChoiceField(
                    label=indicator.label_in(self.lang),
                    choices=choices,
                    required=False,
                    initial=NOT_ASKED,
                    widget=forms.RadioSelect,
                    help_text=STRENGTH_HELP.get(indicator.strength, ""),
                )
        # The flag goes last, after the questions.
        self.fields["flag_for_follow_up"] = self.fields.pop("flag_for_follow_up")

    @staticmethod
    def field_name(code: str) -> str:
        return f"answer:{code}"

    def dimensions(self) -> list[tuple[Dimension, str, list[forms.BoundField]]]:
        return [
            (d, d.title_in(self.lang), [self[self.field_name(i.code)] for i in d.indicators])
            for d in self.instrument.dimensions
        ]

    def answers(self) -> dict[str, bool | None]:
        values = {YES: True, NO: False, NOT_ASKED: None}
        return {
            code: values[self.cleaned_data.get(self.field_name(code)) or NOT_ASKED]
            for code in self.instrument.indicators
        }


class ScreeningFilterForm(_Form):
    """The screening list's search box and filters. The detainee number identifies a person:
    it is sent by POST only; the other filters may be in a GET link."""

    PERSONAL = ("detainee_number",)

    detainee_number = forms.CharField(label=_("Detainee number"), max_length=64, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    flagged = forms.ChoiceField(
        label=_("Flagged for follow-up"),
        required=False,
        choices=[("", _("Any")), (YES, _("Yes")), (NO, _("No"))],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        outcomes: dict[str, str] = {}
        lang = get_language()
        for instrument in selectors.instrument_registry():
            for outcome in instrument.outcomes:
                outcomes.setdefault(outcome.code, outcome.label_in(lang))
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            ("", _("Any")),
            *sorted(outcomes.items()),
            (selectors.REFUSED, _("Refused the interview")),
        ]

    def filters(self) -> selectors.ScreeningFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return selectors.ScreeningFilters(
            detainee_number=data.get("detainee_number", ""),
            outcome=data.get("outcome", ""),
            flagged={YES: True, NO: False}.get(data.get("flagged", "")),
        )


class OpenCaseForm(_Form):
    """What the new case starts with: carried over from the screening, editable."""

    PERSON = ("given_name", "family_name", "sex", "age_estimate", "citizenship")

    given_name = forms.CharField(
        label=_("Given name"),
        max_length=200,
        required=False,
        help_text=_("Required for a case: the name the person uses."),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=codelists.Sex.choices)
    age_estimate = forms.IntegerField(
        label=_("Estimated age"), required=False, min_value=0, max_value=120
    )
    citizenship = forms.MultipleChoiceField(
        label=_("Citizenship"),
        choices=_countries,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    case_type = forms.ChoiceField(label=_("Case type"), choices=codelists.CaseType.choices)
    country = forms.ChoiceField(label=_("Country where assisted"), choices=_countries)

    def person(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PERSON}

    def case(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("case_type", "country")}


def open_case_initial(person: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    initial = {name: person.get(name) for name in OpenCaseForm.PERSON}
    initial.update(case_type=case["case_type"], country=case["country"])
    return initial


class PlaceForm(_Form):
    required_css_class = "required"

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of place"), choices=PlaceKind.choices)
    country = forms.ChoiceField(
        label=_("Country"), choices=lambda: [("", _("Choose…")), *_countries()]
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)


class VisitForm(_Form):
    required_css_class = "required"

    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.none(), empty_label=_("Choose…")
    )
    visited_on = forms.DateField(label=_("Date of the visit"), widget=_date_input())
    team = forms.CharField(
        label=_("Team"),
        max_length=300,
        required=False,
        help_text=_("Who took part, e.g. the organisations or units of the team."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = selectors.place_list(user=user)  # type: ignore[attr-defined]
        self.fields["visited_on"].initial = timezone.localdate
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()
