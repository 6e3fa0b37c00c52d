"""The formula-injection guard, on its own and through the CSV and XLSX written."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pave.interop import tabular
from pave.interop.tabular.guard import DANGEROUS_PREFIXES, neutralise, restore

DANGEROUS = ["=SUM(A1:A9)", "+961 3 123456", "-2+3", "@SUM(1)", "\t=1", "\r=1"]
HARMLESS = ["Nour Haddad", "نور حداد", "", "'quoted", "a=b", "1-2"]
NUMBERS = [0, -5, 42, -1.5, 2.25, Decimal("-7.5"), Decimal(20)]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_every_dangerous_prefix_is_covered():
    assert set(DANGEROUS_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
    assert {text[0] for text in DANGEROUS} == set(DANGEROUS_PREFIXES)


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_run_as_a_formula_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("number", [*NUMBERS, True, False, None])
def test_numbers_are_never_altered(number):
    assert neutralise(number) is number


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_written_csv_holds_dangerous_text_quoted(text):
    rows = csv_rows(tabular.write_csv(["Name", "Note"], [[text, "ok"]]))
    assert rows == [["Name", "Note"], ["'" + text, "ok"]]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_written_xlsx_holds_dangerous_text_quoted_as_text(text):
    rows = xlsx_rows(tabular.write_xlsx(["Name", "Note"], [[text, "ok"]], title="People"))
    # XML reads a bare carriage return back as a line feed: the quote is what matters.
    assert rows == [["Name", "Note"], ["'" + text.replace("\r", "\n"), "ok"]]


def test_headers_are_guarded_too():
    assert csv_rows(tabular.write_csv(["=cmd"], []))[0] == ["'=cmd"]
    assert xlsx_rows(tabular.write_xlsx(["=cmd"], [], title="x"))[0] == ["'=cmd"]


def test_numbers_stay_numbers_in_csv():
    rows = csv_rows(tabular.write_csv(["n"] * len(NUMBERS), [NUMBERS]))
    assert rows[1] == ["0", "-5", "42", "-1.5", "2.25", "-7.5", "20"]


def test_numbers_stay_number_cells_in_xlsx():
    rows = xlsx_rows(tabular.write_xlsx(["n"] * len(NUMBERS), [NUMBERS], title="n"))
    assert rows[1] == [0, -5, 42, -1.5, 2.25, -7.5, 20]
    assert all(isinstance(value, int | float) for value in rows[1])


def test_no_cell_of_a_written_xlsx_is_a_formula():
    content = tabular.write_xlsx(["a"], [[text] for text in DANGEROUS], title="x")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)


def test_reading_takes_the_quote_off_again():
    rows = [[text] for text in DANGEROUS if not text.startswith("\r")]
    for content, name in (
        (tabular.write_csv(["Name"], rows), "x.csv"),
        (tabular.write_xlsx(["Name"], rows, title="x"), "x.xlsx"),
    ):
        table = tabular.read_table(name, content)
        assert [cells for _n, cells in table.rows] == rows
