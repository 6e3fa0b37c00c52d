"""Report pages: the project dashboard, the factsheet (HTML, PDF, in English or Arabic),
the records behind a number, and the indicator editor. Thin: selectors compute."""

from __future__ import annotations

import datetime
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pave.core.audit import audit_record
from pave.core.http import AuthedHttpRequest
from pave.monitoring import outputs, selectors, services
from pave.monitoring.access import INDICATOR_EDITORS
from pave.monitoring.forms import IndicatorForm


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _report(request: AuthedHttpRequest, project, fmt: str = "html") -> selectors.Report:
    requested = request.GET.get("audience", selectors.INTERNAL)
    return outputs.build_for_output(
        fmt,
        project=project,
        date_from=_date(request.GET.get("from")),
        date_to=_date(request.GET.get("to")),
        audience=selectors.audience_for(request.user, requested),
    )


@login_required
def dashboard_view(request: AuthedHttpRequest, code: str | None = None) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, code=code)
    report = _report(request, project)
    context: dict = {"project": project, "report": report}
    if request.user.role in selectors.REPORT_READERS:
        from pave.assistance.models import FollowUpVisit
        from pave.cases.models import Case
        from pave.referrals.models import Referral

        today = timezone.localdate()
        org = project.organisation
        context["stages"] = list(
            Case.objects.filter(organisation=org)
            .values("stage")
            .annotate(n=Count("pk"))
            .order_by("stage")
        )
        context["overdue_referrals"] = Referral.objects.filter(
            from_org=org, status="sent", due_by__lt=timezone.now()
        ).count()
        context["overdue_follow_ups"] = FollowUpVisit.objects.filter(
            case__organisation=org, done_on__isnull=True, due_on__lt=today
        ).count()
        context["budget"] = selectors.budget_summary(project=project, as_of=today)
    return render(request, "monitoring/dashboard.html", context)


@login_required
def factsheet_view(request: AuthedHttpRequest, code: str, fmt: str = "html") -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, code=code)
    if fmt not in outputs.FORMATS:
        raise Http404("No such format.")
    report = _report(request, project, fmt)
    language = "ar" if request.GET.get("lang") == "ar" else "en"
    audit_record(
        actor=request.user,
        action="monitoring.report.export",
        obj=project,
        detail={"format": fmt, "audience": report.audience},
    )
    response = HttpResponse(
        outputs.render(report, fmt, language=language), content_type=outputs.CONTENT_TYPES[fmt]
    )
    if fmt != "html":
        response["Content-Disposition"] = f'attachment; filename="{project.code}-factsheet.{fmt}"'
    return response


@login_required
def records_view(request: AuthedHttpRequest, code: str, indicator: str) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, code=code)
    period = selectors.report_period(
        project, _date(request.GET.get("from")), _date(request.GET.get("to"))
    )
    references = selectors.indicator_drill_down(
        user=request.user,
        project=project,
        code=indicator,
        period=period,
        dimension=request.GET.get("dimension", ""),
        category=request.GET.get("category", ""),
    )
    audit_record(
        actor=request.user,
        action="monitoring.drill_down",
        obj=project,
        detail={"indicator": indicator, "count": len(references)},
    )
    return render(
        request,
        "monitoring/records.html",
        {"project": project, "indicator": indicator, "period": period, "references": references},
    )


@login_required
def indicator_edit_view(request: AuthedHttpRequest, code: str, indicator: str) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, code=code)
    if request.user.role not in INDICATOR_EDITORS:
        raise PermissionDenied
    current = project.indicators.filter(code=indicator).first()
    initial = {}
    if current is not None:
        initial = {
            "label": current.label,
            "label_ar": current.label_ar,
            "kind": current.kind,
            "unit": current.unit,
            "baseline": current.baseline,
            "definition": json.dumps(current.definition, indent=2, ensure_ascii=False),
        }
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
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
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(None, f"{field}: {message}")
        else:
            return redirect("monitoring:dashboard", code=project.code)
    return render(
        request,
        "monitoring/indicator_form.html",
        {"project": project, "indicator": indicator, "form": form},
    )
