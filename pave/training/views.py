"""Training pages: thin views over the services and selectors.

Training managers (administrators, project managers, trainers, M&E officers) see their
organisation's events and participants; donor viewers see the aggregates only; the public
verification page needs no login and shows initials, event and dates.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_countries import countries

from pave.accounts.http import AuthedHttpRequest
from pave.core import codelists
from pave.core.forms import add_service_errors
from pave.core.http import (
    personal_search_kept_out_of_urls,
    requested_page,
    search_parameters,
)
from pave.core.middleware import request_client_address
from pave.core.ratelimit import rate_limit_hit
from pave.interop.messages import read_error_message
from pave.training import importers, selectors, services
from pave.training.certificates import PdfUnavailable
from pave.training.forms import (
    AddParticipantForm,
    AggregateForm,
    EventFilterForm,
    EventForm,
    ImportConfirmForm,
    ImportForm,
    MergeForm,
    ParticipantFilterForm,
    ParticipantForm,
    SessionForm,
    VerifyForm,
    event_initial,
    participant_initial,
)
from pave.training.models import EventType, StakeholderGroup

PAGE_SIZE = 50


def _require_manager(request: AuthedHttpRequest) -> None:
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Your role gives no access to training records."))


def _verify_url(request: HttpRequest) -> Any:
    return lambda code: request.build_absolute_uri(reverse("training_public:verify", args=[code]))


# --- events ----------------------------------------------------------------------------------


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """Events for those who manage them; the aggregates for donor viewers."""
    if not selectors.may_manage(request.user) and selectors.may_read_aggregates(request.user):
        return redirect("training:aggregates")
    return event_list_view(request)


@login_required
def event_list_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = EventFilterForm(request.GET)
    events = selectors.event_list(user=request.user, filters=form.filters())
    page_number = requested_page(request)
    page = list(events[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE + 1])
    return render(
        request,
        "training/event_list.html",
        {
            "form": form,
            "events": page[:PAGE_SIZE],
            "page_number": page_number,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "next_page": page_number + 1 if len(page) > PAGE_SIZE else None,
        },
    )


@login_required
def event_create_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, data=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event recorded. Now add its sessions."))
            return redirect("training:event", event_id=event.pk)
    status = 422 if form.is_bound else 200
    return render(request, "training/event_form.html", {"form": form}, status=status)


@login_required
def event_edit_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    if request.method != "POST":
        form = EventForm(initial=event_initial(event), user=request.user)
        return render(request, "training/event_form.html", {"form": form, "event": event})
    form = EventForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.event_update(actor=request.user, event_id=event.pk, data=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("training:event", event_id=event.pk)
    return render(request, "training/event_form.html", {"form": form, "event": event}, status=422)


def _render_event(
    request: AuthedHttpRequest, event_id: int, status: int = 200, **extra: Any
) -> HttpResponse:
    event, roster = services.event_roster_read(actor=request.user, event_id=event_id)
    sessions = list(event.sessions.all())
    first, last = selectors.event_dates(event)
    return render(
        request,
        "training/event_detail.html",
        {
            "event": event,
            "first_day": first,
            "last_day": last,
            "sessions": sessions,
            "roster": [(row, [row.mark(session.pk) for session in sessions]) for row in roster],
            "present_count": sum(1 for row in roster if row.attended),
            "knowledge": selectors.event_knowledge(event=event),
            "session_form": extra.pop("session_form", SessionForm()),
            "can_certify": any(row.attended and row.certificate is None for row in roster),
            **extra,
        },
        status=status,
    )


@login_required
def event_detail_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    return _render_event(request, event_id)


@login_required
@require_POST
def session_add_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    selectors.event_get_for_user(user=request.user, event_id=event_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(actor=request.user, event_id=event_id, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session added."))
            return redirect("training:event", event_id=event_id)
    return _render_event(request, event_id, status=422, session_form=form)


# --- participants on an event ----------------------------------------------------------------


@login_required
def participant_add_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, event_id=event_id)
    sessions = list(event.sessions.all())
    form = AddParticipantForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _participant, created = services.participant_add_to_event(
                actor=request.user,
                event_id=event.pk,
                data=form.participant_data(),
                session_ids=[int(pk) for pk in data["sessions"]],
                pre_score=data["pre_score"],
                post_score=data["post_score"],
                max_score=data["max_score"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("New participant added.")
                if created
                else _("Already recorded: the existing participant was added to this event."),
            )
            return redirect("training:event", event_id=event.pk)
    return render(
        request,
        "training/participant_add.html",
        {"form": form, "event": event, "has_sessions": bool(sessions)},
        status=422 if form.is_bound else 200,
    )


def _scores_from_post(request: AuthedHttpRequest, ids: list[int]) -> dict[int, Any]:
    scores: dict[int, Any] = {}
    for pk in ids:
        values = [request.POST.get(f"{name}-{pk}", "").strip() for name in ("pre", "post", "max")]
        if not any(values[:2]):
            continue
        try:
            pre, post, top = (Decimal(v.replace(",", ".")) if v else None for v in values)
        except ArithmeticError as exc:
            raise ValidationError({"scores": [_("Scores are numbers.")]}) from exc
        scores[pk] = (pre, post, top)
    return scores


@login_required
def attendance_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    """The attendance grid: one row per person on the event's list, one box per session."""
    if request.method == "POST":
        selectors.event_get_for_user(user=request.user, event_id=event_id)
        ids = [int(pk) for pk in request.POST.getlist("participant") if pk.isdigit()]
        present = set()
        for value in request.POST.getlist("present"):
            participant_id, _sep, session_id = value.partition(":")
            if participant_id.isdigit() and session_id.isdigit():
                present.add((int(participant_id), int(session_id)))
        try:
            changes = services.attendance_set(
                actor=request.user,
                event_id=event_id,
                present=present,
                test_scores=_scores_from_post(request, ids),
            )
        except ValidationError as exc:
            return _render_attendance(request, event_id, errors=exc.messages, status=422)
        messages.success(
            request,
            ngettext(
                "Attendance saved (%(n)s change).", "Attendance saved (%(n)s changes).", changes
            )
            % {"n": changes},
        )
        return redirect("training:event", event_id=event_id)
    return _render_attendance(request, event_id)


def _render_attendance(
    request: AuthedHttpRequest, event_id: int, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    event, roster = services.event_roster_read(actor=request.user, event_id=event_id)
    sessions = list(event.sessions.all())
    return render(
        request,
        "training/attendance.html",
        {
            "event": event,
            "sessions": sessions,
            "rows": [(row, [(s, row.mark(s.pk)) for s in sessions]) for row in roster],
            "errors": errors or [],
        },
        status=status,
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


# --- certificates ----------------------------------------------------------------------------


@login_required
@require_POST
def certificates_issue_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    issued = services.certificates_issue(actor=request.user, event_id=event_id)
    messages.success(
        request,
        ngettext(
            "%(n)s participant now holds a certificate.",
            "%(n)s participants now hold a certificate.",
            len(issued),
        )
        % {"n": len(issued)},
    )
    return redirect("training:event", event_id=event_id)


@login_required
def certificate_pdf_view(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    try:
        certificate, pdf = services.certificate_pdf(
            actor=request.user, certificate_id=certificate_id, verify_url=_verify_url(request)
        )
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke_view(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    try:
        certificate = services.certificate_revoke(actor=request.user, certificate_id=certificate_id)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        certificate = selectors.certificate_get_for_user(
            user=request.user, certificate_id=certificate_id
        )
    else:
        messages.success(request, _("Certificate revoked: its code now verifies as revoked."))
    return redirect("training:event", event_id=certificate.event_id)


def verify_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: anyone holding a certificate's code sees initials, event and dates. Checks are
    limited per client address (PAVE_VERIFY_RATE_LIMIT per PAVE_VERIFY_RATE_WINDOW_SECONDS),
    counted in the database so that every worker shares the count: no guessing of codes."""
    if not code:
        form = VerifyForm(request.GET or None)
        if form.is_valid():
            return redirect("training_public:verify", code=form.cleaned_data["code"].strip())
        return render(request, "training/verify.html", {"form": form})
    if not rate_limit_hit(
        scope="verify",
        client=request_client_address(request),
        limit=settings.PAVE_VERIFY_RATE_LIMIT,
        window_seconds=settings.PAVE_VERIFY_RATE_WINDOW_SECONDS,
    ):
        response = render(
            request, "training/verify.html", {"form": VerifyForm(), "throttled": True}, status=429
        )
        response["Retry-After"] = str(settings.PAVE_VERIFY_RATE_WINDOW_SECONDS)
        return response
    verification = services.certificate_verify(code=code)
    return render(request, "training/verify.html", {"verification": verification})


# --- participants ----------------------------------------------------------------------------


@personal_search_kept_out_of_urls(*ParticipantFilterForm.PERSONAL)
@login_required
def participant_list_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_manager(request)
    data = search_parameters(request, personal=ParticipantFilterForm.PERSONAL)
    if isinstance(data, HttpResponse):
        return data
    form = ParticipantFilterForm(data)
    page_number = requested_page(request, data)
    name = form.cleaned_data.get("name", "") if form.is_valid() else ""
    page = services.participant_search(
        actor=request.user,
        filters=form.filters(),
        name=name,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-page.count // PAGE_SIZE))
    return render(
        request,
        "training/participant_list.html",
        {
            "form": form,
            "participants": page.participants,
            "total": page.count,
            "page_number": page_number,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "next_page": page_number + 1 if page_number < pages else None,
            "search_form": form if request.method == "POST" else None,
        },
    )


def _render_participant(
    request: AuthedHttpRequest, participant_id: int, status: int = 200, **extra: Any
) -> HttpResponse:
    participant, history = services.participant_read(
        actor=request.user, participant_id=participant_id
    )
    return render(
        request,
        "training/participant_detail.html",
        {
            "participant": participant,
            "history": history,
            "form": extra.pop("form", None)
            or ParticipantForm(initial=participant_initial(participant)),
            "merge_form": extra.pop("merge_form", None) or MergeForm(),
            **extra,
        },
        status=status,
    )


@login_required
def participant_detail_view(request: AuthedHttpRequest, participant_id: int) -> HttpResponse:
    if request.method != "POST":
        return _render_participant(request, participant_id)
    selectors.participant_get_for_user(user=request.user, participant_id=participant_id)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        try:
            services.participant_update(
                actor=request.user, participant_id=participant_id, data=form.participant_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Participant saved."))
            return redirect("training:participant", participant_id=participant_id)
    return _render_participant(request, participant_id, status=422, form=form)


@login_required
@require_POST
def participant_merge_view(request: AuthedHttpRequest, participant_id: int) -> HttpResponse:
    selectors.participant_get_for_user(user=request.user, participant_id=participant_id)
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            result = services.participant_merge(
                actor=request.user,
                keep_id=participant_id,
                merge_id=form.cleaned_data["merge_id"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Merged: %(a)s attendance marks, %(t)s test results and %(c)s certificates "
                    "moved to this participant."
                )
                % {"a": result.attendances, "t": result.tests, "c": result.certificates},
            )
            return redirect("training:participant", participant_id=participant_id)
    return _render_participant(request, participant_id, status=422, merge_form=form)


# --- aggregates ------------------------------------------------------------------------------


def _labelled(counts: dict[str, Any], labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(labels.get(code, code)), n) for code, n in counts.items()]


@login_required
def aggregates_view(request: AuthedHttpRequest) -> HttpResponse:
    """Unique participants by group, sex, country and event type, for a period."""
    user = request.user
    if not selectors.may_read_aggregates(user):
        raise PermissionDenied(_("Your role gives no access to training results."))
    form = AggregateForm(request.GET or None, user=user)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    query = selectors.AggregateQuery(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        event_types=data.get("event_type") or (),
        stakeholder_groups=data.get("stakeholder_group") or (),
        period=data.get("period") or "",
    )
    organisation, suppress = data.get("organisation") or "", bool(data.get("suppressed"))
    try:
        scope, result = selectors.aggregate_for_user(
            user=user, query=query, organisation_code=organisation, suppress=suppress
        )
    except ValidationError as exc:
        # A period a suppressed aggregate may not be counted over: say why, and show the
        # default period's counts instead (the page states the period it counts).
        form.add_error(None, exc.messages)
        valid = False
        scope, result = selectors.aggregate_for_user(
            user=user,
            query=dataclasses.replace(query, date_from=None, date_to=None, period=""),
            organisation_code=organisation,
            suppress=suppress,
        )
    sexes = dict(codelists.Sex.choices)
    tables = [
        (
            _("By stakeholder group"),
            _labelled(result["by_stakeholder_group"], dict(StakeholderGroup.choices)),
        ),
        (_("By sex"), _labelled(result["by_sex"], sexes)),
        (_("By country"), _labelled(result["by_country"], dict(countries))),
        (
            _("By type of event (someone at two types counts under each)"),
            _labelled(result["by_event_type"], dict(EventType.choices)),
        ),
    ]
    return render(
        request,
        "training/aggregates.html",
        {
            "form": form,
            "scope": scope,
            "result": result,
            "tables": tables,
            "can_manage": selectors.may_manage(user),
        },
        status=200 if valid else 422,
    )
