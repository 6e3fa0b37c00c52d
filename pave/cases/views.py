"""Web pages for cases: thin views over the services and selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.accounts.models import User
from pave.accounts.roles import CASE_CREATORS, CASE_EDITORS, CaseScope
from pave.cases import selectors, services, workflow
from pave.cases.forms import (
    CaseForm,
    CaseSearchForm,
    NoteForm,
    case_initial,
    conflict_differences,
    field_label,
)
from pave.cases.models import Case, Person
from pave.core import codelists
from pave.core.http import (
    personal_search_kept_out_of_urls,
    requested_page,
    search_parameters,
)
from pave.core.toolkit import ConflictError

PAGE_SIZE = 50


def _require_role(user: User, roles: frozenset[str]) -> None:
    if user.role not in roles:
        raise PermissionDenied(_("Your role cannot do this."))


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.case_scope == CaseScope.NONE:
        return render(request, "cases/home.html")
    return redirect("cases:list")


# --- list ------------------------------------------------------------------------------------


@personal_search_kept_out_of_urls(*CaseSearchForm.PERSONAL)
@login_required
def case_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """GET: the list with its filters in the query string. POST: a search (names, phones,
    identity numbers), rendered here and never put in a URL (see `search_parameters`)."""
    actor = request.user
    data = search_parameters(request, personal=CaseSearchForm.PERSONAL)
    if isinstance(data, HttpResponse):
        return data
    form = CaseSearchForm(data, user=actor)
    page_number = requested_page(request, data)
    cases: list[Case] = []
    total, total_exact = 0, True
    if form.is_valid():
        page = services.case_search(
            actor=actor,
            filters=form.filters(),
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
        )
        cases, total, total_exact = page.cases, page.count, page.count_exact
    elif actor.case_scope == CaseScope.NONE:
        raise PermissionDenied(_("Your role gives no access to person-level data."))
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "rows": [(case, codelists.country_names(case.person.citizenship)) for case in cases],
            "total": total,
            "total_exact": total_exact,
            "page_number": page_number,
            "pages": pages,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "next_page": page_number + 1 if page_number < pages else None,
            "search_form": form if request.method == "POST" else None,
        },
    )


# --- detail and notes ------------------------------------------------------------------------


def _code_labels(codes: list[str] | None, choices: type[TextChoices]) -> str:
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


def _yes_no(value: bool | None) -> str:
    return {True: _("Yes"), False: _("No")}.get(value, _("Not known"))  # type: ignore[arg-type]


def _person_rows(person: Person) -> list[tuple[Any, Any]]:
    return [
        (field_label(Person, "given_name"), person.given_name),
        (field_label(Person, "family_name"), person.family_name),
        (field_label(Person, "other_names"), person.other_names),
        (field_label(Person, "sex"), person.get_sex_display()),
        (field_label(Person, "gender"), person.get_gender_display()),
        (field_label(Person, "birth_date"), person.birth_date),
        (field_label(Person, "age_estimate"), person.age_estimate),
        (field_label(Person, "citizenship"), codelists.country_names(person.citizenship)),
        (field_label(Person, "languages"), ", ".join(person.languages or [])),
        (field_label(Person, "phone"), person.phone),
        (field_label(Person, "identity_number"), person.identity_number),
        (field_label(Person, "address"), person.address),
    ]


def _case_rows(case: Case) -> list[tuple[Any, Any]]:
    return [
        (field_label(Case, "case_type"), case.get_case_type_display()),
        (field_label(Case, "country"), codelists.country_names([str(case.country)])),
        (field_label(Case, "stage"), case.get_stage_display()),
        (field_label(Case, "status"), case.get_status_display()),
        (field_label(Case, "identification_date"), case.identification_date),
        (field_label(Case, "identification_source"), case.get_identification_source_display()),
        (field_label(Case, "is_minor"), _yes_no(case.is_minor)),
        (field_label(Case, "trafficking_status"), case.get_trafficking_status_display()),
        (
            field_label(Case, "trafficking_status_decided_by"),
            case.get_trafficking_status_decided_by_display(),
        ),
        (
            field_label(Case, "types_of_exploitation"),
            _code_labels(case.types_of_exploitation, codelists.TypeOfExploitation),
        ),
        (
            field_label(Case, "methods_of_control"),
            _code_labels(case.methods_of_control, codelists.MethodOfControl),
        ),
        (field_label(Case, "industry"), case.get_industry_display()),
        (
            field_label(Case, "country_of_recruitment"),
            codelists.country_names([str(case.country_of_recruitment)]),
        ),
        (
            field_label(Case, "country_of_exploitation"),
            codelists.country_names([str(case.country_of_exploitation)]),
        ),
        (field_label(Case, "assigned_to"), case.assigned_to.username if case.assigned_to else ""),
        (_("Office"), str(case.office) if case.office else ""),
    ]


def _render_detail(
    request: AuthedHttpRequest,
    case: Case,
    note_form: NoteForm,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person_rows": _person_rows(case.person),
            "case_rows": _case_rows(case),
            # Read with the case, which case_read has just audited and scoped to the user.
            "notes": selectors.case_notes(case=case),
            "note_form": note_form,
            "can_edit": request.user.role in CASE_EDITORS,
            **_workflow_context(request.user, case),
            **extra,
        },
        status=status,
    )


@login_required
def case_detail_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    case = services.case_read(actor=request.user, case_id=case_id)
    return _render_detail(request, case, NoteForm())


@login_required
@require_POST
def case_note_add_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(actor=actor, case_id=case_id, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Note added."))
            return redirect("cases:detail", case_id=case_id)
    case = services.case_read(actor=actor, case_id=case_id)
    return _render_detail(request, case, form, status=422)


# --- stage and workflow ----------------------------------------------------------------------

STEP_BUTTONS = {
    workflow.Action.MOVE: gettext_lazy("Move to “%(stage)s”"),
    workflow.Action.REQUEST_CLOSURE: gettext_lazy("Request closure"),
    workflow.Action.APPROVE_CLOSURE: gettext_lazy("Approve closure as “%(stage)s”"),
    workflow.Action.SEND_BACK: gettext_lazy("Send back to “%(stage)s”"),
    workflow.Action.REOPEN: gettext_lazy("Reopen the case"),
}


def _workflow_context(user: User, case: Case) -> dict[str, Any]:
    """The case's stage, a closure waiting for approval, and the steps this user may take."""
    pending = selectors.case_pending_closure(case=case)
    steps = workflow.steps_for(role=user.role, user_id=user.pk, stage=case.stage, pending=pending)
    labels = dict(codelists.CaseStage.choices)
    return {
        "closure_request": selectors.case_closure_request(case=case),
        "stage_steps": [
            {
                "to_stage": step.to_stage,
                "action": str(step.action),
                "button": STEP_BUTTONS[step.action] % {"stage": labels[step.to_stage]},
            }
            for step in steps
        ],
        "closure_outcomes": [(s, labels[s]) for s in workflow.CLOSURE_OUTCOMES],
    }


class StageForm(forms.Form):
    """One step of the workflow, as the case page's small forms post it."""

    to_stage = forms.ChoiceField(choices=codelists.CaseStage.choices)
    reason = forms.CharField(max_length=services.REASON_MAX_LENGTH)
    version = forms.IntegerField(min_value=1)
    outcome = forms.ChoiceField(choices=[(s, s) for s in workflow.CLOSURE_OUTCOMES], required=False)


@login_required
@require_POST
def case_stage_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    """Take one step (move, request or decide a closure, reopen). Refusals re-render the case
    page with the reason; a stale version says someone else changed the case first."""
    actor = request.user
    form = StageForm(request.POST)
    status = 422
    problems: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            step = services.case_transition(
                actor=actor,
                case_id=case_id,
                to_stage=data["to_stage"],
                reason=data["reason"],
                version=data["version"],
                outcome=data["outcome"] or workflow.CLOSED,
            )
        except ConflictError as exc:
            status, problems = 409, [str(exc)]
        except ValidationError as exc:
            problems = [m for messages_ in exc.message_dict.values() for m in messages_]
        else:
            messages.success(
                request,
                _("Case %(reference)s: %(step)s.")
                % {"reference": step.case.reference, "step": step.get_action_display()},
            )
            return redirect("cases:detail", case_id=case_id)
    else:
        problems = [str(m) for messages_ in form.errors.values() for m in messages_]
    case = services.case_read(actor=actor, case_id=case_id)
    return _render_detail(
        request,
        case,
        NoteForm(),
        status=status,
        stage_problems=problems,
        stage_form=form,
    )


# --- create and edit -------------------------------------------------------------------------


def _render_form(request: AuthedHttpRequest, form: CaseForm, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(request, "cases/case_form.html", {"form": form, **context}, status=status)


@login_required
def case_create_view(request: AuthedHttpRequest) -> HttpResponse:
    actor = request.user
    _require_role(actor, CASE_CREATORS)
    form = CaseForm(request.POST or None, user=actor, mode="create")
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=actor, person=form.person_data(), case=form.case_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Case %(reference)s opened.") % {"reference": case.reference}
            )
            return redirect("cases:detail", case_id=case.pk)
    status = 422 if form.is_bound else 200
    return _render_form(request, form, status=status)


@login_required
def case_edit_view(request: AuthedHttpRequest, case_id: int) -> HttpResponse:
    actor = request.user
    # 404 for a case the user may not see comes before 403 for a role that may not edit,
    # so the answer never reveals that a case exists.
    scoped = selectors.case_get_for_user(user=actor, case_id=case_id)
    _require_role(actor, CASE_EDITORS)
    if request.method != "POST":
        case = services.case_read(actor=actor, case_id=case_id)
        form = CaseForm(initial=case_initial(case), user=actor, mode="edit")
        return _render_form(request, form, case=case)
    form = CaseForm(request.POST, user=actor, mode="edit")
    if form.is_valid():
        try:
            case = services.case_update(
                actor=actor,
                case_id=case_id,
                version=form.cleaned_data["version"],
                person=form.person_data(),
                case=form.case_data(),
            )
        except ConflictError as exc:
            return _render_conflict(request, form, case_id, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Case %(reference)s saved.") % {"reference": case.reference}
            )
            return redirect("cases:detail", case_id=case.pk)
    # The heading shows only the reference: no personal data was read, so no audited read.
    return _render_form(request, form, case=scoped, status=422)


def _render_conflict(
    request: AuthedHttpRequest, form: CaseForm, case_id: int, exc: ConflictError
) -> HttpResponse:
    """Keep what the user typed, show what is saved now; the stale version stays in the form,
    so saving again cannot overwrite the other person's changes."""
    current = services.case_read(actor=request.user, case_id=case_id)
    return _render_form(
        request,
        form,
        case=current,
        conflict=str(exc),
        differences=conflict_differences(form, current),
        status=409,
    )
