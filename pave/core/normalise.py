"""Normalisation of names, phone numbers and identity numbers for blind-index search.

Pure Python (no Django): the same input typed by different people on different keyboards
must give the same key, so that an HMAC of it can be searched without storing the clear text.
"""

import re
import unicodedata

# Arabic diacritics (tashkeel), superscript alef and tatweel carry no identity.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0629": "\u0647",  # ta marbuta -> ha
        "\u0649": "\u064a",  # alef maqsura -> ya
        "\u0624": "\u0648",  # waw with hamza -> waw
        "\u0626": "\u064a",  # ya with hamza -> ya
        "\u06cc": "\u064a",  # Persian ya -> ya
        "\u06a9": "\u0643",  # Persian kaf -> kaf
    }
)
# Arabic-Indic and extended Arabic-Indic digits, as typed on Arabic keyboards.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.,'’`\"/()]+")


def normalise_name(text: str) -> str:
    """Fold case, Latin diacritics and Arabic letter variants; collapse separators to spaces."""
    text = text.translate(_ARABIC_LETTERS)
    text = _ARABIC_MARKS.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD splits e.g. alef-with-hamza into alef + combining hamza; recompose what is left.
    folded = unicodedata.normalize("NFC", stripped).casefold()
    folded = folded.replace("ß", "ss")
    return _SEPARATORS.sub(" ", folded).strip()


def name_tokens(*parts: str) -> list[str]:
    """Distinct normalised tokens of the given name parts, in first-seen order."""
    tokens: list[str] = []
    for part in parts:
        words = normalise_name(part or "").split()
        # "Abd Allah" is also found as "Abdallah" (and عبد الله as عبدالله).
        for token in [*words, "".join(words)] if len(words) > 1 else words:
            if token not in tokens:
                tokens.append(token)
    return tokens


def search_tokens(text: str) -> list[str]:
    """Tokens of a search query: each typed word must match one of a person's name tokens."""
    return list(dict.fromkeys(normalise_name(text).split()))


def normalise_phone(text: str) -> str:
    """Digits only, with a leading international 00 folded into the bare country code."""
    digits = re.sub(r"\D", "", text.translate(_DIGITS))
    if digits.startswith("00"):
        digits = digits[2:]
    return digits


def normalise_identifier(text: str) -> str:
    """Identity and passport numbers: upper case, Latin digits, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text.translate(_DIGITS)).upper()
    return re.sub(r"[^0-9A-Z\u0600-\u06ff]", "", text)
