"""`pave report assistance-in-numbers` in every format."""

import csv
import datetime
import io
import json
import shutil
import subprocess
import zipfile
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from pave.monitoring import outputs
from pave.testing import run_pave


def report(*args):
    code, out, err = run_pave("report", "assistance-in-numbers", *args)
    assert code == 0, err
    return out


def test_json_is_the_factsheet(demo):
    data = json.loads(report("--project", "PAVE"))
    assert data["period"] == {"from": "2013-02-01", "to": "2015-01-31"}
    assisted = data["indicators"][0]
    assert assisted == {
        "code": "migrants_assisted",
        "label": "Exploited, trafficked or vulnerable migrants received direct assistance",
        "value": 89,
        "target": 150,
        "disaggregation": {"men": 3, "minors": 1, "women": 85},
        "suppressed": False,
    }


def test_public_json_is_suppressed(demo):
    data = json.loads(report("--audience", "public"))
    assert data["indicators"][0]["disaggregation"] == {"men": None, "minors": None, "women": 85}


def test_dates_limit_the_period(demo):
    data = json.loads(report("--from", "2013-07-01", "--to", "2014-06-30"))
    assert data["period"] == {"from": "2013-07-01", "to": "2014-06-30"}
    assert data["indicators"][0]["value"] == 89


def test_csv_is_readable(demo):
    rows = list(csv.DictReader(io.StringIO(report("--format", "csv"))))
    total = next(
        r for r in rows if r["indicator"] == "migrants_assisted" and r["category"] == "total"
    )
    assert (total["value"], total["target"]) == ("89", "150")


def test_xlsx_is_a_workbook_with_the_numbers(demo, tmp_path):
    path = tmp_path / "report.xlsx"
    report("--format", "xlsx", "--output", str(path))
    with zipfile.ZipFile(path) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    rows = sheet.findall(".//x:row", ns)
    cells = [
        c.findtext(".//x:t", namespaces=ns) or c.findtext("x:v", namespaces=ns) for c in rows[1]
    ]
    assert cells[3:8] == ["migrants_assisted", cells[4], "total", "89", "150"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pdf_has_the_numbers_as_text(demo, tmp_path, language):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "factsheet.pdf"
    report("--format", "pdf", "--language", language, "--output", str(path))
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "89" in text and "150" in text
    if language == "ar":
        assert "المساعدة" in text or "ةدعاسملا" in text


def test_html_factsheet_has_charts_and_mirrors_in_arabic(demo):
    english = report("--format", "html")
    arabic = report("--format", "html", "--language", "ar")
    assert english.count("<svg") == 4 == english.count('role="img" aria-label="')
    assert english.count('direction="ltr"') == 4 and "<desc>Women: 85; Men: 3; Minors: 1" in english
    # Each chart states its direction: anchors then mean the same in a browser and a PDF.
    assert 'dir="rtl"' in arabic and arabic.count('direction="rtl"') == 4
    assert "المساعدة بالأرقام" in arabic and "<desc>نساء: 85" in arabic
    # The trend's months are written the way each language writes them.
    assert ">Jul 2013</text>" in english and ">يوليو 2013</text>" in arabic
    # A saved file stands alone: its styles and fonts are inside it.
    assert "<style>@font-face" in english and "NotoNaskhArabic-Regular.ttf" in english


def test_unknown_project_is_an_error(demo):
    code, _out, err = run_pave("report", "assistance-in-numbers", "--project", "NOPE")
    assert code != 0 and "no project" in err


def _fake_report(label):
    indicator = SimpleNamespace(
        code="migrants_assisted",
        label=label,
        value=89,
        target=150,
        disaggregation={"women": 85, "men": None},
    )
    period = SimpleNamespace(start=datetime.date(2013, 2, 1), end=datetime.date(2015, 1, 31))
    return SimpleNamespace(
        project=SimpleNamespace(code="PAVE"), period=period, indicators=[indicator]
    )


def test_xlsx_keeps_its_sheet_name_header_and_number_cells():
    workbook = load_workbook(io.BytesIO(outputs.as_xlsx(_fake_report("المهاجرون"))))
    assert workbook.sheetnames == ["Indicators"]
    rows = [list(row) for row in workbook["Indicators"].iter_rows(values_only=True)]
    assert rows[0] == outputs.table_rows(_fake_report(""))[0]
    assert rows[1] == [
        *("PAVE", "2013-02-01", "2015-01-31", "migrants_assisted", "المهاجرون", "total"),
        *(89, 150, False),
    ]
    # A suppressed count is an empty cell; numbers are number cells, not text.
    assert rows[3][6] is None and isinstance(rows[2][6], int)


def test_csv_and_xlsx_cells_cannot_run_as_formulas():
    report = _fake_report("=HYPERLINK(1)")
    text = outputs.render(report, "csv").decode("utf-8-sig")
    assert ",'=HYPERLINK(1),total,89,150," in text
    sheet = load_workbook(io.BytesIO(outputs.render(report, "xlsx")))["Indicators"]
    assert sheet["E2"].value == "'=HYPERLINK(1)" and sheet["E2"].data_type == "s"


def test_csv_has_a_byte_order_mark_for_spreadsheet_programs():
    assert outputs.render(_fake_report("x"), "csv").startswith("\ufeff".encode())
