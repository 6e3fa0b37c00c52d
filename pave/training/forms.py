"""Web forms for events, participants, sheets and aggregates. They parse input; services
decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pave.accounts.models import Organisation, User
from pave.core import codelists
from pave.training import importers, selectors, services
from pave.training.models import Event, EventType, Session, StakeholderGroup


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _country_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *countries]


class _Form(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        organisation: Organisation = obj  # type: ignore[assignment]
        return f"{organisation.name} ({organisation.code})"


# --- events ----------------------------------------------------------------------------------


class EventForm(_Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    event_type = forms.ChoiceField(label=_("Type"), choices=EventType.choices)
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    topics = forms.CharField(
        label=_("Topics"),
        max_length=3000,
        required=False,
        help_text=_("Separated by commas, e.g. victim identification, Law 164/2011."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
    partners = OrganisationChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_partners = forms.CharField(
        label=_("Other partners"),
        max_length=300,
        required=False,
        help_text=_("Partners that are not organisations in PAVE, separated by commas."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(_("Choose…"))  # type: ignore[attr-defined]
        self.fields["partners"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            pk=user.organisation_id
        ).order_by("name")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["partners"] = [organisation.pk for organisation in data["partners"]]
        return data


def event_initial(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "event_type": event.event_type,
        "country": str(event.country),
        "city": event.city,
        "topics": ", ".join(event.topics or []),
        "description": event.description,
        "partners": [organisation.pk for organisation in event.partners.all()],
        "other_partners": event.other_partners,
    }


class EventFilterForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Type"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    search = forms.CharField(label=_("Title contains"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [("", _("Any")), *EventType.choices]  # type: ignore[attr-defined]
        self.fields["country"].choices = _country_choices(_("Any"))  # type: ignore[attr-defined]

    def filters(self) -> selectors.EventFilters:
        if not self.is_valid():
            return selectors.EventFilters()
        data = self.cleaned_data
        return selectors.EventFilters(
            event_type=data["event_type"],
            country=data["country"],
            year=data["year"],
            search=data["search"],
        )


class SessionForm(_Form):
    date = forms.DateField(label=_("Date (first day)"), widget=_date_input())
    end_date = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=_date_input(),
        help_text=_("For a session over several days."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_at = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)


# --- participants ----------------------------------------------------------------------------


class ParticipantForm(_Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=codelists.Sex.choices)
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group"), choices=[("", _("Choose…")), *StakeholderGroup.choices]
    )
    affiliation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Where the person works: a ministry, an NGO, an embassy, a newspaper…"),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    title = forms.CharField(
        label=_("Title or position"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=200, required=False)

    PARTICIPANT_FIELDS = services.PARTICIPANT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(_("Not known"))  # type: ignore[attr-defined]

    def participant_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PARTICIPANT_FIELDS}


def participant_initial(participant: Any) -> dict[str, Any]:
    return {
        name: str(getattr(participant, name) or "") for name in ParticipantForm.PARTICIPANT_FIELDS
    }


class _Scores(forms.Form):
    pre_score = forms.DecimalField(
        label=_("Pre-test score"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    post_score = forms.DecimalField(
        label=_("Post-test score"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    max_score = forms.DecimalField(
        label=_("Out of"), initial=100, min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )


class AddParticipantForm(ParticipantForm, _Scores):
    sessions = forms.MultipleChoiceField(
        label=_("Present at"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, sessions: list[Session], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = [(s.pk, session_label(s)) for s in sessions]  # type: ignore[attr-defined]
        if len(sessions) == 1:
            self.fields["sessions"].initial = [sessions[0].pk]


def session_label(session: Session) -> str:
    days = session.date.isoformat()
    if session.end_date:
        days += f" – {session.end_date.isoformat()}"
    return f"{session.title} ({days})" if session.title else days


class ParticipantFilterForm(forms.Form):
    """The participant list's filters; the name is personal data, sent by POST only."""

    PERSONAL = ("name",)

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("The whole name, as recorded (case, accents and Arabic letter forms ignored)."),
    )
    stakeholder_group = forms.ChoiceField(label=_("Stakeholder group"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    affiliation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder_group"].choices = [("", _("Any")), *StakeholderGroup.choices]  # type: ignore[attr-defined]
        self.fields["country"].choices = _country_choices(_("Any"))  # type: ignore[attr-defined]

    def filters(self) -> selectors.ParticipantFilters:
        if not self.is_valid():
            return selectors.ParticipantFilters()
        data = self.cleaned_data
        return selectors.ParticipantFilters(
            stakeholder_group=data["stakeholder_group"],
            country=data["country"],
            affiliation=data["affiliation"],
        )


class MergeForm(_Form):
    merge_id = forms.IntegerField(
        label=_("Number of the duplicate record"),
        min_value=1,
        help_text=_(
            "Its attendance, scores and certificates move to this participant; the duplicate "
            "record is then deleted."
        ),
    )


# --- sheets ----------------------------------------------------------------------------------


class ImportForm(_Form):
    file = forms.FileField(
        label=_("Sign-in sheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    session = forms.TypedChoiceField(
        label=_("Session the sheet is for"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Needed when the sheet has a single “Present” column or none."),
    )
    stakeholder_group = forms.ChoiceField(
        label=_("Stakeholder group for rows without one"), required=False
    )
    affiliation = forms.CharField(
        label=_("Organisation for rows without one"), max_length=200, required=False
    )
    country = forms.ChoiceField(label=_("Country for rows without one"), required=False)
    max_score = forms.DecimalField(
        label=_("Test scores are out of"),
        initial=100,
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
    )

    def __init__(self, *args: Any, sessions: list[Session], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [  # type: ignore[attr-defined]
            ("", _("One column per session")),
            *((s.pk, session_label(s)) for s in sessions),
        ]
        self.fields["stakeholder_group"].choices = [("", "—"), *StakeholderGroup.choices]  # type: ignore[attr-defined]
        self.fields["country"].choices = _country_choices("—")  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > importers.MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(n)s kB.") % {"n": importers.MAX_BYTES // 1000}
            )
        return upload

    def defaults(self) -> importers.Defaults:
        data = self.cleaned_data
        return importers.Defaults(
            stakeholder_group=data["stakeholder_group"],
            affiliation=data["affiliation"],
            country=data["country"],
            max_score=data["max_score"],
            session_id=data["session"],
        )


class ImportConfirmForm(forms.Form):
    """The checked file, sealed in the page (see services.import_token_seal), and options."""

    sheet = forms.CharField(widget=forms.HiddenInput)
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stakeholder_group = forms.CharField(required=False, widget=forms.HiddenInput)
    affiliation = forms.CharField(required=False, widget=forms.HiddenInput)
    country = forms.CharField(required=False, widget=forms.HiddenInput)
    max_score = forms.DecimalField(widget=forms.HiddenInput)

    def defaults(self) -> importers.Defaults:
        data = self.cleaned_data
        return importers.Defaults(
            stakeholder_group=data["stakeholder_group"],
            affiliation=data["affiliation"],
            country=data["country"],
            max_score=data["max_score"],
            session_id=data["session"],
        )


# --- aggregates ------------------------------------------------------------------------------


class AggregateForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=8,
        help_text=_("A year (2014), a quarter (2014-Q2) or a month (2014-06)."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())
    event_type = forms.MultipleChoiceField(
        label=_("Event types"),
        required=False,
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    stakeholder_group = forms.MultipleChoiceField(
        label=_("Stakeholder groups"),
        required=False,
        choices=StakeholderGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = forms.ChoiceField(label=_("Events of"), required=False)
    suppressed = forms.BooleanField(
        label=_("Suppress small counts, as for readers outside the organisation"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        organisations = selectors.aggregate_organisations(user=user)
        self.fields["organisation"].choices = [(o.code, o.name) for o in organisations]  # type: ignore[attr-defined]
        if not selectors.may_manage(user):
            del self.fields["suppressed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError(_("The period ends before it starts."))
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=32,
        help_text=_("As printed on the certificate, e.g. 7KQ2-M9XD-4TRA."),
    )
