"""Training pages: the participant register, one person across events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.core.forms import add_service_errors
from pave.core.http import (
    personal_search_kept_out_of_urls,
    requested_page,
    search_parameters,
)
from pave.training import selectors, services
from pave.training.forms import (
    MergeForm,
    ParticipantFilterForm,
    ParticipantForm,
    participant_initial,
)
from pave.training.views.common import PAGE_SIZE, _require_manager

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
