"""Hostile workbooks for the upload-limit tests: small on disk, huge once unpacked or read."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8"?>'
PACKAGE = "application/vnd.openxmlformats-package"
SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

PARTS = {
    "[Content_Types].xml": XML
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + f'<Default Extension="rels" ContentType="{PACKAGE}.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + f'<Override PartName="/xl/workbook.xml" ContentType="{SHEETML}.sheet.main+xml"/>'
    + '<Override PartName="/xl/worksheets/sheet1.xml" '
    + f'ContentType="{SHEETML}.worksheet+xml"/>'
    + '<Override PartName="/xl/sharedStrings.xml" '
    + f'ContentType="{SHEETML}.sharedStrings+xml"/>'
    + "</Types>",
    "_rels/.rels": XML + f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": XML + f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": XML + f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
}


def workbook(sheet_data: str, shared: list[str] = (), *, dimension: str = "") -> bytes:  # type: ignore[assignment]
    """A minimal workbook: `sheet_data` is the worksheet's <sheetData> content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            XML + f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{sheet_data}</sheetData></worksheet>',
        )
        strings = "".join(f"<si><t>{text}</t></si>" for text in shared)
        archive.writestr(
            "xl/sharedStrings.xml",
            XML + f'<sst xmlns="{MAIN}" count="{len(shared)}" uniqueCount="{len(shared)}">'
            f"{strings}</sst>",
        )
    return buffer.getvalue()


def shared_string_bomb(megabytes: int = 400) -> bytes:
    """A workbook whose one cell is a shared string of `megabytes` MB of "A": about 1 kB on
    disk per MB unpacked (400 MB: 390 kB), under any upload limit on the file itself."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            XML + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
            '<c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        )
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'{XML}<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode())
            chunk = b"A" * 1_000_000
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return buffer.getvalue()


def lying_directory(content: bytes, part: str, declared: int) -> bytes:
    """`content` with the central directory's unpacked size of `part` replaced by `declared`
    (the local header keeps the truth): a bomb that hides from a directory check."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(part)
    data = bytearray(content)
    signature = b"PK\x01\x02"
    position = data.find(signature)
    while position != -1:
        name_length = int.from_bytes(data[position + 28 : position + 30], "little")
        name = bytes(data[position + 46 : position + 46 + name_length]).decode()
        if name == part:
            assert int.from_bytes(data[position + 24 : position + 28], "little") == info.file_size
            data[position + 24 : position + 28] = declared.to_bytes(4, "little")
            return bytes(data)
        position = data.find(signature, position + 4)
    raise KeyError(part)
