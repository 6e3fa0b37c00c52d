"""Capacity building and outreach: /api/v1/training.

Events, sessions, participants, attendance, scores, sign-in sheets, certificates and the
aggregates. Partner organisations are named by their codes. Everything but the aggregates
is for the organiser's training managers; donor viewers read the aggregates, suppressed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from pave.accounts.models import Organisation
from pave.cases.api import ErrorOut
from pave.core.http import AuthedHttpRequest
from pave.training import certificates, importers, selectors, services
from pave.training.models import Certificate, Event, KnowledgeTest, Participant, Session

router = Router(tags=["training"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _partner_ids(codes: list[str]) -> list[int]:
    found = dict(Organisation.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {"partners": [_("No organisation with the code %s.") % ", ".join(unknown)]}
        )
    return [found[code] for code in codes]


# --- events ----------------------------------------------------------------------------------


class SessionIn(Schema):
    date: datetime.date
    end_date: datetime.date | None = Field(None, description="last day of a multi-day session")
    title: str = Field("", max_length=200)
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    venue: str = Field("", max_length=200)


class SessionOut(Schema):
    id: int
    date: datetime.date
    end_date: datetime.date | None
    title: str
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    venue: str


class EventIn(Schema):
    title: str = Field(..., max_length=200)
    event_type: str = Field(
        ...,
        description="training_workshop, information_session, policy_dialogue, "
        "awareness_session or media_workshop",
    )
    country: str = Field(..., description="ISO 3166 alpha-2 code")
    city: str = Field("", max_length=100)
    topics: list[str] = Field(default_factory=list)
    description: str = Field("", max_length=20000)
    partners: list[str] = Field(default_factory=list, description="organisation codes")
    other_partners: str = Field("", max_length=300)


class EventPatch(Schema):
    title: str | None = Field(None, max_length=200)
    event_type: str | None = None
    country: str | None = None
    city: str | None = Field(None, max_length=100)
    topics: list[str] | None = None
    description: str | None = Field(None, max_length=20000)
    partners: list[str] | None = None
    other_partners: str | None = Field(None, max_length=300)


class OrganisationOut(Schema):
    code: str
    name: str


class EventSummaryOut(Schema):
    id: int
    title: str
    event_type: str
    country: str
    city: str
    first_day: datetime.date | None
    last_day: datetime.date | None
    sessions: int = Field(..., description="number of sessions")
    participants: int = Field(..., description="distinct people present at a session")

    @staticmethod
    def resolve_country(obj: Event) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_sessions(obj: Any) -> int:
        return obj.session_count

    @staticmethod
    def resolve_participants(obj: Any) -> int:
        return obj.participant_count


class EventOut(Schema):
    id: int
    organisation: OrganisationOut
    title: str
    event_type: str
    country: str
    city: str
    topics: list[str]
    description: str
    partners: list[OrganisationOut]
    other_partners: str
    sessions: list[SessionOut]

    @staticmethod
    def resolve_country(obj: Event) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_partners(obj: Event) -> list[Organisation]:
        return list(obj.partners.all())

    @staticmethod
    def resolve_sessions(obj: Event) -> list[Session]:
        return list(obj.sessions.all())


class EventListOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[EventSummaryOut]


def _event_data(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if data.get("partners") is not None:
        data["partners"] = _partner_ids(data["partners"])
    return data


def _event(request: AuthedHttpRequest, event_id: int) -> Event:
    return selectors.event_get_for_user(user=request.user, event_id=event_id)


@router.get("/events", response={200: EventListOut, **ERRORS})
def list_events(
    request: AuthedHttpRequest,
    event_type: str = "",
    country: str = "",
    year: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> Any:
    """The organisation's events, latest first, with dates and distinct participants."""
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Your role gives no access to training records."))
    filters = selectors.EventFilters(event_type=event_type, country=country, year=year)
    events = selectors.event_list(user=request.user, filters=filters)
    return {
        "count": events.count(),
        "limit": limit,
        "offset": offset,
        "results": list(events[offset : offset + limit]),
    }


@router.post("/events", response={201: EventOut, **ERRORS})
def create_event(request: AuthedHttpRequest, payload: EventIn) -> Any:
    event = services.event_create(actor=request.user, data=_event_data(payload))
    return 201, _event(request, event.pk)


@router.get("/events/{int:event_id}", response={200: EventOut, **ERRORS})
def get_event(request: AuthedHttpRequest, event_id: int) -> Any:
    return _event(request, event_id)


@router.patch("/events/{int:event_id}", response={200: EventOut, **ERRORS})
def update_event(request: AuthedHttpRequest, event_id: int, payload: EventPatch) -> Any:
    services.event_update(actor=request.user, event_id=event_id, data=_event_data(payload))
    return _event(request, event_id)


@router.post("/events/{int:event_id}/sessions", response={201: SessionOut, **ERRORS})
def add_session(request: AuthedHttpRequest, event_id: int, payload: SessionIn) -> Any:
    return 201, services.session_add(actor=request.user, event_id=event_id, **payload.dict())


# --- participants ----------------------------------------------------------------------------


class ParticipantIn(Schema):
    full_name: str = Field(..., max_length=200)
    sex: str = Field("unknown", description="female, male, other or unknown")
    stakeholder_group: str = Field(
        ...,
        description="government_officer, civil_society, consular, journalist, "
        "policy_delegate or public",
    )
    affiliation: str = Field("", max_length=200, description="the organisation they work for")
    country: str = Field("", description="ISO 3166 alpha-2 code")
    title: str = Field("", max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=200)


class ParticipantPatch(Schema):
    full_name: str | None = Field(None, max_length=200)
    sex: str | None = None
    stakeholder_group: str | None = None
    affiliation: str | None = Field(None, max_length=200)
    country: str | None = None
    title: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=200)


class ParticipantFields(Schema):
    id: int
    full_name: str
    sex: str
    stakeholder_group: str
    affiliation: str
    country: str
    title: str
    phone: str
    email: str


class ParticipantOut(ParticipantFields):
    @staticmethod
    def resolve_country(obj: Participant) -> str:
        return str(obj.country or "")


class ParticipantListOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[ParticipantOut]


class HistoryOut(Schema):
    event: int
    event_title: str
    session: int
    date: datetime.date
    present: bool


class ParticipantDetailOut(ParticipantFields):
    sessions: list[HistoryOut]


class MergeIn(Schema):
    merge_id: int = Field(..., description="the duplicate record, deleted once merged")


class MergeOut(Schema):
    participant: ParticipantOut
    attendances: int
    tests: int
    certificates: int


@router.get("/participants", response={200: ParticipantListOut, **ERRORS})
def list_participants(
    request: AuthedHttpRequest,
    name: str = Query("", description="the full name, exactly (case and accents ignored)"),
    stakeholder_group: str = "",
    country: str = "",
    affiliation: str = "",
    event: int | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> Any:
    """The organisation's participants, newest first. Reading them is recorded."""
    filters = selectors.ParticipantFilters(
        stakeholder_group=stakeholder_group,
        country=country,
        affiliation=affiliation,
        event_id=event,
    )
    page = services.participant_search(
        actor=request.user, filters=filters, name=name, limit=limit, offset=offset
    )
    return {"count": page.count, "limit": limit, "offset": offset, "results": page.participants}


@router.post("/participants", response={201: ParticipantOut, **ERRORS})
def create_participant(request: AuthedHttpRequest, payload: ParticipantIn) -> Any:
    """Record a person; refused (422, naming the record) if they are already recorded."""
    return 201, services.participant_create(actor=request.user, data=payload.dict())


def _detail(participant: Participant, history: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: getattr(participant, name) for name in ("id", *services.PARTICIPANT_FIELDS)
    }
    out["country"] = str(participant.country or "")
    out["sessions"] = [
        {
            "event": a.session.event_id,
            "event_title": a.session.event.title,
            "session": a.session_id,
            "date": a.session.date,
            "present": a.present,
        }
        for a in history
    ]
    return out


@router.get("/participants/{int:participant_id}", response={200: ParticipantDetailOut, **ERRORS})
def get_participant(request: AuthedHttpRequest, participant_id: int) -> Any:
    return _detail(*services.participant_read(actor=request.user, participant_id=participant_id))


@router.patch("/participants/{int:participant_id}", response={200: ParticipantOut, **ERRORS})
def update_participant(
    request: AuthedHttpRequest, participant_id: int, payload: ParticipantPatch
) -> Any:
    return services.participant_update(
        actor=request.user, participant_id=participant_id, data=payload.dict(exclude_unset=True)
    )


@router.post("/participants/{int:participant_id}/merge", response={200: MergeOut, **ERRORS})
def merge_participants(request: AuthedHttpRequest, participant_id: int, payload: MergeIn) -> Any:
    """Two records are one person: keep this one, move the other's attendance, scores and
    certificates here, and delete the other."""
    return services.participant_merge(
        actor=request.user, keep_id=participant_id, merge_id=payload.merge_id
    )


# --- an event's participants, attendance and scores ------------------------------------------


class TestOut(Schema):
    pre_score: Decimal | None
    post_score: Decimal | None
    max_score: Decimal
    gain: Decimal | None
    gain_percent: Decimal | None


class RosterEntryOut(Schema):
    participant: ParticipantOut
    sessions: dict[str, bool] = Field(..., description="session id -> present")
    test: TestOut | None
    certificate: str | None = Field(None, description="verification code of a valid one")


class RosterOut(Schema):
    event: int
    participants: list[RosterEntryOut]
    knowledge: dict[str, Any]


class AddToEventIn(ParticipantIn):
    sessions: list[int] = Field(..., description="ids of the sessions the person was at")
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    max_score: Decimal | None = Field(None, description="100 when not given")


class AddedOut(Schema):
    participant: ParticipantOut
    created: bool


class AttendanceIn(Schema):
    participant: int
    session: int
    present: bool = True


class AttendanceOut(Schema):
    participant: int
    session: int
    present: bool

    @staticmethod
    def resolve_participant(obj: Any) -> int:
        return obj.participant_id

    @staticmethod
    def resolve_session(obj: Any) -> int:
        return obj.session_id


class TestIn(Schema):
    participant: int
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    max_score: Decimal | None = Field(None, description="100 when not given")


class TestRecordOut(TestOut):
    participant: int

    @staticmethod
    def resolve_participant(obj: KnowledgeTest) -> int:
        return obj.participant_id


@router.get("/events/{int:event_id}/participants", response={200: RosterOut, **ERRORS})
def event_participants(request: AuthedHttpRequest, event_id: int) -> Any:
    """Everyone on the event's list with their attendance, scores and certificate."""
    event, roster = services.event_roster_read(actor=request.user, event_id=event_id)
    return {
        "event": event.pk,
        "participants": [
            {
                "participant": row.participant,
                "sessions": {str(k): v for k, v in row.marks.items()},
                "test": row.test,
                "certificate": row.certificate.code if row.certificate else None,
            }
            for row in roster
        ],
        "knowledge": selectors.event_knowledge(event=event),
    }


@router.post(
    "/events/{int:event_id}/participants", response={201: AddedOut, 200: AddedOut, **ERRORS}
)
def add_participant(request: AuthedHttpRequest, event_id: int, payload: AddToEventIn) -> Any:
    """Put a person on the event's list (the recorded participant if they are one: 200)."""
    data = payload.dict(include=set(services.PARTICIPANT_FIELDS))
    participant, created = services.participant_add_to_event(
        actor=request.user,
        event_id=event_id,
        data=data,
        session_ids=payload.sessions,
        pre_score=payload.pre_score,
        post_score=payload.post_score,
        max_score=payload.max_score,
    )
    return (201 if created else 200), {"participant": participant, "created": created}


@router.post("/events/{int:event_id}/attendance", response={200: AttendanceOut, **ERRORS})
def record_attendance(request: AuthedHttpRequest, event_id: int, payload: AttendanceIn) -> Any:
    return services.attendance_record(
        actor=request.user,
        event_id=event_id,
        session_id=payload.session,
        participant_id=payload.participant,
        present=payload.present,
    )


@router.post("/events/{int:event_id}/tests", response={200: TestRecordOut, **ERRORS})
def record_test(request: AuthedHttpRequest, event_id: int, payload: TestIn) -> Any:
    return services.test_record(
        actor=request.user,
        event_id=event_id,
        participant_id=payload.participant,
        pre_score=payload.pre_score,
        post_score=payload.post_score,
        max_score=payload.max_score,
    )


# --- sign-in sheets --------------------------------------------------------------------------


class ProblemOut(Schema):
    row: int | None = Field(..., description="row number in the spreadsheet; null: the file")
    column: str
    message: str


class RowOut(Schema):
    row: int
    full_name: str
    participant: int | None = Field(..., description="the recorded participant it matches")
    sessions: dict[str, bool]


class ImportOut(Schema):
    dry_run: bool
    imported: bool
    rows: list[RowOut]
    problems: list[ProblemOut]
    ignored_columns: list[str]
    new_participants: int
    recorded_participants: int
    created: int
    matched: int
    attendances: int
    tests: int


def _import_out(report: services.ImportReport) -> dict[str, Any]:
    return {
        "dry_run": report.dry_run,
        "imported": report.imported,
        "rows": [
            {
                "row": row.row,
                "full_name": row.participant.get("full_name", ""),
                "participant": row.match_id,
                "sessions": {str(k): v for k, v in row.attendance.items()},
            }
            for row in report.rows
        ],
        "problems": report.problems,
        "ignored_columns": report.ignored_columns,
        "new_participants": report.new_people,
        "recorded_participants": report.known_people,
        "created": report.created,
        "matched": report.matched,
        "attendances": report.attendances,
        "tests": report.tests,
    }


@router.post("/events/{int:event_id}/import", response={200: ImportOut, **ERRORS})
def import_sheet(
    request: AuthedHttpRequest,
    event_id: int,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    session: Form[int | None] = None,
    stakeholder_group: Form[str] = "",
    affiliation: Form[str] = "",
    country: Form[str] = "",
    max_score: Form[Decimal] = Decimal(100),
) -> Any:
    """Import a sign-in sheet (CSV or XLSX, multipart field `file`). With dry_run (the
    default) nothing is written and every problem is listed; otherwise all rows are
    imported, or — if any problem remains — none, with 422 and the problems by row."""
    defaults = importers.Defaults(
        stakeholder_group=stakeholder_group,
        affiliation=affiliation,
        country=country,
        max_score=max_score,
        session_id=session,
    )
    try:
        report = services.participants_import(
            actor=request.user,
            event_id=event_id,
            filename=file.name or "",
            content=file.read(),
            dry_run=dry_run,
            defaults=defaults,
        )
    except services.ImportRejected as exc:
        return 422, {
            "detail": _("Nothing was imported: the sheet has problems."),
            "errors": exc.report.errors(),
        }
    return _import_out(report)


@router.get("/events/{int:event_id}/export", response={200: None, **ERRORS})
def export_participants(
    request: AuthedHttpRequest, event_id: int, format: str = Query("csv", pattern="^(csv|xlsx)$")
) -> HttpResponse:
    """The event's participant list (the columns the import reads). Recorded as a read."""
    filename, content_type, content = services.participants_export(
        actor=request.user, event_id=event_id, fmt=format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- certificates ----------------------------------------------------------------------------


class IssueIn(Schema):
    participants: list[int] | None = Field(
        None, description="ids; all who were present at a session when missing"
    )


class CertificateOut(Schema):
    id: int
    participant: int
    event: int
    code: str
    issued_on: datetime.date
    valid: bool
    pdf: str
    verify: str

    @staticmethod
    def resolve_participant(obj: Certificate) -> int:
        return obj.participant_id

    @staticmethod
    def resolve_event(obj: Certificate) -> int:
        return obj.event_id

    @staticmethod
    def resolve_code(obj: Certificate) -> str:
        return certificates.format_code(obj.code)

    @staticmethod
    def resolve_valid(obj: Certificate) -> bool:
        return obj.is_valid

    @staticmethod
    def resolve_pdf(obj: Certificate) -> str:
        return reverse("api:training_certificate_pdf", args=[obj.pk])

    @staticmethod
    def resolve_verify(obj: Certificate) -> str:
        return reverse("training_public:verify", args=[obj.code])


@router.post("/events/{int:event_id}/certificates", response={200: list[CertificateOut], **ERRORS})
def issue_certificates(request: AuthedHttpRequest, event_id: int, payload: IssueIn) -> Any:
    """A certificate for each participant present at a session (or those listed); those who
    hold one keep it."""
    return services.certificates_issue(
        actor=request.user, event_id=event_id, participant_ids=payload.participants
    )


@router.get(
    "/certificates/{int:certificate_id}/pdf",
    response={200: None, 503: ErrorOut, **ERRORS},
    url_name="training_certificate_pdf",
)
def certificate_pdf(request: AuthedHttpRequest, certificate_id: int) -> Any:
    try:
        certificate, pdf = services.certificate_pdf(
            actor=request.user,
            certificate_id=certificate_id,
            verify_url=lambda code: request.build_absolute_uri(
                reverse("training_public:verify", args=[code])
            ),
        )
    except certificates.PdfUnavailable as exc:
        return 503, {"detail": str(exc), "errors": {}}
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@router.post("/certificates/{int:certificate_id}/revoke", response={200: CertificateOut, **ERRORS})
def revoke_certificate(request: AuthedHttpRequest, certificate_id: int) -> Any:
    return services.certificate_revoke(actor=request.user, certificate_id=certificate_id)


# --- aggregates ------------------------------------------------------------------------------


@router.get("/aggregates", response={200: dict[str, Any], **ERRORS})
def participants_aggregates(
    request: AuthedHttpRequest,
    date_from: datetime.date | None = Query(None, alias="from"),
    date_to: datetime.date | None = Query(None, alias="to"),
    event_type: list[str] = Query([]),
    stakeholder_group: list[str] = Query([]),
    organisation: str = Query("", description="code; your own organisation by default"),
    suppressed: bool = Query(False, description="managers: preview what may leave"),
) -> Any:
    """Distinct participants present at sessions in the period (sessions overlapping
    [from, to]), by sex, stakeholder group, country and event type, with the knowledge-test
    summary. A person counts once however many sessions they attended. Donor viewers get
    small cells suppressed (null) and see their own organisation's events, or those of an
    organisation whose events theirs is a partner of."""
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"to": [_("The period ends before it starts.")]})
    _scope, result = selectors.aggregate_for_user(
        user=request.user,
        query=selectors.AggregateQuery(
            date_from=date_from,
            date_to=date_to,
            event_types=event_type,
            stakeholder_groups=stakeholder_group,
        ),
        organisation_code=organisation,
        suppress=suppressed,
    )
    return result
