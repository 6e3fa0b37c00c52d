"""Training pages: sign-in sheets imported (dry run, then confirm) and exported."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pave.accounts.http import AuthedHttpRequest
from pave.interop.messages import read_error_message
from pave.training import importers, selectors, services
from pave.training.forms import (
    ImportConfirmForm,
    ImportForm,
)

# --- sign-in sheets --------------------------------------------------------------------------


@login_required
def import_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    """Upload a sheet (dry run: every problem, nothing written), then confirm (all or
    nothing). The checked file travels in the page, sealed for this user and event."""
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    sessions = list(event.sessions.all())
    context: dict[str, Any] = {"event": event}
    if request.method == "POST" and "sheet" in request.POST:
        return _confirm_import(request, event_id, context)
    form = ImportForm(request.POST or None, request.FILES or None, sessions=sessions)
    context["form"] = form
    if request.method != "POST":
        return render(request, "training/import.html", context)
    if not form.is_valid():
        return render(request, "training/import.html", context, status=422)
    upload = form.cleaned_data["file"]
    content = upload.read()
    try:
        report = services.participants_import(
            actor=request.user,
            event_id=event.pk,
            filename=upload.name,
            content=content,
            dry_run=True,
            defaults=form.defaults(),
        )
    except importers.LimitExceeded as exc:
        form.add_error("file", read_error_message(exc))
        return render(request, "training/import.html", context, status=413)
    context["report"] = report
    if report.ok:
        context["confirm"] = ImportConfirmForm(
            initial={
                "sheet": services.import_token_seal(
                    user=request.user, event_id=event.pk, filename=upload.name, content=content
                ),
                "session": form.cleaned_data["session"],
                "stakeholder_group": form.cleaned_data["stakeholder_group"],
                "affiliation": form.cleaned_data["affiliation"],
                "country": form.cleaned_data["country"],
                "max_score": form.cleaned_data["max_score"],
            }
        )
    return render(request, "training/import.html", context, status=200 if report.ok else 422)


def _confirm_import(
    request: AuthedHttpRequest, event_id: int, context: dict[str, Any]
) -> HttpResponse:
    confirm = ImportConfirmForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, _("The checked file was lost: upload it again."))
        return redirect("training:import", event_id=event_id)
    try:
        filename, content = services.import_token_open(
            user=request.user, event_id=event_id, token=confirm.cleaned_data["sheet"]
        )
        report = services.participants_import(
            actor=request.user,
            event_id=event_id,
            filename=filename,
            content=content,
            dry_run=False,
            defaults=confirm.defaults(),
        )
    except services.ImportRejected as exc:
        # Someone changed the event or its participants since the check: show what now fails.
        context.update(
            report=exc.report, form=ImportForm(sessions=list(context["event"].sessions.all()))
        )
        return render(request, "training/import.html", context, status=422)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("training:import", event_id=event_id)
    messages.success(
        request,
        _(
            "Sign-in sheet imported: %(created)s new participants, %(matched)s already "
            "recorded, %(attendances)s attendance marks, %(tests)s test results."
        )
        % {
            "created": report.created,
            "matched": report.matched,
            "attendances": report.attendances,
            "tests": report.tests,
        },
    )
    return redirect("training:event", event_id=event_id)


@login_required
def export_view(request: AuthedHttpRequest, event_id: int, fmt: str) -> HttpResponse:
    filename, content_type, content = services.participants_export(
        actor=request.user, event_id=event_id, fmt=fmt
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
