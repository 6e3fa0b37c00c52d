"""Recognising a sheet's columns: participant fields by their header, attendance by session
("Session 1", "Day 2", "Séance 3", "الجلسة 1", a session's date or its title) or one
"Present" column when the sheet is for a single session."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pave.core.normalise import normalise_name
from pave.training.importers.records import Columns, Defaults, Problem, SessionRef
from pave.training.importers.vocabulary import header_aliases

_SESSION_HEADER = re.compile(r"^(?:session|seance|day|jour|الجلسه|جلسه|اليوم|يوم)\s*(\d+)\b")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _session_for_header(text: str, sessions: Sequence[SessionRef]) -> SessionRef | str | None:
    """The session a header names, an error message, or None when it names none."""
    normalised = normalise_name(text)
    day = _date_in(text)
    if match := _SESSION_HEADER.match(normalised):
        number = int(match.group(1))
        for session in sessions:
            if session.number != number:
                continue
            if day is not None and not session.date <= day <= session.last_day:
                # "Session 1 (2014-06-10)" exported from another event: not this one's.
                return _("session %(k)s of this event is on %(d)s, not %(h)s") % {
                    "k": number,
                    "d": session.date.isoformat(),
                    "h": day.isoformat(),
                }
            return session
        return ngettext(
            "the event has %(n)s session, not a session %(k)s",
            "the event has %(n)s sessions, not a session %(k)s",
            len(sessions),
        ) % {
            "n": len(sessions),
            "k": number,
        }
    if day is not None:
        for session in sessions:
            if session.date <= day <= session.last_day:
                return session
        return _("no session of the event is on %(d)s") % {"d": day.isoformat()}
    for session in sessions:
        if session.title and normalise_name(session.title) == normalised:
            return session
    return None


def _date_in(text: str) -> datetime.date | None:
    try:
        if match := _ISO_DATE.search(text):
            return datetime.date(*(int(part) for part in match.groups()))
        if match := _DMY_DATE.search(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        return None
    return None


def map_columns(
    headers: Sequence[str], sessions: Sequence[SessionRef], defaults: Defaults
) -> tuple[Columns, list[Problem]]:
    columns, problems = Columns(), []
    bad_sessions = False
    aliases = header_aliases()
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        name = aliases.get(normalise_name(header))
        if name is None:
            session = _session_for_header(header, sessions)
            if isinstance(session, SessionRef):
                columns.sessions[index] = session.id
            elif isinstance(session, str):
                problems.append(Problem(None, header, session))
                bad_sessions = True
            else:
                columns.ignored.append(header)
            continue
        if name in seen:
            problems.append(
                Problem(None, header, _("the same column as “%(h)s”") % {"h": seen[name]})
            )
            continue
        seen[name] = header
        if name == "present":
            columns.present = index
        else:
            columns.fields[index] = name
    if "full_name" not in columns.fields.values():
        problems.append(Problem(None, "", _("No name column (headed “Name”, “Nom” or “الاسم”).")))
    if not bad_sessions:
        problems += _attendance_problems(columns, sessions, defaults)
    return columns, problems


def target_session(sessions: Sequence[SessionRef], defaults: Defaults) -> SessionRef | None:
    if defaults.session_id is not None:
        return next((s for s in sessions if s.id == defaults.session_id), None)
    return sessions[0] if len(sessions) == 1 else None


def _attendance_problems(
    columns: Columns, sessions: Sequence[SessionRef], defaults: Defaults
) -> list[Problem]:
    if not sessions:
        return [Problem(None, "", _("The event has no session yet: add its sessions first."))]
    if defaults.session_id is not None and target_session(sessions, defaults) is None:
        return [Problem(None, "", _("The chosen session is not one of this event's."))]
    if columns.sessions and columns.present is not None:
        return [
            Problem(
                None,
                "",
                _("Use either one column per session or a single “Present” column, not both."),
            )
        ]
    if not columns.sessions and target_session(sessions, defaults) is None:
        return [
            Problem(
                None,
                "",
                _(
                    "The event has several sessions: add a column per session (“Session 1”, "
                    "“Session 2”… or their dates) or choose the session this sheet is for."
                ),
            )
        ]
    return []
