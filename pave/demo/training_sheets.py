"""The training demo's raw material: fictional names and the sign-in sheets they sign.

A sheet is what a trainer imports (the same CSV columns), so the demo's participants go
through the training app's importer like real ones.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from pave.interop import tabular

HEADERS = [
    "Name",
    "Sex",
    "Organisation",
    "Stakeholder group",
    "Country",
    "Title",
    "Phone",
    "Pre score",
    "Post score",
]

# --- fictional names -------------------------------------------------------------------------

ARABIC_LB = {
    "male": [
        "محمد",
        "علي",
        "حسن",
        "حسين",
        "أحمد",
        "خالد",
        "جورج",
        "إيلي",
        "طوني",
        "شربل",
        "ربيع",
        "وسام",
        "زياد",
        "رامي",
        "فادي",
        "نبيل",
        "سامر",
        "جهاد",
        "بلال",
        "عماد",
    ],
    "female": ["ريما", "نادين", "هبة", "رنا", "كارين", "ميراي", "زينب", "فاطمة", "لارا", "جويل"],
    "family": [
        "الحسيني",
        "خوري",
        "حداد",
        "نصر",
        "موسى",
        "شمس الدين",
        "الزين",
        "فرحات",
        "سلامة",
        "عيسى",
        "يونس",
        "حمادة",
        "ضاهر",
        "قاسم",
        "بو خليل",
        "طربيه",
        "الحاج",
        "سليمان",
    ],
}
LATIN = {
    "LB": {
        "male": [
            "Karim",
            "Rami",
            "Fadi",
            "Ziad",
            "Hadi",
            "Nabil",
            "Walid",
            "Georges",
            "Elias",
            "Marwan",
            "Samir",
            "Jad",
            "Charbel",
            "Bassel",
            "Ramzi",
        ],
        "female": [
            "Maya",
            "Rania",
            "Nour",
            "Lina",
            "Hiba",
            "Joelle",
            "Carla",
            "Dima",
            "Sara",
            "Zeina",
            "Rima",
            "Layal",
            "Mireille",
            "Nadine",
            "Racha",
            "Tania",
        ],
        "family": [
            "Khoury",
            "Saad",
            "Karam",
            "Azar",
            "Hajj",
            "Matar",
            "Fakhoury",
            "Rahme",
            "Daher",
            "Sfeir",
            "Tannous",
            "Moussa",
            "Ghanem",
            "Abboud",
            "Baz",
            "Sleiman",
            "Kassab",
            "Nassif",
            "Hayek",
            "Makhoul",
            "Younes",
            "Salameh",
            "Bitar",
        ],
    },
    "EG": {
        "male": [
            "Ahmed",
            "Mohamed",
            "Mahmoud",
            "Mostafa",
            "Amr",
            "Tamer",
            "Sherif",
            "Hany",
            "Youssef",
            "Omar",
            "Hossam",
        ],
        "female": [
            "Mona",
            "Heba",
            "Nermeen",
            "Yasmin",
            "Salma",
            "Aya",
            "Marwa",
            "Rasha",
            "Ghada",
            "Dalia",
        ],
        "family": [
            "Abdel-Rahman",
            "El-Sayed",
            "Hassan",
            "Fathy",
            "Gamal",
            "Soliman",
            "Farouk",
            "Ibrahim",
            "Naguib",
            "Shalaby",
            "Zaki",
            "Helmy",
            "Ragab",
        ],
    },
    "JO": {
        "male": [
            "Omar",
            "Khaled",
            "Faisal",
            "Ayman",
            "Laith",
            "Zaid",
            "Rakan",
            "Hamza",
            "Saif",
            "Anas",
        ],
        "female": ["Rana", "Lubna", "Dana", "Reem", "Haya", "Ruba", "Tala", "Suha", "Areej"],
        "family": [
            "Al-Khatib",
            "Haddadin",
            "Al-Masri",
            "Obeidat",
            "Al-Zoubi",
            "Qudah",
            "Al-Rawashdeh",
            "Tarawneh",
            "Bataineh",
            "Khasawneh",
        ],
    },
    "IQ": {
        "male": [
            "Ali",
            "Haider",
            "Mustafa",
            "Karwan",
            "Dilshad",
            "Sarmad",
            "Muhannad",
            "Ammar",
            "Hussein",
            "Rebwar",
            "Shwan",
        ],
        "female": ["Zainab", "Noor", "Shadan", "Avin", "Huda", "Sara", "Rozhan", "Tara", "Lana"],
        "family": [
            "Al-Jubouri",
            "Al-Obaidi",
            "Hamid",
            "Rashid",
            "Aziz",
            "Kareem",
            "Salih",
            "Qadir",
            "Al-Tamimi",
            "Othman",
        ],
    },
    "SA": {
        "male": ["Abdullah", "Fahad", "Saud", "Turki", "Nasser", "Mansour"],
        "female": ["Nora", "Hessa"],
        "family": ["Al-Qahtani", "Al-Ghamdi", "Al-Otaibi", "Al-Harbi", "Al-Shehri", "Al-Dossari"],
    },
    "KW": {
        "male": ["Bader", "Jassim", "Khaled", "Yousef", "Talal"],
        "female": ["Dalal", "Shaikha"],
        "family": ["Al-Mutairi", "Al-Enezi", "Al-Ajmi", "Al-Rashidi", "Al-Kandari"],
    },
    "ET": {
        "male": ["Dawit", "Yonas", "Abebe"],
        "female": ["Tigist", "Hiwot", "Meseret", "Selam", "Bethlehem"],
        "family": ["Bekele", "Tesfaye", "Haile", "Girma", "Alemu", "Desta"],
    },
    "PH": {
        "male": ["Jose", "Mark"],
        "female": ["Maricel", "Rowena", "Jocelyn", "Analyn", "Cristina"],
        "family": ["Santos", "Reyes", "Dela", "Cruz", "Bautista", "Villanueva"],
    },
    "LK": {
        "male": ["Chaminda", "Nuwan"],
        "female": ["Nilmini", "Kumari", "Sanduni"],
        "family": ["Perera", "Fernando", "Silva", "Jayasuriya"],
    },
}


class NameBook:
    """Distinct fictional names per country and script, drawn in a reproducible order."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, country: str, sex: str, *, arabic: bool = False) -> str:
        pool = ARABIC_LB if arabic else LATIN[country]
        combos = list(itertools.product(pool[sex], pool["family"]))
        self.rng.shuffle(combos)
        for given, family in combos:
            name = f"{given} {family}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise ValueError(f"no fictional {sex} name left for {country}")


# --- people and sheets -----------------------------------------------------------------------


@dataclass
class Person:
    name: str
    sex: str
    organisation: str
    group: str
    country: str
    title: str = ""
    phone: str = ""
    scores: tuple[Decimal, Decimal] | None = None

    def row(self, *, with_scores: bool) -> list[str]:
        pre, post = self.scores if (with_scores and self.scores) else ("", "")
        return [
            self.name,
            self.sex,
            self.organisation,
            self.group,
            self.country,
            self.title,
            self.phone,
            str(pre),
            str(post),
        ]


@dataclass
class Sheet:
    """One sign-in sheet: who signed for a session (present or not)."""

    session: int  # index of the session in its event (0-based)
    people: list[tuple[Person, bool]] = field(default_factory=list)
    with_scores: bool = True

    def csv(self) -> bytes:
        return tabular.write_csv(
            [*HEADERS, "Present"],
            (
                [*person.row(with_scores=self.with_scores), "yes" if present else "no"]
                for person, present in self.people
            ),
        )


def draw_scores(rng: random.Random, top: int = 20) -> tuple[Decimal, Decimal]:
    """A plausible pre-test score out of `top` and a post-test a few points higher."""
    pre = min(max(rng.gauss(0.45 * top, 0.12 * top), 0.15 * top), 0.85 * top)
    post = min(pre + max(rng.gauss(0.25 * top, 0.1 * top), 0), top)
    return Decimal(round(pre * 2) / 2), Decimal(round(post * 2) / 2)


def draw_phone(rng: random.Random, code: str = "961") -> str:
    return f"+{code} {rng.choice(('3', '70', '71', '76', '78'))} {rng.randrange(10**6):06d}"


def draw_sexes(rng: random.Random, women: int, men: int) -> list[str]:
    sexes = ["female"] * women + ["male"] * men
    rng.shuffle(sexes)
    return sexes
