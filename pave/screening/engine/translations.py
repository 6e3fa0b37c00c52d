"""Translations of titles and labels (display data only: assessing never reads them)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pave.screening.engine.errors import InstrumentError

# The language of every ``title`` and ``label``; translations are keyed by other codes.
SOURCE_LANGUAGE = "en"
# ISO 639-1: the codes a translation may be keyed by (two letters; ``bh`` is deprecated).
ISO_639_1 = frozenset(
    [
        "aa",
        "ab",
        "ae",
        "af",
        "ak",
        "am",
        "an",
        "ar",
        "as",
        "av",
        "ay",
        "az",
        "ba",
        "be",
        "bg",
        "bh",
        "bi",
        "bm",
        "bn",
        "bo",
        "br",
        "bs",
        "ca",
        "ce",
        "ch",
        "co",
        "cr",
        "cs",
        "cu",
        "cv",
        "cy",
        "da",
        "de",
        "dv",
        "dz",
        "ee",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "ff",
        "fi",
        "fj",
        "fo",
        "fr",
        "fy",
        "ga",
        "gd",
        "gl",
        "gn",
        "gu",
        "gv",
        "ha",
        "he",
        "hi",
        "ho",
        "hr",
        "ht",
        "hu",
        "hy",
        "hz",
        "ia",
        "id",
        "ie",
        "ig",
        "ii",
        "ik",
        "io",
        "is",
        "it",
        "iu",
        "ja",
        "jv",
        "ka",
        "kg",
        "ki",
        "kj",
        "kk",
        "kl",
        "km",
        "kn",
        "ko",
        "kr",
        "ks",
        "ku",
        "kv",
        "kw",
        "ky",
        "la",
        "lb",
        "lg",
        "li",
        "ln",
        "lo",
        "lt",
        "lu",
        "lv",
        "mg",
        "mh",
        "mi",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "my",
        "na",
        "nb",
        "nd",
        "ne",
        "ng",
        "nl",
        "nn",
        "no",
        "nr",
        "nv",
        "ny",
        "oc",
        "oj",
        "om",
        "or",
        "os",
        "pa",
        "pi",
        "pl",
        "ps",
        "pt",
        "qu",
        "rm",
        "rn",
        "ro",
        "ru",
        "rw",
        "sa",
        "sc",
        "sd",
        "se",
        "sg",
        "si",
        "sk",
        "sl",
        "sm",
        "sn",
        "so",
        "sq",
        "sr",
        "ss",
        "st",
        "su",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "ti",
        "tk",
        "tl",
        "tn",
        "to",
        "tr",
        "ts",
        "tt",
        "tw",
        "ty",
        "ug",
        "uk",
        "ur",
        "uz",
        "ve",
        "vi",
        "vo",
        "wa",
        "wo",
        "xh",
        "yi",
        "yo",
        "za",
        "zh",
        "zu",
    ]
)


Translations = Mapping[str, str]
NO_TRANSLATIONS: Translations = MappingProxyType({})


def no_translations() -> Translations:
    return NO_TRANSLATIONS


def language_of(tag: str | None) -> str:
    """The primary language of a language tag, lower case: ``"ar-LB"`` and ``"ar_LB"`` give
    ``"ar"``; None or ``""`` give ``""`` (which every lookup reads as English)."""
    if not tag:
        return ""
    return tag.replace("_", "-", 1).partition("-")[0].lower()


def translated(text: str, translations: Translations, lang: str | None) -> str:
    """``translations``' text for ``lang`` (a language tag), else the English ``text``."""
    if not lang or not translations:
        return text
    return translations.get(language_of(lang), text)


def check_translations(where: str, key: str, english_key: str, translations: object) -> None:
    """``translations`` maps ISO 639-1 codes other than ``en`` to non-empty texts."""
    if not isinstance(translations, Mapping):
        raise InstrumentError(f"{where}: {key!r} must map language codes to texts")
    for lang, text in translations.items():
        if isinstance(lang, bool):
            raise InstrumentError(
                f"{where}: {key!r} has the language code {lang!r}: quote the code"
                " (YAML reads an unquoted no, yes, on or off as true or false)"
            )
        if not isinstance(lang, str) or lang not in ISO_639_1:
            raise InstrumentError(
                f"{where}: {key!r} has unknown language code {lang!r}"
                " (use a lower-case two-letter ISO 639-1 code such as 'ar' or 'fr')"
            )
        if lang == SOURCE_LANGUAGE:
            raise InstrumentError(
                f"{where}: {key!r} must not hold {lang!r}: the English text is {english_key!r}"
            )
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(
                f"{where}: {key!r} text for {lang!r} must be a non-empty string, got {text!r}"
            )
