"""Sign-in sheets in (all or nothing, with a dry run) and participant lists out."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.core import codelists
from pave.core.audit import Actor, audit_record
from pave.core.crypto import DecryptionError, keyring
from pave.core.normalise import normalise_name, normalise_phone
from pave.interop import tabular
from pave.training import importers, selectors
from pave.training.models import (
    Attendance,
    Event,
    KnowledgeTest,
    Participant,
    Session,
    StakeholderGroup,
)
from pave.training.services.attendance import merge_scores
from pave.training.services.common import (
    PARTICIPANT_FIELDS,
    PERSONAL_FIELDS,
    event_for_actor,
    require_manager,
)
from pave.training.services.participants import (
    fill_blanks,
    insert_participant,
    match_scope,
    normalise_email,
    participants_match,
)

# --- sign-in sheets --------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found (and, unless a dry run or refused, did)."""

    event_id: int
    dry_run: bool
    rows: list[importers.SheetRow] = field(default_factory=list)
    problems: list[importers.Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    created: int = 0
    matched: int = 0
    attendances: int = 0
    tests: int = 0
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new_people(self) -> int:
        return sum(1 for row in self.rows if row.match_id is None and row.same_as_row is None)

    @property
    def known_people(self) -> int:
        return sum(1 for row in self.rows if row.match_id is not None)

    def errors(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.key, []).append(problem.message)
        return out


class ImportRejected(ValidationError):
    """The sheet has problems: nothing was written. `report` lists them all."""

    def __init__(self, report: ImportReport):
        super().__init__(report.errors())
        self.report = report


def _session_refs(event: Event) -> list[importers.SessionRef]:
    sessions = Session.objects.filter(event=event).order_by("date", "id")
    return [
        importers.SessionRef(s.pk, number, s.date, s.last_day, s.title)
        for number, s in enumerate(sessions, start=1)
    ]


def _match_rows(event: Event, rows: list[importers.SheetRow]) -> list[importers.Problem]:
    """Find each row's recorded participant; a person twice in the sheet is a problem."""
    problems: list[importers.Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    unique: list[importers.SheetRow] = []
    for row in rows:
        data = row.participant
        if not data.get("full_name"):
            continue
        scope = match_scope(data["affiliation"], data["country"])
        keys = [
            (scope, kind, value)
            for kind, value in (
                ("name", normalise_name(data["full_name"])),
                ("phone", normalise_phone(data["phone"])),
                ("email", normalise_email(data["email"])),
            )
            if value
        ]
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None:
            row.same_as_row = earlier
            problems.append(
                importers.Problem(
                    row.row,
                    "",
                    _("The same person as row %(n)s: put their sessions on one row.")
                    % {"n": earlier},
                )
            )
            continue
        seen.update(dict.fromkeys(keys, row.row))
        unique.append(row)
    matches = participants_match(
        organisation_id=event.organisation_id, people=[row.participant for row in unique]
    )
    for row, existing in zip(unique, matches, strict=True):
        row.match_id = existing.pk if existing else None
    return problems


def _plan_import(
    event: Event, filename: str, content: bytes, defaults: importers.Defaults
) -> ImportReport:
    report = ImportReport(event_id=event.pk, dry_run=True)
    table, problems = importers.read_table(filename, content)
    if table is None:
        report.problems = problems
        return report
    rows, problems, columns = importers.parse_table(table, _session_refs(event), defaults)
    report.rows, report.ignored_columns = rows, columns.ignored
    problems += _match_rows(event, rows)
    report.problems = sorted(problems, key=lambda p: (p.row or 0, p.column))
    return report


def _write_rows(actor: Actor, event: Event, report: ImportReport) -> None:
    """Record the planned rows: new people one by one (each may collide with a concurrent
    import, which then fails as a whole), marks and scores in bulk."""
    matched = Participant.objects.in_bulk([row.match_id for row in report.rows if row.match_id])
    people: list[tuple[importers.SheetRow, Participant]] = []
    for row in report.rows:
        participant = matched.get(row.match_id) if row.match_id else None
        if participant is None:
            participant = insert_participant(
                actor=actor, organisation=event.organisation, data=row.participant
            )
            report.created += 1
        else:
            if fill_blanks(participant, row.participant):
                participant.save()
            report.matched += 1
        people.append((row, participant))
    report.attendances = _store_marks(people)
    report.tests = _store_scores(event, people)


def _store_marks(people: list[tuple[importers.SheetRow, Participant]]) -> int:
    marks = {
        (session_id, participant.pk): present
        for row, participant in people
        for session_id, present in row.attendance.items()
    }
    existing = {
        (a.session_id, a.participant_id): a
        for a in Attendance.objects.filter(
            session_id__in={key[0] for key in marks},
            participant_id__in={key[1] for key in marks},
        )
    }
    now = timezone.now()
    changed = []
    for key, present in marks.items():
        if key in existing and existing[key].present != present:
            existing[key].present, existing[key].recorded_at = present, now
            changed.append(existing[key])
    Attendance.objects.bulk_update(changed, ["present", "recorded_at"])
    Attendance.objects.bulk_create(
        Attendance(session_id=session_id, participant_id=participant_id, present=present)
        for (session_id, participant_id), present in marks.items()
        if (session_id, participant_id) not in existing
    )
    return len(marks)


def _store_scores(event: Event, people: list[tuple[importers.SheetRow, Participant]]) -> int:
    scored = {
        participant.pk: row
        for row, participant in people
        if row.pre_score is not None or row.post_score is not None
    }
    existing = {
        t.participant_id: t
        for t in KnowledgeTest.objects.filter(event=event, participant_id__in=list(scored))
    }
    now = timezone.now()
    new: list[KnowledgeTest] = []
    changed: list[KnowledgeTest] = []
    for participant_id, row in scored.items():
        test = existing.get(participant_id) or KnowledgeTest(
            event=event, participant_id=participant_id, created_at=now
        )
        before = (test.max_score, test.pre_score, test.post_score)
        merge_scores(test, row.pre_score, row.post_score, row.max_score)
        test.updated_at = now
        if not test.pk:
            new.append(test)
        elif (test.max_score, test.pre_score, test.post_score) != before:
            changed.append(test)
    KnowledgeTest.objects.bulk_update(
        changed, ["max_score", "pre_score", "post_score", "updated_at"]
    )
    KnowledgeTest.objects.bulk_create(new)
    return len(scored)


def participants_import(
    *,
    actor: Actor,
    event_id: int,
    filename: str,
    content: bytes,
    dry_run: bool = True,
    defaults: importers.Defaults | None = None,
) -> ImportReport:
    """Import a sign-in sheet into an event: every row or none.

    A dry run reads and checks the whole sheet and says, row by row, who is new, who is
    already recorded and every problem, writing nothing. A real run does the same checks
    again and raises ImportRejected (nothing written) if any problem remains; otherwise it
    records the new participants, attendance and scores in one transaction. A file beyond a
    size limit raises importers.LimitExceeded before it is read whole (nothing written).
    """
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    with transaction.atomic():
        report = _plan_import(event, filename, content, defaults or importers.Defaults())
        report.dry_run = dry_run
        detail = {"rows": len(report.rows), "problems": len(report.problems)}
        if dry_run or not report.ok:
            audit_record(
                actor=actor,
                action="training.import.check",
                obj=event,
                detail={**detail, "dry_run": dry_run},
            )
        else:
            _write_rows(actor, event, report)
            report.imported = True
            audit_record(
                actor=actor,
                action="training.import",
                obj=event,
                fields=[*PARTICIPANT_FIELDS, "attendance.present", "test.pre_score"],
                detail={
                    **detail,
                    "created": report.created,
                    "matched": report.matched,
                    "attendances": report.attendances,
                    "tests": report.tests,
                },
            )
    if not dry_run and not report.ok:
        raise ImportRejected(report)
    return report


# The web import keeps the checked file between the dry run and the confirmation in the
# page itself, encrypted and bound to the user and the event, so no server keeps it.
IMPORT_TOKEN_SECONDS = 3600


def import_token_seal(*, user: User, event_id: int, filename: str, content: bytes) -> str:
    payload = json.dumps(
        {
            "filename": filename,
            "content": base64.b64encode(zlib.compress(content)).decode(),
            "at": timezone.now().timestamp(),
        }
    )
    return keyring().encrypt(payload, f"training.import:{user.pk}:{event_id}")


def import_token_open(*, user: User, event_id: int, token: str) -> tuple[str, bytes]:
    """The file sealed for this user and event; ValidationError if altered or too old."""
    try:
        payload = json.loads(keyring().decrypt(token, f"training.import:{user.pk}:{event_id}"))
    except (DecryptionError, ValueError) as exc:
        raise ValidationError({"file": [_("The checked file was lost: upload it again.")]}) from exc
    if timezone.now().timestamp() - payload["at"] > IMPORT_TOKEN_SECONDS:
        raise ValidationError({"file": [_("The check is more than an hour old: upload again.")]})
    return payload["filename"], zlib.decompress(base64.b64decode(payload["content"]))


# --- export ----------------------------------------------------------------------------------


def _export_rows(
    event: Event, roster: list[selectors.RosterRow]
) -> tuple[list[str], list[list[Any]]]:
    sessions = list(event.sessions.all())
    groups, sexes = dict(StakeholderGroup.choices), dict(codelists.Sex.choices)
    headers = [
        _("Name"),
        _("Sex"),
        _("Organisation"),
        _("Stakeholder group"),
        _("Country"),
        _("Title"),
        _("Phone"),
        _("E-mail"),
        _("Pre score"),
        _("Post score"),
        _("Max score"),
        *(
            _("Session %(n)s (%(date)s)") % {"n": n, "date": s.date.isoformat()}
            for n, s in enumerate(sessions, start=1)
        ),
    ]
    rows = []
    for row in roster:
        p, test = row.participant, row.test
        marks = [row.marks.get(s.pk) for s in sessions]
        rows.append(
            [
                p.full_name,
                str(sexes.get(p.sex, p.sex)),
                p.affiliation,
                str(groups.get(p.stakeholder_group, p.stakeholder_group)),
                str(p.country or ""),
                p.title,
                p.phone,
                p.email,
                _score(test.pre_score if test else None),
                _score(test.post_score if test else None),
                _score(test.max_score if test else None),
                *("" if m is None else (_("yes") if m else _("no")) for m in marks),
            ]
        )
    return headers, rows


def _score(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


@transaction.atomic
def participants_export(*, actor: Actor, event_id: int, fmt: str) -> tuple[str, str, bytes]:
    """The event's participant list as CSV or XLSX: (filename, content type, bytes). The
    columns are those the importer reads, so an exported list can be corrected and
    imported back. Recorded as a read of the participants' personal data."""
    if fmt not in ("csv", "xlsx"):
        raise ValidationError({"format": [_("Choose csv or xlsx.")]})
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    roster = selectors.event_roster(event=event)
    headers, rows = _export_rows(event, roster)
    audit_record(
        actor=actor,
        action="training.participants.export",
        obj=event,
        fields=[f"participant.{name}" for name in PERSONAL_FIELDS],
        detail={"format": fmt, "participants": [row.participant.pk for row in roster]},
    )
    name = f"participants-event-{event.pk}"
    if fmt == "csv":
        return f"{name}.csv", "text/csv; charset=utf-8", tabular.write_csv(headers, rows)
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = tabular.write_xlsx(headers, rows, title=event.title, default_title="Participants")
    return f"{name}.xlsx", xlsx_type, content
