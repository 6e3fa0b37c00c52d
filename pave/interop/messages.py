"""File problems worded for people, in the active language (the one Django-aware part of
interop: pave.interop.tabular itself stays free of Django)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pave.interop.tabular import ReadError


def read_error_message(error: ReadError) -> str:
    """What stopped a file being read, translated (the msgids the training importer had)."""
    params = error.params
    match error.code:
        case "too_large":
            return _("The file is larger than %(n)s kB.") % {"n": params["limit_kb"]}
        case "empty":
            return _("The file is empty.")
        case "not_xlsx":
            return _("This is not an XLSX file that can be read.")
        case "not_utf8":
            return _("The file is not UTF-8 text: save it as “CSV UTF-8” and retry.")
        case "damaged_csv":
            return _("The CSV file is damaged: %(e)s") % {"e": params["detail"]}
        case "too_many_rows":
            return _("More than %(n)s rows.") % {"n": params["max_rows"]}
        case "no_header":
            return _("The file has no header row.")
        case "unpacked_too_large":
            return _("Unpacked, the workbook is larger than %(n)s MB.") % {"n": params["limit_mb"]}
        case "too_many_parts":
            return _("The workbook has more than %(n)s parts.") % {"n": params["limit"]}
        case "compression_ratio":
            return _("A part of the workbook is compressed more than %(n)s times.") % {
                "n": params["limit"]
            }
        case "too_many_columns":
            return _("More than %(n)s columns.") % {"n": params["max_columns"]}
        case "too_many_cells":
            return _("More than %(n)s filled cells.") % {"n": params["max_cells"]}
        case "cell_too_long":
            return _("Row %(row)s: a cell holds more than %(n)s characters.") % {
                "row": params["row"],
                "n": params["max_chars"],
            }
    return str(error)
