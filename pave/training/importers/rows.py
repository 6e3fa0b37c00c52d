"""Reading each row of a sheet into participant data, attendance marks and test scores, with
every problem found (row number as in the spreadsheet, column as headed in the file)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from pave.core.api import NUL, NUL_MESSAGE
from pave.core.normalise import normalise_phone
from pave.interop.tabular import Table
from pave.training.importers.columns import map_columns, target_session
from pave.training.importers.records import Columns, Defaults, Problem, SessionRef, SheetRow
from pave.training.importers.vocabulary import (
    parse_country,
    parse_group,
    parse_score,
    parse_sex,
    parse_yes_no,
)
from pave.training.models import StakeholderGroup

MAX_TEXT = 200


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
        # PostgreSQL cannot store (or search for) text holding NUL: such a cell is a problem.
        nul_problems = [
            Problem(number, headers[name], str(NUL_MESSAGE)) for name in cells if NUL in cells[name]
        ]
        cells = {name: "" if NUL in text else text for name, text in cells.items()}
        data, row_problems = _parse_participant(number, cells, headers, defaults)
        row_problems = nul_problems + row_problems
        sheet_row = SheetRow(row=number, participant=data)
        row_problems += _parse_scores(sheet_row, cells, headers, defaults)
        row_problems += _parse_attendance(sheet_row, raw, table.headers, columns, target)
        problems += row_problems
        rows.append(sheet_row)
    if not rows:
        problems.append(Problem(None, "", _("The sheet has a header but no participant.")))
    return rows, problems, columns
