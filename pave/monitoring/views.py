"""Report pages: the project dashboard, the factsheet (HTML, PDF, in English or Arabic),
the records behind a number, the indicator editor with manual values, and the budget.
Thin: selectors compute, services write (and check the role)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.core.forms import add_service_errors
from pave.monitoring import outputs, selectors, services
from pave.monitoring.forms import (
    BudgetLineForm,
    CoFundingForm,
    ExpenditureForm,
    IndicatorForm,
    ManualValueForm,
    TargetForm,
)
from pave.monitoring.models import Indicator, IndicatorKind, Project


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audience(request: AuthedHttpRequest) -> str:
    return selectors.audience_for(request.user, request.GET.get("audience", selectors.INTERNAL))


def _window(
    request: AuthedHttpRequest, project: Project, audience: str
) -> tuple[datetime.date | None, datetime.date | None]:
    """?period=2014-Q2 or ?from=&to= (public reports: whole ended periods only)."""
    return selectors.report_window(
        project=project,
        audience=audience,
        period=request.GET.get("period", ""),
        date_from=_date(request.GET.get("from")),
        date_to=_date(request.GET.get("to")),
    )


def _period_refused(request: AuthedHttpRequest, exc: ValidationError) -> HttpResponse:
    return render(
        request, "monitoring/period_refused.html", {"messages_": exc.messages}, status=422
    )


def _report(request: AuthedHttpRequest, project: Project) -> selectors.Report:
    """The report shown on a page (dashboard, logframe): not an export, not audited."""
    audience = _audience(request)
    date_from, date_to = _window(request, project, audience)
    return outputs.build_for_output(
        "html", project=project, date_from=date_from, date_to=date_to, audience=audience
    )


@login_required
def dashboard_view(request: AuthedHttpRequest, code: str | None = None) -> HttpResponse:
    user = request.user
    try:
        project = selectors.project_get_for_user(user=user, code=code)
    except Http404:
        if code is not None:
            raise
        # /reports/ for an organisation that runs or funds no project yet.
        return render(request, "monitoring/no_project.html")
    try:
        report = _report(request, project)
    except ValidationError as exc:
        return _period_refused(request, exc)
    context: dict[str, Any] = {
        "project": project,
        "report": report,
        "projects": list(selectors.projects_for_user(user=user).order_by("start", "code")),
        "can_edit": selectors.may_edit_indicators(user, project),
    }
    if user.role in selectors.REPORT_READERS:
        context["summary"] = selectors.dashboard_summary(project=project, user=user)
    return render(request, "monitoring/dashboard.html", context)


@login_required
def factsheet_view(request: AuthedHttpRequest, code: str, fmt: str = "html") -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, code=code)
    if fmt not in outputs.FORMATS:
        raise Http404("No such format.")
    # The factsheet is written in English and Arabic: ?lang= chooses, else the reader's
    # language when it is Arabic.
    wanted = request.GET.get("lang") or translation.get_language()
    audience = _audience(request)
    try:
        date_from, date_to = _window(request, project, audience)
    except ValidationError as exc:
        return _period_refused(request, exc)
    export = services.report_export(
        actor=request.user,
        project=project,
        fmt=fmt,
        date_from=date_from,
        date_to=date_to,
        audience=audience,
        language="ar" if wanted == "ar" else "en",
        web=True,
    )
    response = HttpResponse(export.content, content_type=outputs.CONTENT_TYPES[fmt])
    if fmt != "html":
        response["Content-Disposition"] = f'attachment; filename="{project.code}-factsheet.{fmt}"'
    return response


@login_required
def records_view(request: AuthedHttpRequest, code: str, indicator: str) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, code=code)
    period = selectors.report_period(
        project, _date(request.GET.get("from")), _date(request.GET.get("to"))
    )
    references = services.indicator_records_read(
        actor=request.user,
        project=project,
        code=indicator,
        period=period,
        dimension=request.GET.get("dimension", ""),
        category=request.GET.get("category", ""),
    )
    return render(
        request,
        "monitoring/records.html",
        {"project": project, "indicator": indicator, "period": period, "references": references},
    )


def _project_for_editor(request: AuthedHttpRequest, code: str) -> Project:
    """404 for another organisation's project, then 403 unless an indicator editor."""
    project = selectors.project_get_for_user(user=request.user, code=code)
    if not selectors.may_edit_indicators(request.user, project):
        raise PermissionDenied
    return project


def _indicator_initial(current: Indicator | None) -> dict[str, Any]:
    if current is None:
        return {}
    return {
        "label": current.label,
        "label_ar": current.label_ar,
        "kind": current.kind,
        "unit": current.unit,
        "baseline": current.baseline,
        "definition": json.dumps(current.definition, indent=2, ensure_ascii=False),
    }


def _indicator_page(
    request: AuthedHttpRequest,
    project: Project,
    code: str,
    *,
    form: IndicatorForm | None = None,
    value_form: ManualValueForm | None = None,
    target_form: TargetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = selectors.indicator_get(project=project, code=code)
    return render(
        request,
        "monitoring/indicator_form.html",
        {
            "project": project,
            "indicator": code,
            "current": current,
            "form": form or IndicatorForm(initial=_indicator_initial(current)),
            "value_form": value_form or ManualValueForm(),
            "target_form": target_form or TargetForm(),
        },
        status=status,
    )


@login_required
def indicator_edit_view(request: AuthedHttpRequest, code: str, indicator: str) -> HttpResponse:
    """The indicator's definition (GET shows the current one; POST saves it, audited), and
    for a manual indicator its values with their evidence."""
    project = _project_for_editor(request, code)
    if request.method != "POST":
        return _indicator_page(request, project, indicator)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        current = selectors.indicator_get(project=project, code=indicator)
        try:
            services.indicator_save(
                actor=request.user,
                project=project,
                code=indicator,
                node=current.node if current else None,
                order=current.order if current else 0,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Indicator %(code)s saved.") % {"code": indicator})
            return redirect("monitoring:dashboard", code=project.code)
    return _indicator_page(request, project, indicator, form=form, status=422)


@login_required
@require_POST
def manual_value_create_view(request: AuthedHttpRequest, code: str, indicator: str) -> HttpResponse:
    """Record a manual indicator's value for a period, with its evidence."""
    project = _project_for_editor(request, code)
    current = selectors.indicator_get(project=project, code=indicator)
    if current is None or current.kind != IndicatorKind.MANUAL:
        raise Http404("No such manual indicator.")
    form = ManualValueForm(request.POST)
    if form.is_valid():
        try:
            services.manual_value_record(actor=request.user, indicator=current, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Value recorded with its evidence."))
            return redirect("monitoring:indicator-edit", code=project.code, indicator=indicator)
    return _indicator_page(request, project, indicator, value_form=form, status=422)


@login_required
@require_POST
def target_set_view(request: AuthedHttpRequest, code: str, indicator: str) -> HttpResponse:
    """Set the indicator's target for a period (a new period, or a new value for one)."""
    project = _project_for_editor(request, code)
    current = selectors.indicator_get(project=project, code=indicator)
    if current is None:
        raise Http404("No such indicator.")
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_set(actor=request.user, indicator=current, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("monitoring:indicator-edit", code=project.code, indicator=indicator)
    return _indicator_page(request, project, indicator, target_form=form, status=422)


@login_required
def logframe_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """The logframe: objective, outcomes and outputs with their indicators, baselines,
    targets per period and values (suppressed for donor viewers, as on the dashboard)."""
    project = selectors.project_get_for_user(user=request.user, code=code)
    try:
        report = _report(request, project)
    except ValidationError as exc:
        return _period_refused(request, exc)
    return render(
        request,
        "monitoring/logframe.html",
        {
            "project": project,
            "report": report,
            "tree": selectors.logframe(project=project, report=report),
            "can_edit": selectors.may_edit_indicators(request.user, project),
        },
    )


# --- the budget ------------------------------------------------------------------------------

BUDGET_FORMS: dict[str, type[forms.Form]] = {
    "line_form": BudgetLineForm,
    "expenditure_form": ExpenditureForm,
    "co_funding_form": CoFundingForm,
}


def _budget_form(name: str, project: Project, data: Any = None) -> forms.Form:
    form_class = BUDGET_FORMS[name]
    if form_class is ExpenditureForm:
        return ExpenditureForm(data, project=project)
    return form_class(data)


def _budget_page(
    request: AuthedHttpRequest,
    project: Project,
    *,
    failed: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    as_of = _date(request.GET.get("as_of")) or timezone.localdate()
    context: dict[str, Any] = {
        "project": project,
        "budget": selectors.budget_summary(project=project, as_of=as_of),
        "expenditures": selectors.expenditures_recent(project=project),
        "can_edit": selectors.may_edit_indicators(request.user, project),
    }
    if context["can_edit"]:
        context |= {name: _budget_form(name, project) for name in BUDGET_FORMS}
        if failed:
            context[failed[0]] = failed[1]
    return render(request, "monitoring/budget.html", context, status=status)


@login_required
def budget_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """Budget lines, co-funding, burn rate against time elapsed, recent expenditures; for
    report readers of the project's organisation (donor viewers: 403, as in the API)."""
    project = selectors.project_get_for_budget(user=request.user, code=code)
    return _budget_page(request, project)


def _budget_write(
    request: AuthedHttpRequest, code: str, name: str, save: Any, saved: str
) -> HttpResponse:
    project = selectors.project_get_for_budget(user=request.user, code=code)
    if not selectors.may_edit_indicators(request.user, project):
        raise PermissionDenied
    form = _budget_form(name, project, request.POST)
    if form.is_valid():
        try:
            save(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, saved)
            return redirect("monitoring:budget", code=project.code)
    return _budget_page(request, project, failed=(name, form), status=422)


@login_required
@require_POST
def budget_line_create_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    return _budget_write(
        request, code, "line_form", services.budget_line_create, _("Budget line added.")
    )


def _expenditure_record(*, project: Project, **data: Any) -> Any:
    return services.expenditure_record(**data)


@login_required
@require_POST
def expenditure_create_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    return _budget_write(
        request, code, "expenditure_form", _expenditure_record, _("Expenditure recorded.")
    )


@login_required
@require_POST
def co_funding_set_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    return _budget_write(
        request, code, "co_funding_form", services.co_funding_set, _("Co-funding share saved.")
    )
