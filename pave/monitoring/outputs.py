"""A report in each output format: json, csv, xlsx, html and pdf (bytes or text)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, translation
from django_countries import countries

from pave.interop import tabular
from pave.monitoring import charts
from pave.monitoring.selectors import PUBLIC, Report, report_build

FORMATS = ("json", "html", "pdf", "xlsx", "csv")
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FONTS = Path(__file__).resolve().parent.parent / "training" / "fonts"
STYLESHEET = Path(__file__).resolve().parent / "static" / "monitoring" / "factsheet.css"

# The factsheet is a publication in one language chosen per output (not the reader's UI
# language), so its few fixed phrases travel with it.
TEXT = {
    "en": {
        "title": "Assistance in numbers",
        "period": "Period",
        "to": "to",
        "indicator": "Indicator",
        "value": "Value",
        "target": "Target",
        "progress": "Progress to target",
        "by_sex_age": "Migrants assisted by sex and age",
        "trend": "Migrants assisted per month",
        "by_country": "Migrants assisted by nationality",
        "women": "Women",
        "men": "Men",
        "minors": "Minors",
        "other": "Other or not known",
        "suppressed": "fewer than {n}",
        "note_public": "Counts below {n}, and the counts that would reveal them, are suppressed.",
        "note_internal": "Internal: contains small counts; not for publication.",
        "donor": "Funded by",
    },
    "ar": {
        "title": "المساعدة بالأرقام",
        "period": "الفترة",
        "to": "إلى",
        "indicator": "المؤشر",
        "value": "القيمة",
        "target": "الهدف",
        "progress": "التقدّم نحو الهدف",
        "by_sex_age": "المهاجرون الذين تلقّوا المساعدة حسب الجنس والعمر",
        "trend": "المهاجرون الذين تلقّوا المساعدة شهرياً",
        "by_country": "المهاجرون الذين تلقّوا المساعدة حسب الجنسية",
        "women": "نساء",
        "men": "رجال",
        "minors": "قاصرون",
        "other": "غير ذلك أو غير معروف",
        "suppressed": "أقل من {n}",
        "note_public": "حُجبت الأعداد الأقل من {n} والأعداد التي قد تكشف عنها.",
        "note_internal": "داخلي: يتضمن أعداداً صغيرة؛ ليس للنشر.",
        "donor": "بتمويل من",
    },
}


def as_json(report: Report) -> str:
    return tabular.json_text(report.as_json())


def table_rows(report: Report) -> list[list[Any]]:
    """One row per indicator total and per disaggregation category."""
    rows: list[list[Any]] = [
        ["project", "from", "to", "indicator", "label", "category", "value", "target", "suppressed"]
    ]
    head = [report.project.code, report.period.start.isoformat(), report.period.end.isoformat()]
    for result in report.indicators:
        rows.append(
            [
                *head,
                result.code,
                result.label,
                "total",
                result.value,
                result.target,
                result.value is None,
            ]
        )
        for category, n in result.disaggregation.items():
            rows.append([*head, result.code, result.label, category, n, "", n is None])
    return rows


def as_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark; text cells guarded against formulas (pave.interop)."""
    header, *rows = table_rows(report)
    return tabular.write_csv(header, rows)


def as_xlsx(report: Report) -> bytes:
    """A one-sheet workbook, "Indicators": numbers as number cells, text guarded."""
    header, *rows = table_rows(report)
    return tabular.write_xlsx(header, rows, title="Indicators")


def _country_name(code: str, text: dict[str, str]) -> str:
    """The country's name in the active language (the factsheet's), else the code."""
    if code == "unknown":
        return text["other"]
    return str(countries.name(code)) or code


def _month_label(key: str) -> str:
    """ "2014-05" as the active language writes a month ("May 2014", "مايو 2014")."""
    try:
        year, month = (int(part) for part in key.split("-"))
        return formats.date_format(datetime.date(year, month, 1), "M Y")
    except ValueError:
        return key


def factsheet_context(report: Report, *, language: str = "en") -> dict[str, Any]:
    text = TEXT["ar" if language == "ar" else "en"]
    rtl = language == "ar"
    hidden = text["suppressed"].format(n=report.threshold)
    label = (lambda r: r.label_ar or r.label) if rtl else (lambda r: r.label)
    rows = [(label(r), r.value, r.target) for r in report.indicators]
    context: dict[str, Any] = {
        "report": report,
        "text": text,
        "language": "ar" if rtl else "en",
        "rtl": rtl,
        "hidden": hidden,
        "public": report.audience == PUBLIC,
        "note": (
            text["note_public"] if report.audience == PUBLIC else text["note_internal"]
        ).format(n=report.threshold),
        "rows": [(label(r), r) for r in report.indicators],
        "progress_svg": charts.progress_bars(
            [row for row in rows if row[2]], title=text["progress"], rtl=rtl, hidden_label=hidden
        ),
    }
    assisted = report.charted
    if assisted is not None:
        sex_age = assisted.breakdowns.get("sex_age", {})
        context["sex_age_svg"] = charts.stacked_bar(
            [(text.get(k, k), sex_age.get(k, 0)) for k in ("women", "men", "minors")],
            title=text["by_sex_age"],
            rtl=rtl,
            hidden_label=hidden,
        )
        context["trend_svg"] = charts.line(
            [(_month_label(k), n) for k, n in assisted.breakdowns.get("month", {}).items()],
            title=text["trend"],
            rtl=rtl,
            hidden_label=hidden,
        )
        by_country = sorted(
            (
                (_country_name(code, text), n)
                for code, n in assisted.breakdowns.get("citizenship", {}).items()
            ),
            key=lambda kv: -(kv[1] or 0),
        )
        context["country_svg"] = charts.bars(
            by_country, title=text["by_country"], rtl=rtl, hidden_label=hidden
        )
    return context


def _inline_css() -> str:
    """The factsheet's stylesheet with the fonts it embeds, for the PDF and a saved file."""
    faces = "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{FONTS.as_uri()}/{file}"); }}\n'
        for family, weight, file in (
            ("Noto Sans", "normal", "NotoSans-Regular.ttf"),
            ("Noto Sans", "bold", "NotoSans-Bold.ttf"),
            ("Noto Naskh Arabic", "normal", "NotoNaskhArabic-Regular.ttf"),
            ("Noto Naskh Arabic", "bold", "NotoNaskhArabic-Bold.ttf"),
        )
    )
    return faces + STYLESHEET.read_text(encoding="utf-8")


def as_html(report: Report, *, language: str = "en", web: bool = False) -> str:
    """A standalone document; `web` links the stylesheet instead (served pages may not
    carry inline styles, and the reader's browser has its own fonts)."""
    with translation.override(language):
        return render_to_string(
            "monitoring/factsheet.html",
            {
                **factsheet_context(report, language=language),
                "inline_css": "" if web else _inline_css(),
            },
        )


def as_pdf(report: Report, *, language: str = "en") -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - heavy (Pango); only PDFs need it

    return HTML(string=as_html(report, language=language)).write_pdf()


def render(report: Report, fmt: str, *, language: str = "en", web: bool = False) -> bytes:
    if fmt == "json":
        return as_json(report).encode()
    if fmt == "csv":
        return as_csv(report)
    if fmt == "xlsx":
        return as_xlsx(report)
    if fmt == "html":
        return as_html(report, language=language, web=web).encode()
    if fmt == "pdf":
        return as_pdf(report, language=language)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def build_for_output(fmt: str, **kwargs: Any) -> Report:
    """The report with the charts' breakdowns when the format draws charts."""
    return report_build(charts=fmt in ("html", "pdf"), **kwargs)
