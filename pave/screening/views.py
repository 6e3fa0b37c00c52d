"""Screening pages: the two-step interview form, the outcome with its reasons, the officer's
list, opening a case, places and detention-centre visits. Thin: forms parse, services write.

Instrument titles and labels are shown in the active language, from the translations in the
instrument file (English when it has none). A screening's stored assessment keeps its English
texts and codes; the page looks the codes up in the instrument version used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.accounts.roles import CASE_CREATORS
from pave.core.http import (
    personal_search_kept_out_of_urls,
    requested_page,
    search_parameters,
)
from pave.screening import selectors, services
from pave.screening.engine import (
    NO_TRANSLATIONS,
    Instrument,
    UnknownInstrument,
    translated,
)
from pave.screening.forms import (
    AnswersForm,
    InterviewForm,
    OpenCaseForm,
    PlaceForm,
    ScreeningFilterForm,
    SubjectForm,
    VisitForm,
    add_service_errors,
    open_case_initial,
)
from pave.screening.models import Screening

PAGE_SIZE = 50
# The engine's reasons, in words the translation catalogue can carry.
REASONS = {
    "2 or more strong indicators": _("2 or more strong indicators"),
    "a strong indicator with a medium or weak one": _(
        "a strong indicator with a medium or weak one"
    ),
    "3 or more medium indicators": _("3 or more medium indicators"),
    "2 medium indicators with a weak one": _("2 medium indicators with a weak one"),
    "at least one indicator": _("at least one indicator"),
}
STRENGTHS = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}


def _instrument_used(screening: Screening) -> Instrument | None:
    """The instrument version the screening used, or None if it is no longer loaded."""
    try:
        return selectors.instrument_registry().get(
            screening.instrument_code, screening.instrument_version
        )
    except UnknownInstrument:
        return None


def outcome_label(screening: Screening, lang: str | None = None) -> str:
    """The screening's outcome in ``lang`` (default: the active language): the instrument's
    translation, else the English label stored with the assessment, else the code."""
    stored = (screening.assessment or {}).get("outcome_label") or screening.outcome
    instrument = _instrument_used(screening)
    outcome = instrument.outcome(screening.outcome) if instrument else None
    labels = outcome.labels if outcome else NO_TRANSLATIONS
    return translated(stored, labels, get_language() if lang is None else lang)


def _with_outcome_labels(screenings: Iterable[Screening]) -> list[tuple[Screening, str]]:
    """(screening, its outcome in the active language; "" for a refusal), for the lists."""
    return [(s, "" if s.refused else outcome_label(s)) for s in screenings]


def _require_access(request: AuthedHttpRequest) -> None:
    if not selectors.can_see_screenings(request.user):
        raise PermissionDenied(_("Your role gives no access to screenings."))


def _require_screener(request: AuthedHttpRequest) -> None:
    if request.user.role not in selectors.SCREENERS:
        raise PermissionDenied(_("Your role cannot record screenings."))


# --- list ------------------------------------------------------------------------------------


@personal_search_kept_out_of_urls(*ScreeningFilterForm.PERSONAL)
@login_required
def screening_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """GET: the list with its filters. POST: a search by detainee number, rendered here and
    never put in a URL (see `search_parameters`)."""
    _require_access(request)
    data = search_parameters(request, personal=ScreeningFilterForm.PERSONAL)
    if isinstance(data, HttpResponse):
        return data
    form = ScreeningFilterForm(data or None)
    page_number = requested_page(request, data)
    rows, total = services.screening_search(
        actor=request.user,
        filters=form.filters(),
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return render(
        request,
        "screening/screening_list.html",
        {
            "form": form,
            "rows": _with_outcome_labels(rows),
            "total": total,
            "page_number": page_number,
            "pages": pages,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "next_page": page_number + 1 if page_number < pages else None,
            "search_form": form if request.method == "POST" else None,
            "can_screen": request.user.role in selectors.SCREENERS,
        },
    )


# --- the interview form ----------------------------------------------------------------------


def _instrument_for(form: InterviewForm) -> Instrument:
    data = form.cleaned_data
    return selectors.instrument_registry().get(data["instrument"], data.get("version"))


@login_required
def screening_create_view(request: AuthedHttpRequest) -> HttpResponse:
    """Step 1 (interview details and consent), then step 2 (the person and the questions).

    Step 2 re-posts step 1's fields as hidden inputs; nothing is stored before the end, and
    a refusal at step 1 stores only the refusal.
    """
    _require_screener(request)
    user = request.user
    if request.method != "POST":
        return _step_one(request, InterviewForm(initial=_initial(request), user=user))
    interview = InterviewForm(request.POST, user=user)
    if not interview.is_valid() or request.POST.get("action") == "back":
        return _step_one(request, interview)
    try:
        data = interview.cleaned_data
        instrument = selectors.instrument_registry().get(data["instrument"], data.get("version"))
    except UnknownInstrument as exc:
        interview.add_error("instrument", str(exc))
        return _step_one(request, interview)
    if not interview.cleaned_data["consent_given"]:
        return _submit(request, interview, instrument, None, None)
    step_two = request.POST.get("step") == "answers"
    subject = SubjectForm(request.POST if step_two else None)
    answers = AnswersForm(request.POST if step_two else None, instrument=instrument)
    if step_two and subject.is_valid() and answers.is_valid():
        return _submit(request, interview, instrument, subject, answers)
    return _step_two(request, interview, instrument, subject, answers)


def _initial(request: AuthedHttpRequest) -> dict[str, Any]:
    """Step 1's starting values: ?instrument=CODE and ?visit=ID preselect."""
    initial: dict[str, Any] = {
        "instrument": request.GET.get("instrument", ""),
        "interviewed_on": timezone.localdate(),
    }
    visit_id = request.GET.get("visit", "")
    if visit_id.isdigit():
        visits = selectors.visit_queryset_for_user(user=request.user)
        visit = visits.filter(pk=int(visit_id)).first()
        if visit is not None:
            initial.update(visit=visit, interviewed_on=visit.visited_on)
    return initial


def _step_one(request: AuthedHttpRequest, form: InterviewForm) -> HttpResponse:
    return render(request, "screening/screening_form.html", {"step": 1, "form": form})


def _step_two(
    request: AuthedHttpRequest,
    interview: InterviewForm,
    instrument: Instrument,
    subject: SubjectForm,
    answers: AnswersForm,
    errors: list[str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "screening/screening_form.html",
        {
            "step": 2,
            "form": interview,
            "instrument": instrument,
            "instrument_title": instrument.title_in(get_language()),
            "subject_form": subject,
            "answers_form": answers,
            "errors": errors or [],
        },
    )


def _submit(
    request: AuthedHttpRequest,
    interview: InterviewForm,
    instrument: Instrument,
    subject: SubjectForm | None,
    answers: AnswersForm | None,
) -> HttpResponse:
    details = interview.interview() | {"version": instrument.version}
    try:
        screening = services.screening_submit(
            actor=request.user,
            **details,
            consent=interview.consent(),
            subject=subject.subject() if subject else {},
            answers=answers.answers() if answers else {},
            flag_for_follow_up=bool(answers and answers.cleaned_data["flag_for_follow_up"]),
        )
    except ValidationError as exc:
        return _show_errors(request, exc, interview, instrument, subject, answers)
    if screening.refused:
        messages.success(request, gettext("The refusal was recorded. No answers were kept."))
    else:
        messages.success(request, gettext("The screening was recorded."))
    return redirect("screening:detail", screening_id=screening.pk)


def _show_errors(
    request: AuthedHttpRequest,
    exc: ValidationError,
    interview: InterviewForm,
    instrument: Instrument,
    subject: SubjectForm | None,
    answers: AnswersForm | None,
) -> HttpResponse:
    """Put the service's errors on the step whose inputs they concern."""
    rest: list[str] = []
    on_step_one = False
    for key, msgs in exc.message_dict.items():
        name = key.replace("consent.", "consent_", 1)
        name = "instrument" if name == "version" else name
        if name in interview.fields:
            interview.add_error(name, msgs)
            on_step_one = True
        elif subject is not None and key.removeprefix("subject.") in subject.fields:
            subject.add_error(key.removeprefix("subject."), msgs)
        elif answers is not None and key.startswith("answers."):
            field = AnswersForm.field_name(key.removeprefix("answers."))
            answers.add_error(field if field in answers.fields else None, msgs)
        else:
            rest += msgs
    if on_step_one or subject is None or answers is None:
        for message in rest:
            interview.add_error(None, message)
        return _step_one(request, interview)
    return _step_two(request, interview, instrument, subject, answers, rest)


# --- one screening ---------------------------------------------------------------------------


def _answer_rows(instrument: Instrument | None, screening: Screening) -> list[dict[str, Any]]:
    """The answers grouped by dimension, with labels from the instrument version used."""
    if instrument is None:
        return []
    lang = get_language()
    shown = {True: _("Yes"), False: _("No"), None: _("Not asked")}
    answers = screening.answers or {}
    return [
        {
            "title": dimension.title_in(lang),
            "rows": [
                {
                    "code": i.code,
                    "label": i.label_in(lang),
                    "strength": STRENGTHS[i.strength],
                    "answer": shown[answers[i.code]],
                    "observed": answers[i.code] is True,
                }
                for i in dimension.indicators
                if i.code in answers
            ],
        }
        for dimension in instrument.dimensions
    ]


def _why(instrument: Instrument | None, screening: Screening) -> list[dict[str, Any]]:
    """Per dimension with an observed indicator: positive or not, why, and which indicators.

    The stored English texts are shown in the active language when the instrument version
    used translates them (looked up by code)."""
    lang = get_language()
    dimensions = {d.code: d.titles for d in instrument.dimensions} if instrument else {}
    indicators = instrument.indicators if instrument else {}

    def label(code: str, english: str) -> str:
        indicator = indicators.get(code)
        return translated(english, indicator.labels if indicator else NO_TRANSLATIONS, lang)

    rows = []
    for item in (screening.assessment or {}).get("why", []):
        if not item["observed"]:
            continue
        reason = item.get("reason")
        titles = dimensions.get(item["dimension"], NO_TRANSLATIONS)
        rows.append(
            {
                "title": translated(item["title"], titles, lang),
                "code": item["dimension"],
                "positive": item["positive"],
                "reason": REASONS.get(reason, reason) if reason else "",
                "observed": [
                    {
                        "code": o["code"],
                        "label": label(o["code"], o["label"]),
                        "strength": STRENGTHS.get(o["strength"], o["strength"]),
                    }
                    for o in item["observed"]
                ],
            }
        )
    return rows


def _detail(
    request: AuthedHttpRequest,
    screening: Screening,
    open_form: OpenCaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_open = (
        request.user.role in CASE_CREATORS and screening.case_id is None and not screening.refused
    )
    if can_open and open_form is None:
        person, case = services.case_data_from_screening(screening)
        open_form = OpenCaseForm(initial=open_case_initial(person, case))
    assessment = screening.assessment or {}
    instrument = _instrument_used(screening)
    return render(
        request,
        "screening/screening_detail.html",
        {
            "screening": screening,
            "assessment": assessment,
            "outcome_label": "" if screening.refused else outcome_label(screening),
            "why": _why(instrument, screening),
            "answer_groups": _answer_rows(instrument, screening),
            "unanswered": assessment.get("unanswered", []),
            "open_form": open_form if can_open else None,
            "can_flag": (
                request.user.role in selectors.SCREENERS
                and not screening.refused
                and screening.outcome == "no_indication"
            ),
        },
        status=status,
    )


@login_required
def screening_detail_view(request: AuthedHttpRequest, screening_id: int) -> HttpResponse:
    screening = services.screening_read(
        actor=request.user,
        screening_id=screening_id,
    )
    return _detail(request, screening)


@login_required
@require_POST
def screening_open_case_view(request: AuthedHttpRequest, screening_id: int) -> HttpResponse:
    """Open a case from the screening and go to it; on a problem, show the form again."""
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case = services.screening_open_case(
                actor=request.user,
                screening_id=screening_id,
                person=form.person(),
                case=form.case(),
            )
        except ValidationError as exc:
            for message in add_service_errors(form, exc, "person."):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                gettext("Case %(reference)s was opened from the screening.")
                % {"reference": case.reference},
            )
            return redirect(reverse("cases:detail", args=[case.pk]))
    screening = services.screening_read(
        actor=request.user,
        screening_id=screening_id,
    )
    return _detail(request, screening, form)


@login_required
@require_POST
def screening_flag_view(request: AuthedHttpRequest, screening_id: int) -> HttpResponse:
    flagged = request.POST.get("flagged") == "yes"
    try:
        services.screening_flag(
            actor=request.user,
            screening_id=screening_id,
            flagged=flagged,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("screening:detail", screening_id=screening_id)


# --- places and visits -----------------------------------------------------------------------


@login_required
def place_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """The organisation's places; screeners add one with the form below the list."""
    _require_access(request)
    form = PlaceForm(request.POST or None)
    if request.method == "POST":
        _require_screener(request)
        if form.is_valid():
            try:
                services.place_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for message in add_service_errors(form, exc):
                    form.add_error(None, message)
            else:
                messages.success(request, gettext("The place was added."))
                return redirect("screening:places")
    return render(
        request,
        "screening/place_list.html",
        {
            "places": selectors.place_list(user=request.user),
            "form": form,
            "can_screen": request.user.role in selectors.SCREENERS,
        },
    )


@login_required
def visit_list_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_access(request)
    visits = selectors.visit_list(user=request.user)[:200]
    return render(
        request,
        "screening/visit_list.html",
        {
            "visits": visits,
            "can_screen": request.user.role in selectors.SCREENERS,
        },
    )


@login_required
def visit_create_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_screener(request)
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_create(
                actor=request.user,
                place_id=data["place"].pk,
                visited_on=data["visited_on"],
                team=data["team"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            for message in add_service_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, gettext("The visit was recorded."))
            return redirect("screening:visit-detail", visit_id=visit.pk)
    return render(request, "screening/visit_form.html", {"form": form})


@login_required
def visit_detail_view(request: AuthedHttpRequest, visit_id: int) -> HttpResponse:
    """Who was screened at the visit (as far as the user may see), who was flagged for
    follow-up, and whether a case was opened."""
    visit, screenings = services.visit_read(
        actor=request.user,
        visit_id=visit_id,
    )
    return render(
        request,
        "screening/visit_detail.html",
        {
            "visit": visit,
            "screenings": screenings,
            "flagged": _with_outcome_labels(s for s in screenings if s.flagged_for_follow_up),
            "others": _with_outcome_labels(s for s in screenings if not s.flagged_for_follow_up),
            "can_screen": request.user.role in selectors.SCREENERS,
        },
    )
