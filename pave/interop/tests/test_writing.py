"""Writing CSV (BOM, Arabic), XLSX (sheet name, types, round trip) and JSON."""

from __future__ import annotations

import codecs
import datetime
import io
import json
from decimal import Decimal

from openpyxl import load_workbook

from pave.interop import tabular

ARABIC = ["الاسم", "الجنس"], [["نور حداد", "أنثى"], ["علي حسن", "ذكر"]]


def test_csv_starts_with_a_byte_order_mark():
    content = tabular.write_csv(["Name"], [["A"]])
    assert content.startswith(codecs.BOM_UTF8)
    assert content == codecs.BOM_UTF8 + b"Name\r\nA\r\n"


def test_csv_with_arabic_text_decodes_with_utf8_sig():
    headers, rows = ARABIC
    text = tabular.write_csv(headers, rows).decode("utf-8-sig")
    assert text == "الاسم,الجنس\r\nنور حداد,أنثى\r\nعلي حسن,ذكر\r\n"


def test_csv_writes_none_as_an_empty_cell():
    assert tabular.write_csv(["a", "b"], [[None, 1]]).decode("utf-8-sig") == "a,b\r\n,1\r\n"


def test_xlsx_round_trip_keeps_sheet_name_header_text_and_numbers():
    rows = [["نور حداد", 8, Decimal("7.5"), True, None, datetime.date(2014, 6, 10)]]
    content = tabular.write_xlsx(["Name", "Pre", "Post", "Ok", "Blank", "Day"], rows, title="PAVE")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["PAVE"]
    values = [list(row) for row in workbook["PAVE"].iter_rows(values_only=True)]
    assert values[0] == ["Name", "Pre", "Post", "Ok", "Blank", "Day"]
    assert values[1][:5] == ["نور حداد", 8, 7.5, True, None]
    assert values[1][5].date() == datetime.date(2014, 6, 10)


def test_xlsx_round_trip_through_the_reader():
    headers, rows = ARABIC
    table = tabular.read_table("x.xlsx", tabular.write_xlsx(headers, rows, title="x"))
    assert table.headers == headers
    assert [cells for _n, cells in table.rows] == rows


def test_sheet_titles_are_made_acceptable_to_excel():
    assert tabular.sheet_title("Training: 2014/06 [Beirut]?") == "Training  2014 06  Beirut  "
    assert len(tabular.sheet_title("x" * 40)) == 31
    assert tabular.sheet_title("", "Participants") == "Participants"
    content = tabular.write_xlsx(["a"], [], title="", default_title="Participants")
    assert load_workbook(io.BytesIO(content)).sheetnames == ["Participants"]


def test_json_keeps_arabic_and_writes_decimals_and_dates():
    data = {
        "label": "المساعدة",
        "n": Decimal(3),
        "x": Decimal("2.5"),
        "d": datetime.date(2014, 1, 2),
    }
    text = tabular.write_json(data).decode("utf-8")
    assert "المساعدة" in text
    assert json.loads(text) == {"label": "المساعدة", "n": 3, "x": 2.5, "d": "2014-01-02"}
