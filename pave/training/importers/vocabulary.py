"""What sign-in sheets say, in English, French and Arabic: the headers PAVE recognises and
the values it accepts in cells (yes/no, sex, stakeholder group, country, scores).

Headers and values are compared after normalise_name (case, accents and punctuation do not
matter); docs/training.md lists them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import translation
from django_countries import countries

from pave.core import codelists
from pave.core.normalise import normalise_name
from pave.training.models import StakeholderGroup

LANGUAGES = ("en", "fr", "ar")

# Field -> header aliases (normalised with normalise_name before comparing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "name",
        "full name",
        "participant",
        "participant name",
        "nom",
        "nom complet",
        "nom et prenom",
        "prenom et nom",
        "الاسم",
        "الاسم الكامل",
        "اسم المشارك",
    ),
    "sex": ("sex", "gender", "sexe", "genre", "الجنس", "النوع"),
    "affiliation": (
        "organisation",
        "organization",
        "org",
        "organisme",
        "institution",
        "affiliation",
        "employer",
        "agency",
        "ministry",
        "المؤسسة",
        "الجهة",
        "المنظمة",
        "جهة العمل",
    ),
    "stakeholder_group": (
        "stakeholder group",
        "stakeholder",
        "group",
        "category",
        "groupe",
        "groupe cible",
        "categorie",
        "الفئة",
        "الفئة المستهدفة",
    ),
    "country": ("country", "nationality", "pays", "nationalite", "البلد", "الدولة", "الجنسية"),
    "title": (
        "title",
        "job title",
        "position",
        "function",
        "rank",
        "fonction",
        "titre",
        "poste",
        "grade",
        "المنصب",
        "الوظيفة",
        "الصفة",
        "الرتبة",
    ),
    "phone": (
        "phone",
        "telephone",
        "mobile",
        "tel",
        "phone number",
        "portable",
        "الهاتف",
        "رقم الهاتف",
        "الجوال",
    ),
    "email": ("email", "e mail", "mail", "courriel", "adresse e mail", "البريد الالكتروني"),
    "pre_score": (
        "pre score",
        "pre test",
        "pretest",
        "pre",
        "pre test score",
        "score pre test",
        "note pre test",
        "الاختبار القبلي",
    ),
    "post_score": (
        "post score",
        "post test",
        "posttest",
        "post",
        "post test score",
        "score post test",
        "note post test",
        "الاختبار البعدي",
    ),
    "max_score": (
        "max score",
        "maximum score",
        "maximum",
        "out of",
        "score max",
        "note maximale",
        "bareme",
        "الدرجة القصوى",
    ),
}
PRESENT_HEADERS = ("present", "attended", "attendance", "presence", "present e", "حاضر", "الحضور")

YES = {"yes", "y", "1", "x", "✓", "✔", "true", "present", "p", "oui", "o", "نعم", "حاضر", "حاضره"}
NO = {"no", "n", "0", "false", "absent", "a", "non", "لا", "غائب", "غائبه"}
SEXES = {
    "female": ("f", "female", "woman", "w", "femme", "feminin", "أنثى", "امرأة"),
    "male": ("m", "male", "man", "homme", "h", "masculin", "ذكر", "رجل"),
    "other": ("other", "autre", "اخر"),
    "unknown": ("unknown", "not known", "inconnu", "non connu", "غير معروف", "?"),
}
GROUP_ALIASES = {
    StakeholderGroup.GOVERNMENT_OFFICER: (
        "government",
        "gov",
        "government officer",
        "front line officer",
        "law enforcement",
        "police",
        "gouvernement",
        "حكومي",
    ),
    StakeholderGroup.CIVIL_SOCIETY: (
        "civil society",
        "cso",
        "ngo",
        "ong",
        "societe civile",
        "مجتمع مدني",
    ),
    StakeholderGroup.CONSULAR: (
        "embassy",
        "consular",
        "consulate",
        "labour attache",
        "labor attache",
        "ambassade",
        "سفاره",
    ),
    StakeholderGroup.JOURNALIST: ("journalist", "media", "press", "journaliste", "صحفي", "اعلامي"),
    StakeholderGroup.POLICY_DELEGATE: ("delegate", "policy", "delegue", "مندوب"),
    StakeholderGroup.PUBLIC: ("public", "community", "grand public", "عامه", "الجمهور"),
}


@lru_cache(maxsize=1)
def header_aliases() -> dict[str, str]:
    """Normalised header -> field name (or "present")."""
    aliases = {normalise_name(alias): name for name, values in COLUMNS.items() for alias in values}
    aliases.update({normalise_name(alias): "present" for alias in PRESENT_HEADERS})
    return aliases


@lru_cache(maxsize=1)
def _sex_values() -> dict[str, str]:
    values = {normalise_name(alias): code for code, aliases in SEXES.items() for alias in aliases}
    for language in LANGUAGES:
        with translation.override(language):
            values.update({normalise_name(str(label)): code for code, label in _sex_choices()})
    return values


def _sex_choices() -> list[tuple[str, Any]]:
    return list(codelists.Sex.choices)


@lru_cache(maxsize=1)
def _group_values() -> dict[str, str]:
    values = {normalise_name(code): code for code in StakeholderGroup.values}
    for code, aliases in GROUP_ALIASES.items():
        values.update({normalise_name(alias): str(code) for alias in aliases})
    for language in LANGUAGES:
        with translation.override(language):
            values.update(
                {normalise_name(str(label)): code for code, label in StakeholderGroup.choices}
            )
    return values


@lru_cache(maxsize=1)
def _country_values() -> dict[str, str]:
    values: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            values.update({normalise_name(str(name)): code for code, name in countries})
    values.update({"ksa": "SA", "uae": "AE", "uk": "GB", "usa": "US"})
    return values


def parse_sex(text: str) -> str | None:
    return _sex_values().get(normalise_name(text)) if text else "unknown"


def parse_group(text: str) -> str | None:
    return _group_values().get(normalise_name(text))


def parse_country(text: str) -> str | None:
    if len(text.strip()) in (2, 3) and text.strip().isalpha():
        code = countries.alpha2(text.strip())
        if code:
            return code
    return _country_values().get(normalise_name(text))


def parse_yes_no(text: str) -> bool | None:
    """True, False, or None for an empty cell; raises ValueError for anything else."""
    value = normalise_name(text)
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(text)


def parse_score(text: str) -> tuple[Decimal | None, Decimal | None]:
    """A score, optionally "15/20" (score out of maximum); raises ValueError if not a number."""
    value = _latin_digits(text).replace(",", ".").replace(" ", "")
    if not value:
        return None, None
    score, _slash, maximum = value.partition("/")
    try:
        parsed = Decimal(score), Decimal(maximum) if maximum else None
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not all(part is None or part.is_finite() for part in parsed):
        raise ValueError(text)
    return parsed


def _latin_digits(text: str) -> str:
    """Arabic-Indic digits (and decimal separator) as Latin ones, everything else kept."""
    return text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.")).strip()
