"""Reading CSV and XLSX into a header and rows, and the errors that stop a file being read."""

from __future__ import annotations

import codecs
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from pave.interop import tabular
from pave.interop.messages import read_error_message
from pave.interop.tabular import ReadError


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_with_or_without_bom_and_any_delimiter(bom, delimiter):
    text = delimiter.join(["الاسم", "Sex"]) + "\n" + delimiter.join(["نور", "F"]) + "\n"
    table = tabular.read_table("s.csv", bom + text.encode("utf-8"))
    assert table.headers == ["الاسم", "Sex"]
    assert table.rows == [(2, ["نور", "F"])]


def test_blank_rows_are_skipped_and_short_rows_padded():
    table = tabular.read_table("s.csv", b"\n\nName,Sex,Org\n,,\nA\n")
    assert table.header_row == 3
    assert table.rows == [(5, ["A", "", ""])]


def test_xlsx_cells_are_text_as_typed():
    content = xlsx(
        [["Name", "Score", "Day"], [" Nour ", 15.0, datetime.datetime(2014, 6, 10)], ["x", 7.5]]
    )
    table = tabular.read_table("sheet.xlsx", content)
    assert table.rows == [(2, ["Nour", "15", "2014-06-10"]), (3, ["x", "7.5", ""])]


def test_an_xlsx_file_is_known_by_its_content_whatever_its_name():
    assert tabular.read_table("upload", xlsx([["Name"], ["A"]])).rows == [(2, ["A"])]


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"", "empty", "The file is empty."),
        (b"  \n ", "empty", "The file is empty."),
        ("Name\nA\n".encode("utf-16"), "not_utf8", "The file is not UTF-8 text"),
        (b"PK\x03\x04 not really a workbook", "not_xlsx", "not an XLSX file"),
        (b"x" * (tabular.MAX_BYTES + 1), "too_large", "larger than 1000 kB"),
        (b"Name\n" + b"x" * 200_000, "damaged_csv", "The CSV file is damaged: field larger"),
    ],
)
def test_unreadable_files_raise_a_read_error_with_a_code(content, code, message):
    with pytest.raises(ReadError) as caught:
        tabular.read_table("s.csv", content)
    assert caught.value.code == code
    assert message in str(caught.value) and message in read_error_message(caught.value)


def test_too_many_rows_and_no_header():
    with pytest.raises(ReadError) as caught:
        tabular.read_table("s.csv", b"Name\nA\nB\nC\n", max_rows=2)
    assert caught.value.code == "too_many_rows"
    assert read_error_message(caught.value) == "More than 2 rows."
    with pytest.raises(ReadError) as caught:
        tabular.read_table("s.xlsx", xlsx([[None, None]]))
    assert caught.value.code == "no_header"


def test_limits_are_the_callers():
    with pytest.raises(ReadError) as caught:
        tabular.read_table("s.csv", b"Name\nA\n", max_bytes=4)
    assert read_error_message(caught.value) == "The file is larger than 0 kB."


def test_messages_are_in_the_active_language():
    with pytest.raises(ReadError) as caught:
        tabular.read_table("s.csv", b"")
    with translation.override("fr"):
        french = read_error_message(caught.value)
    assert french and french != "The file is empty."
