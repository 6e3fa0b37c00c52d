"""Referral, consent and directory pages: thin views over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.accounts.models import Organisation
from pave.accounts.roles import CaseScope
from pave.cases.selectors import case_get_for_user
from pave.core.forms import add_service_errors
from pave.core.http import requested_page
from pave.referrals import selectors, services
from pave.referrals.forms import (
    ConsentForm,
    DirectoryEntryForm,
    DirectorySearchForm,
    ReferralFilterForm,
    ReferralForm,
    WithdrawForm,
)
from pave.referrals.models import ReferralStatus, SharedField
from pave.referrals.roles import (
    CONSENT_RECORDERS,
    DIRECTORY_EDITORS,
    OVERRIDERS,
    RECEIVERS,
    SENDERS,
)

PAGE_SIZE = 50


# --- lists -----------------------------------------------------------------------------------


@login_required
def referral_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """Received and sent referrals, one box at a time; overdue ones are flagged."""
    user = request.user
    if user.case_scope == CaseScope.NONE:
        raise PermissionDenied(_("Your role gives no access to referrals."))
    default_box = selectors.RECEIVED if user.role in RECEIVERS else selectors.SENT
    box = request.GET.get("box", default_box)
    if box not in (selectors.SENT, selectors.RECEIVED):
        box = default_box
    form = ReferralFilterForm(request.GET)
    page_number = requested_page(request)
    filters = selectors.ReferralFilters(box=box, **form.values())
    rows, total = services.referral_search(
        actor=user, filters=filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "referrals/referral_list.html",
        {
            "box": box,
            "form": form,
            "rows": rows,
            "total": total,
            "can_receive": user.role in RECEIVERS,
            "page_number": page_number,
            "pages": pages,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "next_page": page_number + 1 if page_number < pages else None,
        },
    )


# --- one referral ----------------------------------------------------------------------------


def _render_detail(
    request: AuthedHttpRequest,
    referral_id: int,
    *,
    failed_action: str = "",
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    referral, side, shows_person = services.referral_read(
        actor=request.user, referral_id=referral_id
    )
    user = request.user
    receiving = side == selectors.RECEIVED
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "receiving": receiving,
            "shows_person": shows_person,
            "shared_rows": selectors.shared_rows(referral) if shows_person else [],
            "shared_labels": [
                label for name, label in SharedField.choices if name in referral.shared_fields
            ],
            "can_answer": receiving and referral.status == ReferralStatus.SENT,
            "can_complete": receiving and referral.status == ReferralStatus.ACCEPTED,
            "can_revoke": (
                not receiving
                and user.role in SENDERS
                and referral.is_open
                and not (referral.transfer_ownership and referral.status != ReferralStatus.SENT)
            ),
            "failed_action": failed_action,
            "errors": errors or [],
            "reason": request.POST.get("reason", "") if failed_action else "",
        },
        status=status,
    )


@login_required
def referral_detail_view(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _render_detail(request, referral_id)


def _act(request: AuthedHttpRequest, referral_id: int, action: str) -> HttpResponse:
    """Run one transition; on a refusal show the referral again with the reason (422).
    Who may act at all (404, 403) is the service's first check, whatever the input."""
    actor = request.user
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            referral = services.referral_accept(actor=actor, referral_id=referral_id)
        elif action == "decline":
            referral = services.referral_decline(
                actor=actor, referral_id=referral_id, reason=reason
            )
        elif action == "complete":
            referral = services.referral_complete(actor=actor, referral_id=referral_id)
        else:
            referral = services.referral_revoke(actor=actor, referral_id=referral_id, reason=reason)
    except ValidationError as exc:
        return _render_detail(
            request, referral_id, failed_action=action, errors=exc.messages, status=422
        )
    if action == "accept" and referral.transfer_ownership:
        messages.success(
            request,
            _("Referral accepted. The case is now your organisation's, assigned to you."),
        )
        return redirect("cases:detail", case_id=referral.case_id)
    done = {
        "accept": _("Referral accepted."),
        "decline": _("Referral declined."),
        "complete": _("Referral marked as completed."),
        "revoke": _("Referral revoked."),
    }
    messages.success(request, done[action])
    return redirect("referrals:detail", referral_id=referral_id)


@login_required
@require_POST
def referral_accept_view(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _act(request, referral_id, "accept")


@login_required
@require_POST
def referral_decline_view(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _act(request, referral_id, "decline")


@login_required
@require_POST
def referral_complete_view(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _act(request, referral_id, "complete")


@login_required
@require_POST
def referral_revoke_view(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _act(request, referral_id, "revoke")


# --- making a referral -----------------------------------------------------------------------


def _providers_and_orgs(search: DirectorySearchForm) -> tuple[list[Any], Any]:
    if not search.is_searching():
        return [], None
    entries = list(selectors.directory_search(filters=search.filters())[:500])
    providers = selectors.directory_providers(entries)
    return providers, Organisation.objects.filter(pk__in=[org.pk for org, _ in providers])


@login_required
def referral_create_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    """Search the directory (GET), then refer to one of the providers found (POST)."""
    user = request.user
    case = case_get_for_user(user=user, case_id=case_id)
    if user.role not in SENDERS:
        raise PermissionDenied(_("Your role cannot refer cases."))
    search = DirectorySearchForm(request.GET or None)
    providers, organisations = _providers_and_orgs(search)
    if organisations is not None:
        organisations = organisations.exclude(pk=user.organisation_id).order_by("name")
    initial = {"services": search.filters().services}
    form = ReferralForm(
        request.POST or None, user=user, organisations=organisations, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                referral = services.referral_send(actor=user, case_id=case.pk, **form.values())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The referral was sent."))
                return redirect("referrals:detail", referral_id=referral.pk)
        status = 422
    consents = [c for c in selectors.consents_of_case(case=case) if c.purpose == "referral"]
    return render(
        request,
        "referrals/referral_form.html",
        {
            "case": case,
            "search": search,
            "providers": providers,
            "form": form,
            "referral_consents": [c for c in consents if c.is_active()],
            "can_override": user.role in OVERRIDERS,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


# --- consent ---------------------------------------------------------------------------------


@login_required
def consent_list_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    """A case's consents with their notes (an audited read); record one below."""
    user = request.user
    form = ConsentForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        case_get_for_user(user=user, case_id=case_id)
        if user.role not in CONSENT_RECORDERS:
            raise PermissionDenied(_("Your role cannot record consent."))
        if form.is_valid():
            try:
                services.consent_record(actor=user, case_id=case_id, **form.values())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The consent was recorded."))
                return redirect("referrals:consents", case_id=case_id)
        status = 422
    case, consents = services.consent_list(actor=user, case_id=case_id)
    return render(
        request,
        "referrals/consent_list.html",
        {
            "case": case,
            "consents": consents,
            "form": form,
            "withdraw_form": WithdrawForm(initial={"withdrawn_on": timezone.localdate()}),
            "can_record": user.role in CONSENT_RECORDERS,
        },
        status=status,
    )


@login_required
@require_POST
def consent_withdraw_view(request: AuthedHttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.consent_get_for_user(user=request.user, consent_id=consent_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the consent was withdrawn."))
        return redirect("referrals:consents", case_id=consent.case_id)
    try:
        services.consent_withdraw(
            actor=request.user,
            consent_id=consent_id,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The withdrawal was recorded. Open referrals relying on it were revoked."),
        )
    return redirect("referrals:consents", case_id=consent.case_id)


# --- directory -------------------------------------------------------------------------------


@login_required
def directory_view(request: AuthedHttpRequest) -> HttpResponse:
    """Search who offers what where; administrators add their organisation's services."""
    user = request.user
    can_edit = user.role in DIRECTORY_EDITORS
    form = DirectoryEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only an administrator can edit the service directory."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.directory_entry_create(
                    actor=user,
                    service_type_id=data["service_type"].pk,
                    country=data["country"],
                    city=data["city"],
                    contact_notes=data["contact_notes"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The service was added to the directory."))
                return redirect("referrals:directory")
        status = 422
    search = DirectorySearchForm(request.GET or None)
    entries = selectors.directory_search(filters=search.filters())[:500]
    own = (
        selectors.directory_search(
            filters=selectors.DirectoryFilters(
                organisation_id=user.organisation_id, include_inactive=True, own_entries=True
            )
        )
        if can_edit
        else []
    )
    return render(
        request,
        "referrals/directory.html",
        {"search": search, "entries": entries, "own": own, "form": form, "can_edit": can_edit},
        status=status,
    )


@login_required
@require_POST
def directory_entry_active_view(request: AuthedHttpRequest, entry_id: int) -> HttpResponse:
    active = request.POST.get("active") == "yes"
    services.directory_entry_update(actor=request.user, entry_id=entry_id, active=active)
    messages.success(request, _("The directory entry was updated."))
    return redirect("referrals:directory")
