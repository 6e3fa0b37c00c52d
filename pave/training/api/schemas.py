"""The schemas of /api/v1/training (names are the OpenAPI's: keep them)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from pave.accounts.models import Organisation
from pave.core.api import CountryCode, Id, LocalTime, OptionalCountryCode, OptionalText
from pave.training import certificates
from pave.training.models import Certificate, Event, KnowledgeTest, Participant, Session


class SessionIn(Schema):
    date: datetime.date
    end_date: datetime.date | None = Field(None, description="last day of a multi-day session")
    title: str = Field("", max_length=200)
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
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
    country: CountryCode = Field(..., description="ISO 3166 alpha-2 code")
    city: str = Field("", max_length=100)
    topics: list[str] = Field(default_factory=list)
    description: str = Field("", max_length=20000)
    partners: list[str] = Field(default_factory=list, description="organisation codes")
    other_partners: str = Field("", max_length=300)


class EventPatch(Schema):
    title: OptionalText = Field(None, max_length=200)
    event_type: OptionalText = None
    country: OptionalCountryCode = None
    city: OptionalText = Field(None, max_length=100)
    topics: list[str] | None = None
    description: OptionalText = Field(None, max_length=20000)
    partners: list[str] | None = None
    other_partners: OptionalText = Field(None, max_length=300)


class TrainingOrganisationOut(Schema):
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
    organisation: TrainingOrganisationOut
    title: str
    event_type: str
    country: str
    city: str
    topics: list[str]
    description: str
    partners: list[TrainingOrganisationOut]
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


class ParticipantIn(Schema):
    full_name: str = Field(..., max_length=200)
    sex: str = Field("unknown", description="female, male, other or unknown")
    stakeholder_group: str = Field(
        ...,
        description="government_officer, civil_society, consular, journalist, "
        "policy_delegate or public",
    )
    affiliation: str = Field("", max_length=200, description="the organisation they work for")
    country: CountryCode = Field("", description="ISO 3166 alpha-2 code")
    title: str = Field("", max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=200)


class ParticipantPatch(Schema):
    full_name: OptionalText = Field(None, max_length=200)
    sex: OptionalText = None
    stakeholder_group: OptionalText = None
    affiliation: OptionalText = Field(None, max_length=200)
    country: OptionalCountryCode = None
    title: OptionalText = Field(None, max_length=200)
    phone: OptionalText = Field(None, max_length=32)
    email: OptionalText = Field(None, max_length=200)


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
    merge_id: Id = Field(..., description="the duplicate record, deleted once merged")


class MergeOut(Schema):
    participant: ParticipantOut
    attendances: int
    tests: int
    certificates: int


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
    sessions: list[Id] = Field(..., description="ids of the sessions the person was at")
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    max_score: Decimal | None = Field(None, description="100 when not given")


class AddedOut(Schema):
    participant: ParticipantOut
    created: bool


class AttendanceIn(Schema):
    participant: Id
    session: Id
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
    participant: Id
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    max_score: Decimal | None = Field(None, description="100 when not given")


class TestRecordOut(TestOut):
    participant: int

    @staticmethod
    def resolve_participant(obj: KnowledgeTest) -> int:
        return obj.participant_id


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


class IssueIn(Schema):
    participants: list[Id] | None = Field(
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
