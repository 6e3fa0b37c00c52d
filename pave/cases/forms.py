"""Web forms for cases. They parse and check input; the services decide and write."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pave.accounts.models import User
from pave.accounts.roles import CASE_ASSIGNERS
from pave.cases import selectors
from pave.cases.models import Case, Person
from pave.cases.rules import CASE_FIELDS, PERSON_FIELDS, TEXT_LIMITS
from pave.core import codelists
from pave.core.forms import add_service_errors

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def field_label(model: type[Model], name: str) -> Any:
    """The model field's verbose name, so forms, detail pages and admin say the same thing."""
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _country_choices() -> list[tuple[str, str]]:
    # Evaluated on each render so that names follow the active language.
    return list(countries)


def _optional(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Not recorded")), *choices]


def _optional_countries() -> list[tuple[str, str]]:
    return _optional(_country_choices())


def _required_countries() -> list[tuple[str, Any]]:
    return [("", _("Choose…")), *_country_choices()]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        user: User = obj  # type: ignore[assignment]
        full_name = user.get_full_name()
        return f"{full_name} ({user.username})" if full_name else user.username


def _free_text() -> forms.TextInput:
    # Names may be typed in Arabic or Latin script whatever the page's language.
    return forms.TextInput(attrs={"dir": "auto"})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    """Person and case fields of the create and edit pages.

    `mode="edit"` adds the hidden `version` the edit is based on; the assignment field is
    only offered to roles that may assign.
    """

    required_css_class = "required"
    error_css_class = "has-error"

    PERSON = PERSON_FIELDS
    CASE = tuple(name for name in CASE_FIELDS if name != "office")

    # Person
    given_name = forms.CharField(
        label=field_label(Person, "given_name"),
        max_length=TEXT_LIMITS["given_name"],
        widget=_free_text(),
    )
    family_name = forms.CharField(
        label=field_label(Person, "family_name"),
        max_length=TEXT_LIMITS["family_name"],
        required=False,
        widget=_free_text(),
    )
    other_names = forms.CharField(
        label=field_label(Person, "other_names"),
        max_length=TEXT_LIMITS["other_names"],
        required=False,
        widget=_free_text(),
    )
    sex = forms.ChoiceField(
        label=field_label(Person, "sex"), choices=[("", _("Choose…")), *codelists.Sex.choices]
    )
    gender = forms.ChoiceField(
        label=field_label(Person, "gender"),
        choices=_optional(codelists.Gender.choices),
        required=False,
    )
    birth_date = forms.DateField(
        label=field_label(Person, "birth_date"), required=False, widget=_date_input()
    )
    age_estimate = forms.IntegerField(
        label=field_label(Person, "age_estimate"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("In years, when the date of birth is not known."),
    )
    citizenship = forms.MultipleChoiceField(
        label=field_label(Person, "citizenship"),
        choices=_country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘ on a Mac) to choose more than one country."),
    )
    languages = forms.CharField(
        label=field_label(Person, "languages"),
        max_length=200,
        required=False,
        help_text=_("ISO 639 codes separated by commas, e.g. am, ar, en."),
    )
    phone = forms.CharField(
        label=field_label(Person, "phone"), max_length=TEXT_LIMITS["phone"], required=False
    )
    identity_number = forms.CharField(
        label=field_label(Person, "identity_number"),
        max_length=TEXT_LIMITS["identity_number"],
        required=False,
    )
    address = forms.CharField(
        label=field_label(Person, "address"),
        max_length=TEXT_LIMITS["address"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    # Case
    case_type = forms.ChoiceField(
        label=field_label(Case, "case_type"),
        choices=[("", _("Choose…")), *codelists.CaseType.choices],
    )
    country = forms.ChoiceField(label=field_label(Case, "country"), choices=_required_countries)
    identification_date = forms.DateField(
        label=field_label(Case, "identification_date"), widget=_date_input()
    )
    identification_source = forms.ChoiceField(
        label=field_label(Case, "identification_source"),
        required=False,
        choices=_optional(codelists.IdentificationSource.choices),
    )
    trafficking_status = forms.ChoiceField(
        label=field_label(Case, "trafficking_status"),
        required=False,
        choices=_optional(codelists.TraffickingStatus.choices),
    )
    trafficking_status_decided_by = forms.ChoiceField(
        label=field_label(Case, "trafficking_status_decided_by"),
        required=False,
        choices=_optional(codelists.DecisionMakingOrg.choices),
    )
    types_of_exploitation = forms.MultipleChoiceField(
        label=field_label(Case, "types_of_exploitation"),
        required=False,
        choices=codelists.TypeOfExploitation.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    methods_of_control = forms.MultipleChoiceField(
        label=field_label(Case, "methods_of_control"),
        required=False,
        choices=codelists.MethodOfControl.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    industry = forms.ChoiceField(
        label=field_label(Case, "industry"),
        required=False,
        choices=_optional(codelists.Industry.choices),
    )
    country_of_recruitment = forms.ChoiceField(
        label=field_label(Case, "country_of_recruitment"),
        required=False,
        choices=_optional_countries,
    )
    country_of_exploitation = forms.ChoiceField(
        label=field_label(Case, "country_of_exploitation"),
        required=False,
        choices=_optional_countries,
    )
    assigned_to = UserChoiceField(
        label=field_label(Case, "assigned_to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    summary = forms.CharField(
        label=field_label(Case, "summary"),
        max_length=TEXT_LIMITS["summary"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, user: User, mode: str = "create", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.mode = mode
        if user.role in CASE_ASSIGNERS:
            assigned = self.fields["assigned_to"]
            assigned.queryset = selectors.assignable_users(  # type: ignore[attr-defined]
                organisation_id=user.organisation_id
            )
            if mode == "create":
                assigned.empty_label = _("Me")  # type: ignore[attr-defined]
                assigned.help_text = _("Leave as “Me” to take the case yourself.")
        else:
            del self.fields["assigned_to"]
        if mode == "create":
            del self.fields["version"]
            self.fields["identification_date"].initial = timezone.localdate
        today = timezone.localdate().isoformat()
        for name in ("birth_date", "identification_date"):
            self.fields[name].widget.attrs["max"] = today

    # --- groups for the template -------------------------------------------------------------

    GROUPS = (
        (_("Person"), PERSON),
        (
            _("Identification"),
            (
                "case_type",
                "country",
                "identification_date",
                "identification_source",
                "trafficking_status",
                "trafficking_status_decided_by",
            ),
        ),
        (
            _("Exploitation"),
            (
                "types_of_exploitation",
                "methods_of_control",
                "industry",
                "country_of_recruitment",
                "country_of_exploitation",
            ),
        ),
        (_("Case management"), ("assigned_to", "summary")),
    )

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(legend, fields) for each <fieldset> of the page."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]

    # --- cleaning ----------------------------------------------------------------------------

    def clean_languages(self) -> list[str]:
        codes = [code.strip().lower() for code in self.cleaned_data["languages"].split(",")]
        codes = [code for code in codes if code]
        wrong = [code for code in codes if not _LANGUAGE_CODE.match(code)]
        if wrong:
            raise ValidationError(
                _("Not a language code: %(codes)s. Use two or three letters, e.g. ar."),
                params={"codes": ", ".join(wrong)},
            )
        return list(dict.fromkeys(codes))

    # --- what the services receive -----------------------------------------------------------

    def _values(self, names: Iterable[str]) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}
        if self.mode == "create":
            # Only what was recorded, so the audit event names only the fields written;
            # an empty "assigned to" means the creator takes the case.
            data = {name: value for name, value in data.items() if value not in ("", None, [])}
        return data

    def person_data(self) -> dict[str, Any]:
        return self._values(self.PERSON)

    def case_data(self) -> dict[str, Any]:
        return self._values(self.CASE)

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc, strip_prefix="person.")


def case_initial(case: Case) -> dict[str, Any]:
    """The stored values of a case in the shapes CaseForm uses."""
    person = case.person
    initial: dict[str, Any] = {name: getattr(person, name) for name in PERSON_FIELDS}
    initial["languages"] = ", ".join(person.languages or [])
    for name in CaseForm.CASE:
        initial[name] = getattr(case, name)
    for name in ("country", "country_of_recruitment", "country_of_exploitation"):
        initial[name] = str(initial[name] or "")
    initial["assigned_to"] = case.assigned_to_id
    initial["version"] = case.version
    return initial


def _shown(field: forms.Field, value: Any) -> str:
    """A value as the form's own labels show it (for the conflict comparison)."""
    if value in (None, "", []):
        return "—"
    if isinstance(field, forms.ModelChoiceField):
        value = getattr(value, "pk", value)
    if isinstance(field, forms.ChoiceField):
        choices: Any = field.choices
        labels = {str(key): str(label) for key, label in choices}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _same(field: forms.Field, current: Any, yours: Any) -> bool:
    if isinstance(field, forms.ModelChoiceField):
        yours = getattr(yours, "pk", yours)
    if isinstance(field, forms.MultipleChoiceField):
        return sorted(current or []) == sorted(yours or [])
    return (current in (None, "") and yours in (None, "")) or current == yours


def conflict_differences(form: CaseForm, case: Case) -> list[tuple[str, str, str]]:
    """(label, saved value, your value) for each field where the saved case differs."""
    current = case_initial(case)
    current["languages"] = list(case.person.languages or [])
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        yours = form.cleaned_data[name]
        if not _same(field, current.get(name), yours):
            rows.append((str(field.label), _shown(field, current.get(name)), _shown(field, yours)))
    return rows


class CaseSearchForm(forms.Form):
    """The case list's search box and filters. The search (`q`) holds personal data and is
    sent by POST only; the other filters may be in a GET link."""

    PERSONAL = ("q",)

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        help_text=_("A name, a case reference, a phone or an identity number."),
    )
    stage = forms.ChoiceField(
        label=field_label(Case, "stage"),
        required=False,
        choices=[("", _("Any")), *codelists.CaseStage.choices],
    )
    case_type = forms.ChoiceField(
        label=field_label(Case, "case_type"),
        required=False,
        choices=[("", _("Any")), *codelists.CaseType.choices],
    )
    country = forms.ChoiceField(
        label=field_label(Case, "country"),
        required=False,
        choices=lambda: [("", _("Any")), *_country_choices()],
    )
    sex = forms.ChoiceField(
        label=field_label(Person, "sex"),
        required=False,
        choices=[("", _("Any")), *codelists.Sex.choices],
    )
    minor = forms.ChoiceField(
        label=field_label(Case, "is_minor"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    assigned = UserChoiceField(
        label=field_label(Case, "assigned_to"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].queryset = selectors.assignable_users(  # type: ignore[attr-defined]
            organisation_id=user.organisation_id
        )

    def filters(self) -> selectors.CaseFilters:
        data = self.cleaned_data
        assigned = data.get("assigned")
        return selectors.CaseFilters(
            search=data.get("q", ""),
            stage=data.get("stage", ""),
            case_type=data.get("case_type", ""),
            country=data.get("country", ""),
            sex=data.get("sex", ""),
            assigned_to=assigned.pk if assigned else None,
            is_minor={"yes": True, "no": False}.get(data.get("minor", "")),
        )

    def is_filtered(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.filters().used())


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("New note"),
        max_length=TEXT_LIMITS["note"],
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, messages in exc.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)
