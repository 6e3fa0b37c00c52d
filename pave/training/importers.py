"""Sign-in sheets: reading participants from CSV or XLSX, and writing participant lists.

Reading is in two steps, neither of which writes anything: `read_table` turns the file into
a header and rows, `parse_table` turns rows into participant data, attendance marks and test
scores and lists every problem it finds (row number as in the spreadsheet, column as headed
in the file, message). Matching against existing participants and writing are the service's
(services.participants_import), all or nothing.

Headers are recognised in English, French and Arabic, whatever their case, accents or
punctuation (docs/training.md lists them). Attendance is one column per session: "Session 1",
"Day 2", "Séance 3", "الجلسة 1", a session's date (2014-06-10) or its title; or one "Present"
column when the sheet is for a single session.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from pave.core import codelists
from pave.core.normalise import normalise_name, normalise_phone
from pave.training.models import StakeholderGroup

MAX_BYTES = 1_000_000
MAX_ROWS = 5000
MAX_TEXT = 200
LANGUAGES = ("en", "fr", "ar")

# Field -> header aliases (normalised with normalise_name before comparing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "name",
        "full name",
        "participant",
        "participant name",
        "nom",
        "nom complet",
        "nom et prenom",
        "prenom et nom",
        "الاسم",
        "الاسم الكامل",
        "اسم المشارك",
    ),
    "sex": ("sex", "gender", "sexe", "genre", "الجنس", "النوع"),
    "affiliation": (
        "organisation",
        "organization",
        "org",
        "organisme",
        "institution",
        "affiliation",
        "employer",
        "agency",
        "ministry",
        "المؤسسة",
        "الجهة",
        "المنظمة",
        "جهة العمل",
    ),
    "stakeholder_group": (
        "stakeholder group",
        "stakeholder",
        "group",
        "category",
        "groupe",
        "groupe cible",
        "categorie",
        "الفئة",
        "الفئة المستهدفة",
    ),
    "country": ("country", "nationality", "pays", "nationalite", "البلد", "الدولة", "الجنسية"),
    "title": (
        "title",
        "job title",
        "position",
        "function",
        "rank",
        "fonction",
        "titre",
        "poste",
        "grade",
        "المنصب",
        "الوظيفة",
        "الصفة",
        "الرتبة",
    ),
    "phone": (
        "phone",
        "telephone",
        "mobile",
        "tel",
        "phone number",
        "portable",
        "الهاتف",
        "رقم الهاتف",
        "الجوال",
    ),
    "email": ("email", "e mail", "mail", "courriel", "adresse e mail", "البريد الالكتروني"),
    "pre_score": (
        "pre score",
        "pre test",
        "pretest",
        "pre",
        "pre test score",
        "score pre test",
        "note pre test",
        "الاختبار القبلي",
    ),
    "post_score": (
        "post score",
        "post test",
        "posttest",
        "post",
        "post test score",
        "score post test",
        "note post test",
        "الاختبار البعدي",
    ),
    "max_score": (
        "max score",
        "maximum score",
        "maximum",
        "out of",
        "score max",
        "note maximale",
        "bareme",
        "الدرجة القصوى",
    ),
}
PRESENT_HEADERS = ("present", "attended", "attendance", "presence", "present e", "حاضر", "الحضور")
_SESSION_HEADER = re.compile(r"^(?:session|seance|day|jour|الجلسه|جلسه|اليوم|يوم)\s*(\d+)\b")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

YES = {"yes", "y", "1", "x", "✓", "✔", "true", "present", "p", "oui", "o", "نعم", "حاضر", "حاضره"}
NO = {"no", "n", "0", "false", "absent", "a", "non", "لا", "غائب", "غائبه"}
SEXES = {
    "female": ("f", "female", "woman", "w", "femme", "feminin", "أنثى", "امرأة"),
    "male": ("m", "male", "man", "homme", "h", "masculin", "ذكر", "رجل"),
    "other": ("other", "autre", "اخر"),
    "unknown": ("unknown", "not known", "inconnu", "non connu", "غير معروف", "?"),
}
GROUP_ALIASES = {
    StakeholderGroup.GOVERNMENT_OFFICER: (
        "government",
        "gov",
        "government officer",
        "front line officer",
        "law enforcement",
        "police",
        "gouvernement",
        "حكومي",
    ),
    StakeholderGroup.CIVIL_SOCIETY: (
        "civil society",
        "cso",
        "ngo",
        "ong",
        "societe civile",
        "مجتمع مدني",
    ),
    StakeholderGroup.CONSULAR: (
        "embassy",
        "consular",
        "consulate",
        "labour attache",
        "labor attache",
        "ambassade",
        "سفاره",
    ),
    StakeholderGroup.JOURNALIST: ("journalist", "media", "press", "journaliste", "صحفي", "اعلامي"),
    StakeholderGroup.POLICY_DELEGATE: ("delegate", "policy", "delegue", "مندوب"),
    StakeholderGroup.PUBLIC: ("public", "community", "grand public", "عامه", "الجمهور"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a sheet: `row` None is the file itself, `column` its header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = _("file") if self.row is None else _("row %(n)s") % {"n": self.row}
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )

    @property
    def key(self) -> str:
        """A field name for the API's {"errors": {name: [...]}}."""
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}: {self.column}" if self.column else where


@dataclass(frozen=True)
class SessionRef:
    """What the importer knows of an event's session."""

    id: int
    number: int  # 1, 2, 3… in date order
    date: datetime.date
    last_day: datetime.date
    title: str


@dataclass(frozen=True)
class Defaults:
    """Values for cells a sheet leaves empty (or columns it does not have)."""

    stakeholder_group: str = ""
    affiliation: str = ""
    country: str = ""
    max_score: Decimal = Decimal(100)
    session_id: int | None = None


@dataclass
class SheetRow:
    row: int
    participant: dict[str, str]
    attendance: dict[int, bool] = field(default_factory=dict)
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    max_score: Decimal = Decimal(100)
    # Filled by the service: the existing participant this row is, or the row it repeats.
    match_id: int | None = None
    same_as_row: int | None = None


@dataclass
class Table:
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]


# --- reading files ---------------------------------------------------------------------------


def read_table(filename: str, content: bytes) -> tuple[Table | None, list[Problem]]:
    """The first sheet of an XLSX file, or a CSV file (UTF-8; comma, semicolon or tab)."""
    if len(content) > MAX_BYTES:
        limit = MAX_BYTES // 1000
        return None, [Problem(None, "", _("The file is larger than %(n)s kB.") % {"n": limit})]
    if not content.strip():
        return None, [Problem(None, "", _("The file is empty."))]
    if content[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    return _read_csv(content)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Exported lists protect formula-like cells with a leading apostrophe (see write_rows).
    return text[1:] if text.startswith("'") else text


def _table(raw_rows: Iterable[tuple[int, list[str]]]) -> tuple[Table | None, list[Problem]]:
    header_row, headers, rows = 0, list[str](), list[tuple[int, list[str]]]()
    for number, cells in raw_rows:
        if not any(cells):
            continue
        if not headers:
            header_row, headers = number, cells
            continue
        rows.append((number, cells + [""] * (len(headers) - len(cells))))
        if len(rows) > MAX_ROWS:
            return None, [Problem(None, "", _("More than %(n)s rows.") % {"n": MAX_ROWS})]
    if not headers:
        return None, [Problem(None, "", _("The file has no header row."))]
    return Table(header_row, headers, rows), []


def _read_xlsx(content: bytes) -> tuple[Table | None, list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same problem to the user
        return None, [Problem(None, "", _("This is not an XLSX file that can be read."))]
    try:
        sheet = workbook.worksheets[0]
        raw = (
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _table(raw)
    finally:
        workbook.close()


def _read_csv(content: bytes) -> tuple[Table | None, list[Problem]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [
            Problem(None, "", _("The file is not UTF-8 text: save it as “CSV UTF-8” and retry."))
        ]
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _table(
            (number, [_cell_text(cell) for cell in cells])
            for number, cells in enumerate(reader, start=1)
        )
    except csv.Error as exc:
        return None, [Problem(None, "", _("The CSV file is damaged: %(e)s") % {"e": exc})]


# --- recognising columns ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _header_aliases() -> dict[str, str]:
    aliases = {normalise_name(alias): name for name, values in COLUMNS.items() for alias in values}
    aliases.update({normalise_name(alias): "present" for alias in PRESENT_HEADERS})
    return aliases


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


@dataclass
class Columns:
    fields: dict[int, str] = field(default_factory=dict)  # column index -> field name
    sessions: dict[int, int] = field(default_factory=dict)  # column index -> session id
    present: int | None = None  # a single "present" column
    ignored: list[str] = field(default_factory=list)


def map_columns(
    headers: Sequence[str], sessions: Sequence[SessionRef], defaults: Defaults
) -> tuple[Columns, list[Problem]]:
    columns, problems = Columns(), []
    bad_sessions = False
    aliases = _header_aliases()
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


# --- reading cells ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sex_values() -> dict[str, str]:
    values = {normalise_name(alias): code for code, aliases in SEXES.items() for alias in aliases}
    for language in LANGUAGES:
        with translation.override(language):
            values.update({normalise_name(str(label)): code for code, label in _sex_choices()})
    return values


def _sex_choices() -> list[tuple[str, Any]]:
    return list(codelists.Sex.choices)


@lru_cache(maxsize=1)
def _group_values() -> dict[str, str]:
    values = {normalise_name(code): code for code in StakeholderGroup.values}
    for code, aliases in GROUP_ALIASES.items():
        values.update({normalise_name(alias): str(code) for alias in aliases})
    for language in LANGUAGES:
        with translation.override(language):
            values.update(
                {normalise_name(str(label)): code for code, label in StakeholderGroup.choices}
            )
    return values


@lru_cache(maxsize=1)
def _country_values() -> dict[str, str]:
    values: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            values.update({normalise_name(str(name)): code for code, name in countries})
    values.update({"ksa": "SA", "uae": "AE", "uk": "GB", "usa": "US"})
    return values


def parse_sex(text: str) -> str | None:
    return _sex_values().get(normalise_name(text)) if text else "unknown"


def parse_group(text: str) -> str | None:
    return _group_values().get(normalise_name(text))


def parse_country(text: str) -> str | None:
    if len(text.strip()) in (2, 3) and text.strip().isalpha():
        code = countries.alpha2(text.strip())
        if code:
            return code
    return _country_values().get(normalise_name(text))


def parse_yes_no(text: str) -> bool | None:
    """True, False, or None for an empty cell; raises ValueError for anything else."""
    value = normalise_name(text)
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(text)


def parse_score(text: str) -> tuple[Decimal | None, Decimal | None]:
    """A score, optionally "15/20" (score out of maximum); raises ValueError if not a number."""
    value = _latin_digits(text).replace(",", ".").replace(" ", "")
    if not value:
        return None, None
    score, _slash, maximum = value.partition("/")
    try:
        parsed = Decimal(score), Decimal(maximum) if maximum else None
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not all(part is None or part.is_finite() for part in parsed):
        raise ValueError(text)
    return parsed


def _latin_digits(text: str) -> str:
    """Arabic-Indic digits (and decimal separator) as Latin ones, everything else kept."""
    return text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.")).strip()


# --- rows ------------------------------------------------------------------------------------


def _text(cells: dict[str, str], name: str, problems: list[Problem], row: int, header: str) -> str:
    value = " ".join(cells.get(name, "").split())
    if len(value) > MAX_TEXT:
        problems.append(Problem(row, header, _("At most %(n)s characters.") % {"n": MAX_TEXT}))
    return value


def _parse_participant(
    row: int, cells: dict[str, str], headers: dict[str, str], defaults: Defaults
) -> tuple[dict[str, str], list[Problem]]:
    problems: list[Problem] = []

    def header(name: str) -> str:
        return headers.get(name, name)

    data = {
        name: _text(cells, name, problems, row, header(name))
        for name in ("full_name", "affiliation", "title", "phone", "email")
    }
    if not data["full_name"]:
        problems.append(Problem(row, header("full_name"), _("A name is required.")))
    data["affiliation"] = data["affiliation"] or defaults.affiliation
    sex = parse_sex(cells.get("sex", ""))
    if sex is None:
        problems.append(
            Problem(
                row,
                header("sex"),
                _("“%(v)s” is not a sex PAVE knows (female, male, other, unknown).")
                % {"v": cells["sex"]},
            )
        )
    data["sex"] = sex or ""
    group_text = cells.get("stakeholder_group", "") or defaults.stakeholder_group
    group = parse_group(group_text) if group_text else None
    if not group_text:
        problems.append(Problem(row, header("stakeholder_group"), _("A group is required.")))
    elif group is None:
        problems.append(
            Problem(
                row,
                header("stakeholder_group"),
                _("“%(v)s” is not a stakeholder group. Use one of: %(list)s.")
                % {"v": group_text, "list": ", ".join(StakeholderGroup.values)},
            )
        )
    data["stakeholder_group"] = group or ""
    country_text = cells.get("country", "") or defaults.country
    country = parse_country(country_text) if country_text else ""
    if country is None:
        problems.append(
            Problem(row, header("country"), _("“%(v)s” is not a country.") % {"v": country_text})
        )
    data["country"] = country or ""
    if data["phone"] and not 6 <= len(normalise_phone(data["phone"])) <= 15:
        problems.append(Problem(row, header("phone"), _("A phone number has 6 to 15 digits.")))
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            problems.append(Problem(row, header("email"), _("Not an e-mail address.")))
    return data, problems


def _parse_scores(
    sheet_row: SheetRow, cells: dict[str, str], headers: dict[str, str], defaults: Defaults
) -> list[Problem]:
    problems: list[Problem] = []
    maximum = defaults.max_score
    found: dict[str, Decimal | None] = {}
    for name in ("max_score", "pre_score", "post_score"):
        try:
            score, out_of = parse_score(cells.get(name, ""))
        except ValueError:
            problems.append(
                Problem(
                    sheet_row.row, headers[name], _("“%(v)s” is not a number.") % {"v": cells[name]}
                )
            )
            continue
        if name == "max_score":
            maximum = score if score is not None else maximum
            continue
        if out_of is not None:
            maximum = out_of
        found[name] = score
    if maximum <= 0:
        problems.append(Problem(sheet_row.row, headers.get("max_score", ""), _("Must be above 0.")))
        return problems
    for name, score in found.items():
        if score is not None and not 0 <= score <= maximum:
            problems.append(
                Problem(
                    sheet_row.row,
                    headers[name],
                    _("A score between 0 and %(max)s.") % {"max": _number(maximum)},
                )
            )
    sheet_row.pre_score = found.get("pre_score")
    sheet_row.post_score = found.get("post_score")
    sheet_row.max_score = maximum
    return problems


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _parse_attendance(
    sheet_row: SheetRow,
    raw: list[str],
    table_headers: Sequence[str],
    columns: Columns,
    target: SessionRef | None,
) -> list[Problem]:
    problems: list[Problem] = []
    marks = dict(columns.sessions)
    if columns.present is not None and target is not None:
        marks = {columns.present: target.id}
    for index, session_id in marks.items():
        try:
            present = parse_yes_no(raw[index])
        except ValueError:
            problems.append(
                Problem(
                    sheet_row.row,
                    table_headers[index],
                    _("“%(v)s” is neither yes nor no (yes, x, 1, oui, نعم / no, 0, non, لا).")
                    % {"v": raw[index]},
                )
            )
            continue
        if present is not None:
            sheet_row.attendance[session_id] = present
    if not marks and target is not None:
        sheet_row.attendance[target.id] = True
    return problems


def parse_table(
    table: Table, sessions: Sequence[SessionRef], defaults: Defaults
) -> tuple[list[SheetRow], list[Problem], Columns]:
    """Every row's data and every problem found (file-level problems first)."""
    columns, problems = map_columns(table.headers, sessions, defaults)
    if problems:
        return [], problems, columns
    headers = {name: table.headers[index] for index, name in columns.fields.items()}
    target = target_session(sessions, defaults)
    rows: list[SheetRow] = []
    for number, raw in table.rows:
        cells = {name: raw[index].strip() for index, name in columns.fields.items()}
        data, row_problems = _parse_participant(number, cells, headers, defaults)
        sheet_row = SheetRow(row=number, participant=data)
        row_problems += _parse_scores(sheet_row, cells, headers, defaults)
        row_problems += _parse_attendance(sheet_row, raw, table.headers, columns, target)
        problems += row_problems
        rows.append(sheet_row)
    if not rows:
        problems.append(Problem(None, "", _("The sheet has a header but no participant.")))
    return rows, problems, columns


# --- writing participant lists ---------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Arabic correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Participants")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
