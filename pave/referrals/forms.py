"""Web forms for consent, referrals and the directory. They parse input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pave.accounts.models import Organisation, User
from pave.assistance.models import ServiceType
from pave.referrals import selectors
from pave.referrals.models import (
    ConsentMethod,
    ConsentPurpose,
    OverrideGround,
    ReferralReason,
    ReferralStatus,
    SharedField,
)
from pave.referrals.roles import OVERRIDERS


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"
    )


def _text_area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "dir": "auto"})


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations with their country: a referral may cross a border."""

    def label_from_instance(self, obj: Model) -> str:
        organisation: Organisation = obj  # type: ignore[assignment]
        return f"{organisation.name} ({countries.name(organisation.country) or ''})"


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        service: ServiceType = obj  # type: ignore[assignment]
        return f"{service.get_family_display()}: {_(service.name)}"


class _Form(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"


# --- consent ---------------------------------------------------------------------------------


class ConsentForm(_Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation the person agrees to be referred to"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose…"),
        help_text=_("For a referral consent: name the organisation, or tick the box below."),
    )
    any_organisation = forms.BooleanField(
        label=_("The person agrees to be referred to any organisation"), required=False
    )
    given_on = forms.DateField(label=_("Given on"), widget=_date_input())
    how_obtained = forms.ChoiceField(
        label=_("How obtained"), choices=[("", _("Choose…")), *ConsentMethod.choices]
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=20000, required=False, widget=_text_area(3)
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.consent_organisations(  # type: ignore[attr-defined]
            user=user
        )
        self.fields["given_on"].initial = timezone.localdate

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "purpose": data["purpose"],
            "given_on": data["given_on"],
            "how_obtained": data["how_obtained"],
            "organisation_id": data["organisation"].pk if data.get("organisation") else None,
            "any_organisation": data["any_organisation"],
            "notes": data["notes"],
        }


class WithdrawForm(_Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=_date_input())


# --- referrals -------------------------------------------------------------------------------


class DirectorySearchForm(forms.Form):
    """Find providers: services (any of), country, city. GET; every field optional."""

    service = ServiceChoiceField(
        label=_("Services needed"),
        queryset=ServiceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = selectors.active_services()  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("Any")), *countries]  # type: ignore[attr-defined]

    def filters(self) -> selectors.DirectoryFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.DirectoryFilters()
        data = self.cleaned_data
        return selectors.DirectoryFilters(
            services=tuple(service.pk for service in data["service"]),
            country=data["country"],
            city=data["city"],
        )

    def is_searching(self) -> bool:
        filters = self.filters()
        return bool(filters.services or filters.country or filters.city.strip())


class ReferralForm(_Form):
    to_org = OrganisationChoiceField(
        label=_("Refer to"), queryset=Organisation.objects.none(), empty_label=_("Choose…")
    )
    services = ServiceChoiceField(
        label=_("Services requested"),
        queryset=ServiceType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.ChoiceField(
        label=_("Reason for the referral"), choices=[("", _("Choose…")), *ReferralReason.choices]
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("What the receiving organisation may see about the person"),
        choices=SharedField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share only what the receiving organisation needs. Nothing else is shown."),
    )
    details_for_receiver = forms.CharField(
        label=_("Details for the receiving organisation"),
        max_length=20000,
        required=False,
        widget=_text_area(),
        help_text=_("Arrangements and logistics. The receiving organisation reads this."),
    )
    transfer_ownership = forms.BooleanField(
        label=_("Transfer the case to this organisation when it accepts"),
        required=False,
        help_text=_("Your organisation will no longer see the case."),
    )
    override_ground = forms.ChoiceField(
        label=_("Refer without valid consent, for this emergency"),
        choices=[("", _("No: the person has consented")), *OverrideGround.choices],
        required=False,
        help_text=_(
            "Only in an emergency, when the person's consent cannot be obtained. Your "
            "organisation's administrators are told."
        ),
    )
    override_reason = forms.CharField(
        label=_("What the emergency is"),
        max_length=20000,
        required=False,
        widget=_text_area(3),
        help_text=_("Recorded with the referral; the receiving organisation does not see it."),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        to_org: Any = self.fields["to_org"]
        to_org.queryset = (
            organisations
            if organisations is not None
            else (selectors.referral_organisations(user=user))
        )
        if organisations is not None:
            to_org.empty_label = None
            to_org.widget = forms.RadioSelect()
            to_org.widget.choices = to_org.choices
        self.fields["services"].queryset = selectors.active_services()  # type: ignore[attr-defined]
        if user.role not in OVERRIDERS:
            del self.fields["transfer_ownership"]
            del self.fields["override_ground"]
            del self.fields["override_reason"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to_org_id": data["to_org"].pk,
            "service_ids": [service.pk for service in data["services"]],
            "reason": data["reason"],
            "shared_fields": data["shared_fields"],
            "details_for_receiver": data["details_for_receiver"],
            "transfer_ownership": data.get("transfer_ownership", False),
            "override_reason": data.get("override_reason", ""),
            "override_ground": data.get("override_ground", ""),
        }


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *ReferralStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"status": data["status"], "overdue": True if data["overdue"] else None}


# --- directory -------------------------------------------------------------------------------


class DirectoryEntryForm(_Form):
    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.none(), empty_label=_("Choose…")
    )
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    contact_notes = forms.CharField(
        label=_("How to reach your organisation for this service"),
        max_length=20000,
        required=False,
        widget=_text_area(3),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = selectors.active_services()  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("Choose…")), *countries]  # type: ignore[attr-defined]
