"""Certificates of participation: verification codes, initials and the PDF.

The PDF is WeasyPrint's rendering of `training/certificate.html` with fonts shipped in
`pave/training/fonts` (Noto Sans and Noto Naskh Arabic, OFL), so an Arabic name is shaped
and laid out right-to-left on any machine, with or without system fonts. WeasyPrint may
read those font files and nothing else: no network, no other file.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits: not guessable by trying
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {
    ("Noto Sans", 400): "NotoSans-Regular.ttf",
    ("Noto Sans", 700): "NotoSans-Bold.ttf",
    ("Noto Naskh Arabic", 400): "NotoNaskhArabic-Regular.ttf",
    ("Noto Naskh Arabic", 700): "NotoNaskhArabic-Bold.ttf",
}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What was typed (any case, with dashes or spaces, O for 0) as the stored code."""
    return re.sub(r"[\s\-]", "", text or "").upper().translate(_READ_AS)


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def initials(name: str) -> str:
    """The initials of the first and last word of a name ("Nour Al-Hassan" -> "N. A.")."""
    words = [word for word in re.split(r"[\s\-]+", name or "") if word]
    if not words:
        return ""
    chosen = [words[0], words[-1]] if len(words) > 1 else words
    return " ".join(f"{word[0].upper()}." for word in chosen)


def direction(text: str) -> str:
    """ "rtl" when the first strongly directional character is right-to-left (Arabic,
    Hebrew…), else "ltr": what `dir="auto"` would decide in a browser."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def font_faces() -> str:
    """@font-face rules pointing at the shipped font files (file:// URLs)."""
    rules = []
    for (family, weight), filename in FONT_FILES.items():
        uri = (FONTS_DIR / filename).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{uri}"); }}'
        )
    return "\n".join(rules)


def _fonts_only_fetcher() -> Any:
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - heavy (Pango); only PDFs need it

    allowed = {(FONTS_DIR / filename).as_uri() for filename in FONT_FILES.values()}

    class FontsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"certificates load only their fonts, not {url}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file"})


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here (its Pango and HarfBuzz libraries are missing)."""


def _weasyprint() -> Any:
    # Imported here: loading Pango takes a moment and only certificates need it.
    try:
        import weasyprint  # noqa: PLC0415 - may fail without Pango; only PDFs need it
    except OSError as exc:
        raise PdfUnavailable(
            "PDF certificates need the Pango library (Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 libharfbuzz0b)."
        ) from exc
    return weasyprint


def render_pdf(context: dict[str, Any]) -> bytes:
    """The certificate as PDF bytes. `context` is the template's (see services)."""
    weasyprint = _weasyprint()
    html = render_to_string("training/certificate.html", {**context, "font_faces": font_faces()})
    document = weasyprint.HTML(string=html, url_fetcher=_fonts_only_fetcher())
    return document.write_pdf()
