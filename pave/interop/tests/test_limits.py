"""No file can make reading exhaust memory or time: the zip directory is checked before
anything is unpacked, and rows, columns, cells and cell length are bounded while reading."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from pave.interop import tabular
from pave.interop.messages import read_error_message
from pave.interop.tests.bombs import lying_directory, shared_string_bomb, workbook

ONE_CELL = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def refused(content: bytes, filename: str = "s.xlsx") -> tabular.LimitExceeded:
    with pytest.raises(tabular.LimitExceeded) as caught:
        tabular.read_table(filename, content)
    return caught.value


def test_a_shared_string_bomb_is_refused_from_its_zip_directory_without_unpacking():
    bomb = shared_string_bomb(400)
    assert len(bomb) < tabular.MAX_BYTES  # passes the check on the file itself
    tracemalloc.start()
    try:
        error = refused(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "unpacked_too_large"
    assert read_error_message(error) == "Unpacked, the workbook is larger than 25 MB."
    assert peak < 5_000_000


def test_a_part_compressed_beyond_the_ratio_is_refused():
    content = workbook(ONE_CELL, ["A" * 5_000_000])
    assert refused(content).code == "compression_ratio"


def test_a_directory_that_lies_about_a_part_size_cannot_unpack_more_than_it_declared():
    content = lying_directory(workbook(ONE_CELL, ["A" * 50_000_000]), "xl/sharedStrings.xml", 900)
    tracemalloc.start()
    try:
        with pytest.raises(tabular.ReadError) as caught:
            tabular.read_table("s.xlsx", content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "not_xlsx"  # zipfile stops at 900 bytes: the CRC fails
    assert peak < 5_000_000


def test_a_declared_dimension_of_a_whole_sheet_is_not_padded_out():
    # openpyxl would pad every row to A1:XFD1048576: a million rows of 16,384 cells.
    content = workbook(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Nour</t></is></c></row>',
        dimension="A1:XFD1048576",
    )
    started = time.monotonic()
    table = tabular.read_table("s.xlsx", content)
    assert table.headers == ["Name"] and table.rows == [(2, ["Nour"])]
    assert time.monotonic() - started < 2


def test_too_many_columns_are_refused_in_xlsx_and_csv():
    far = '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="GS1"><v>1</v></c></row>'
    error = refused(workbook(far))  # GS is column 201
    assert error.code == "too_many_columns"
    assert read_error_message(error) == "More than 200 columns."
    assert refused(",".join(["x"] * 201).encode(), "s.csv").code == "too_many_columns"


def test_a_styled_empty_cell_far_to_the_right_is_no_column():
    content = workbook(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="XFD1" s="0"/></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Nour</t></is></c></row>'
    )
    assert tabular.read_table("s.xlsx", content).headers == ["Name"]


def test_too_many_filled_cells_are_refused():
    row = ",".join(["x"] * 100) + "\n"
    error = refused((row * 2600).encode(), "s.csv")
    assert error.code == "too_many_cells"
    assert read_error_message(error) == "More than 250000 filled cells."


def test_a_cell_longer_than_the_limit_is_refused_naming_its_row():
    error = refused(("Name\nA\n" + "x" * 10_001 + "\n").encode(), "s.csv")
    assert error.code == "cell_too_long"
    assert read_error_message(error) == "Row 3: a cell holds more than 10000 characters."


def test_a_file_over_the_size_limit_is_refused_as_a_limit():
    assert refused(b"x" * (tabular.MAX_BYTES + 1), "s.csv").code == "too_large"
