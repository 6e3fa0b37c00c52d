"""Assistance pages: a case's services, plans, follow-up visits and reintegration scores, its
timeline, and the service catalogue for administrators. Thin: forms parse, services write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.assistance import selectors, services
from pave.assistance.forms import (
    CasePlanForm,
    FollowUpForm,
    RecordForm,
    ReintegrationForm,
    ServiceDeliveryForm,
    ServiceTypeForm,
    record_initial,
)
from pave.assistance.services import FOLLOW_UP, PLAN, REINTEGRATION, SERVICE, RecordKind
from pave.cases import services as case_services
from pave.cases.selectors import case_get_for_user


@dataclass(frozen=True)
class Page:
    """How one kind of record is shown: its form, its section of the case's page, titles."""

    kind: RecordKind
    form: type[RecordForm]
    anchor: str
    add_title: Any
    edit_title: Any
    saved: Any


PAGES = {
    "service": Page(
        SERVICE,
        ServiceDeliveryForm,
        "services",
        gettext_lazy("Record a service"),
        gettext_lazy("Edit a service"),
        gettext_lazy("Service saved."),
    ),
    "plan": Page(
        PLAN,
        CasePlanForm,
        "plans",
        gettext_lazy("Add a support plan"),
        gettext_lazy("Edit a support plan"),
        gettext_lazy("Support plan saved."),
    ),
    "follow_up": Page(
        FOLLOW_UP,
        FollowUpForm,
        "follow-ups",
        gettext_lazy("Add a follow-up visit"),
        gettext_lazy("Edit a follow-up visit"),
        gettext_lazy("Follow-up visit saved."),
    ),
    "reintegration": Page(
        REINTEGRATION,
        ReintegrationForm,
        "reintegration",
        gettext_lazy("Record a reintegration assessment"),
        gettext_lazy("Edit a reintegration assessment"),
        gettext_lazy("Reintegration assessment saved."),
    ),
}
ALL_KINDS = tuple(page.kind for page in PAGES.values())


def _require_recorder(request: AuthedHttpRequest) -> None:
    if not selectors.can_record_assistance(request.user):
        raise PermissionDenied(_("Your role cannot record assistance."))


def _overview(case_id: int, anchor: str) -> str:
    return f"{reverse('assistance:case', args=[case_id])}#{anchor}"


@login_required
def case_assistance_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    case = services.assistance_read(actor=request.user, case_id=case_id, kinds=ALL_KINDS)
    return render(
        request,
        "assistance/case_assistance.html",
        {
            "case": case,
            "services": selectors.service_deliveries(case=case),
            "plans": selectors.case_plans(case=case),
            "follow_ups": selectors.follow_up_visits(case=case),
            "assessments": selectors.reintegration_assessments(case=case),
            "can_record": selectors.can_record_assistance(request.user),
            "can_edit_catalogue": selectors.can_edit_catalogue(request.user),
        },
    )


def _form(page: Page, request: AuthedHttpRequest, **kwargs: Any) -> RecordForm:
    data = request.POST if request.method == "POST" else None
    return page.form(data, user=request.user, **kwargs)


def _render_form(
    request: AuthedHttpRequest, page: Page, form: RecordForm, case: Any, **context: Any
) -> HttpResponse:
    status = context.pop("status", 422 if form.is_bound else 200)
    editing = "record" in context
    return render(
        request,
        "assistance/record_form.html",
        {
            "case": case,
            "form": form,
            "title": page.edit_title if editing else page.add_title,
            "back": _overview(case.pk, page.anchor),
            **context,
        },
        status=status,
    )


@login_required
def record_create_view(request: AuthedHttpRequest, case_id: int, kind: str) -> HttpResponse:
    page = PAGES[kind]
    case = case_get_for_user(user=request.user, case_id=case_id)  # 404 before 403
    _require_recorder(request)
    form = _form(page, request)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_create(
                actor=request.user, case_id=case_id, kind=page.kind, data=form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, str(page.saved))
            return redirect(_overview(case_id, page.anchor))
    return _render_form(request, page, form, case)


@login_required
def record_edit_view(
    request: AuthedHttpRequest, case_id: int, kind: str, record_id: int
) -> HttpResponse:
    page = PAGES[kind]
    case_get_for_user(user=request.user, case_id=case_id)
    _require_recorder(request)
    # Shows the record's free text: an audited read.
    case = services.assistance_read(actor=request.user, case_id=case_id, kinds=(page.kind,))
    record = selectors.record_get(case=case, model=page.kind.model, record_id=record_id)
    extra = {"current_type": getattr(record, "service_type_id", None)} if kind == "service" else {}
    if request.method != "POST":
        initial = record_initial(record, page.form) | {"version": record.version}
        form = page.form(initial=initial, user=request.user, editing=True, **extra)
        return _render_form(request, page, form, case, record=record)
    form = page.form(request.POST, user=request.user, editing=True, **extra)
    if form.is_valid():
        try:
            services.record_update(
                actor=request.user,
                case_id=case_id,
                kind=page.kind,
                record_id=record_id,
                version=form.cleaned_data["version"],
                data=form.service_data(),
            )
        except services.RecordConflictError as exc:
            return _render_form(
                request, page, form, case, record=record, conflict=str(exc), status=409
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, str(page.saved))
            return redirect(_overview(case_id, page.anchor))
    return _render_form(request, page, form, case, record=record)


@login_required
def case_timeline_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    case, entries = case_services.case_timeline_read(actor=request.user, case_id=case_id)
    return render(request, "assistance/case_timeline.html", {"case": case, "entries": entries})


# --- the catalogue ---------------------------------------------------------------------------


def _require_catalogue_editor(request: AuthedHttpRequest) -> None:
    if not selectors.can_edit_catalogue(request.user):
        raise PermissionDenied(_("Only a platform administrator edits the service catalogue."))


def _render_catalogue(
    request: AuthedHttpRequest,
    add_form: ServiceTypeForm | None = None,
    failed: tuple[int, ServiceTypeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for service_type in selectors.service_type_list():
        if failed and failed[0] == service_type.pk:
            form = failed[1]
        else:
            initial = {
                name: getattr(service_type, name)
                for name in ("name", "family", "sort_order", "active")
            }
            form = ServiceTypeForm(
                initial=initial, with_code=False, prefix=f"type-{service_type.pk}"
            )
        rows.append((service_type, form))
    return render(
        request,
        "assistance/service_types.html",
        {"rows": rows, "add_form": add_form or ServiceTypeForm(prefix="new")},
        status=status,
    )


@login_required
def service_type_list_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_catalogue_editor(request)
    if request.method != "POST":
        return _render_catalogue(request)
    form = ServiceTypeForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            created = services.service_type_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": created.name})
            return redirect("assistance:service-types")
    return _render_catalogue(request, add_form=form, status=422)


@login_required
@require_POST
def service_type_edit_view(request: AuthedHttpRequest, service_type_id: int) -> HttpResponse:
    _require_catalogue_editor(request)
    form = ServiceTypeForm(request.POST, with_code=False, prefix=f"type-{service_type_id}")
    if form.is_valid():
        try:
            saved = services.service_type_update(
                actor=request.user, service_type_id=service_type_id, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": saved.name})
            return redirect("assistance:service-types")
    return _render_catalogue(request, failed=(service_type_id, form), status=422)
