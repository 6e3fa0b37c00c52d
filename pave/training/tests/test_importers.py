"""Reading sign-in sheets: files, headers in three languages, cells, and every problem."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from pave.interop import tabular
from pave.training import importers
from pave.training.importers import Defaults, SessionRef
from pave.training.tests.conftest import sheet_csv, sheet_xlsx

D = datetime.date
ONE = [SessionRef(11, 1, D(2014, 6, 10), D(2014, 6, 10), "")]
THREE = [
    SessionRef(21, 1, D(2014, 6, 10), D(2014, 6, 10), "Opening"),
    SessionRef(22, 2, D(2014, 6, 11), D(2014, 6, 11), ""),
    SessionRef(23, 3, D(2014, 6, 12), D(2014, 6, 12), ""),
]


def parse(content, sessions=ONE, filename="s.csv", **defaults):
    table, problems = importers.read_table(filename, content)
    assert table is not None, problems
    return importers.parse_table(table, sessions, Defaults(**defaults))


def test_english_headers_and_values_are_read():
    rows, problems, columns = parse(
        sheet_csv(
            [
                [
                    "Nour Haddad",
                    "F",
                    "General Security",
                    "government_officer",
                    "LB",
                    "+961 3 123 456",
                    8,
                    15,
                ]
            ]
        ),
        max_score=Decimal(20),
    )
    assert problems == [], problems
    (row,) = rows
    assert row.row == 2
    assert row.participant == {
        "full_name": "Nour Haddad",
        "affiliation": "General Security",
        "title": "",
        "phone": "+961 3 123 456",
        "email": "",
        "sex": "female",
        "stakeholder_group": "government_officer",
        "country": "LB",
    }
    assert (row.pre_score, row.post_score, row.max_score) == (Decimal(8), Decimal(15), 20)
    assert row.attendance == {11: True}  # one session, no attendance column: present


def test_french_and_arabic_headers_labels_and_country_names():
    headers = ["Nom complet", "Sexe", "Organisme", "Groupe", "Pays", "Séance 1", "الجلسة 2"]
    content = sheet_csv(
        [
            ["Amina Benali", "Femme", "ONG Espoir", "Société civile", "Égypte", "oui", "non"],
            ["علي حسن", "ذكر", "الأمن العام", "Government front-line officer", "لبنان", "x", ""],
        ],
        headers=headers,
        delimiter=";",
    )
    rows, problems, _columns = parse(content, THREE)
    assert problems == [], problems
    assert rows[0].participant["sex"] == "female"
    assert rows[0].participant["stakeholder_group"] == "civil_society"
    assert rows[0].participant["country"] == "EG"
    assert rows[0].attendance == {21: True, 22: False}
    assert rows[1].participant["country"] == "LB"
    assert rows[1].attendance == {21: True}  # an empty cell records nothing


def test_session_columns_by_date_and_title_and_unknown_columns_are_ignored():
    headers = ["Name", "Group", "Opening", "2014-06-12", "Shoe size"]
    rows, problems, columns = parse(
        sheet_csv([["A B", "public", "yes", "1", "42"]], headers=headers), THREE
    )
    assert problems == []
    assert rows[0].attendance == {21: True, 23: True}
    assert columns.ignored == ["Shoe size"]


def test_xlsx_with_numbers_and_dates_is_read():
    content = sheet_xlsx([["Karim Saad", "male", "GS", "gov", "LB", 96170123456, 12.5, "18/20"]])
    rows, problems, _ = parse(content, filename="sheet.xlsx")
    assert problems == []
    assert rows[0].participant["phone"] == "96170123456"
    assert rows[0].pre_score == Decimal("12.5")
    assert (rows[0].post_score, rows[0].max_score) == (Decimal(18), Decimal(20))


def test_every_problem_of_every_row_is_listed_with_row_and_column():
    content = sheet_csv(
        [
            ["", "F", "GS", "government_officer", "LB", "", "", ""],
            ["Rami Saab", "Fmale", "GS", "astronaut", "Atlantis", "12", "abc", "30"],
            ["Lina Azar", "F", "GS", "public", "LB", "+961 3 123 456", "5", "9"],
        ]
    )
    _rows, problems, _ = parse(content, max_score=Decimal(20))
    found = {(p.row, p.column) for p in problems}
    assert (2, "Name") in found
    assert {(3, "Sex"), (3, "Stakeholder group"), (3, "Country"), (3, "Phone")} <= found
    assert (3, "Pre") in found  # not a number
    assert (3, "Post") in found  # 30 > 20
    assert not any(p.row == 4 for p in problems)
    assert all(p.message for p in problems)
    assert str(problems[0]).startswith("row 2")


def test_a_sheet_without_a_name_column_or_attendance_is_a_file_problem():
    _rows, problems, _ = parse(sheet_csv([["x"]], headers=["Organisation"]), THREE)
    messages = " ".join(p.message for p in problems)
    assert all(p.row is None for p in problems)
    assert "No name column" in messages
    assert "several sessions" in messages


def test_a_present_column_needs_the_session_when_there_are_several():
    content = sheet_csv([["A B", "public", "yes"]], headers=["Name", "Group", "Present"])
    _rows, problems, _ = parse(content, THREE)
    assert problems and problems[0].row is None
    rows, problems, _ = parse(content, THREE, session_id=22)
    assert problems == [] and rows[0].attendance == {22: True}


def test_session_numbers_and_dates_must_exist():
    headers = ["Name", "Group", "Session 4", "2015-01-01"]
    _rows, problems, _ = parse(sheet_csv([["A", "public", "x", "x"]], headers=headers), THREE)
    assert [p.column for p in problems] == ["Session 4", "2015-01-01"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("Name\nA\n".encode("utf-16"), "UTF-8"),
        (b"PK\x03\x04 not really a workbook", "XLSX"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content, message):
    table, problems = importers.read_table("s.csv", content)
    assert table is None and message in problems[0].message


def test_a_file_beyond_a_size_limit_is_refused_as_such():
    with pytest.raises(importers.LimitExceeded, match="larger"):
        importers.read_table("s.csv", b"x" * (importers.MAX_BYTES + 1))


def test_yes_no_and_scores():
    assert importers.parse_yes_no("Oui") is True
    assert importers.parse_yes_no("لا") is False
    assert importers.parse_yes_no(" ") is None
    with pytest.raises(ValueError):
        importers.parse_yes_no("maybe")
    assert importers.parse_score("١٥") == (Decimal(15), None)
    assert importers.parse_score("7,5/10") == (Decimal("7.5"), Decimal(10))
    with pytest.raises(ValueError):
        importers.parse_score("NaN")


def test_exported_cells_cannot_run_as_formulas():
    content = tabular.write_csv(["Name"], [["=HYPERLINK(1)"], ["+961 3 1"]])
    assert "'=HYPERLINK(1)" in content.decode("utf-8-sig")
    # ... and the apostrophe is taken off again on the way back in.
    table, _ = importers.read_table("x.csv", content)
    assert table is not None
    assert table.rows[0][1] == ["=HYPERLINK(1)"]
