"""Training pages: events, sessions, their participants and attendance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.core.forms import add_service_errors
from pave.core.http import (
    requested_page,
)
from pave.training import selectors, services
from pave.training.forms import (
    AddParticipantForm,
    EventFilterForm,
    EventForm,
    SessionForm,
    event_initial,
)
from pave.training.views.common import PAGE_SIZE, _require_manager

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
