"""Sign-in sheets: import (dry run first) and export of an event's participants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS, ErrorOut, Id, PathId
from pave.interop.messages import read_error_message
from pave.training import importers, services
from pave.training.api.schemas import (
    ImportOut,
)

router = Router()


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


@router.post("/events/{int:event_id}/import", response={200: ImportOut, **ERRORS, 413: ErrorOut})
def import_sheet(
    request: AuthedHttpRequest,
    event_id: PathId,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    session: Form[Id | None] = None,
    stakeholder_group: Form[str] = "",
    affiliation: Form[str] = "",
    country: Form[str] = "",
    max_score: Form[Decimal] = Decimal(100),
) -> Any:
    """Import a sign-in sheet (CSV or XLSX, multipart field `file`). With dry_run (the
    default) nothing is written and every problem is listed; otherwise all rows are
    imported, or — if any problem remains — none, with 422 and the problems by row. A file
    beyond a size limit (1 MB; unpacked, rows, columns, cells) answers 413, nothing read."""
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
    except importers.LimitExceeded as exc:
        message = read_error_message(exc)
        return 413, {"detail": message, "errors": {"file": [message]}}
    except services.ImportRejected as exc:
        return 422, {
            "detail": _("Nothing was imported: the sheet has problems."),
            "errors": exc.report.errors(),
        }
    return _import_out(report)


@router.get("/events/{int:event_id}/export", response={200: None, **ERRORS})
def export_participants(
    request: AuthedHttpRequest, event_id: PathId, format: str = Query("csv", pattern="^(csv|xlsx)$")
) -> HttpResponse:
    """The event's participant list (the columns the import reads). Recorded as a read."""
    filename, content_type, content = services.participants_export(
        actor=request.user, event_id=event_id, fmt=format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
