"""Random but reproducible people: the factsheet's 89 and the bulk generator's synthetic
migrants, as the person and case fields `case_open` accepts."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from pave.demo import data
from pave.demo.common import Weighted

CITIZENSHIP = Weighted(data.GENERATE_CITIZENSHIP)
SOURCES = Weighted(data.IDENTIFICATION_SOURCES)
CASE_TYPES = Weighted(data.CASE_TYPES)
WOMEN_EXPLOITATION = Weighted(data.EXPLOITATION_OF_WOMEN)
WOMEN_INDUSTRY = Weighted(data.WOMEN_INDUSTRIES)
MEN_INDUSTRY = Weighted(data.MEN_INDUSTRIES)
# HTCDS "decided by": General Security (non-police government), a partner NGO, or other.
DECIDED_BY = Weighted([("NonPoliceGovernmentalOrganization", 60), ("NGO", 25), ("Other", 15)])
LEBANESE_MOBILE_PREFIXES = ("03", "70", "71", "76", "78", "79", "81")


@dataclass(frozen=True)
class Profile:
    """Who a synthetic person is before the names and details are drawn."""

    sex: str
    citizenship: str
    minor: bool
    identification_date: datetime.date


def _birth_date(rng: random.Random, profile: Profile) -> datetime.date:
    if profile.minor:
        years = 16 if rng.random() < 0.5 else rng.choice((14, 15, 17))
    else:
        years = min(max(int(rng.gauss(29, 6.5)), 19), 55)
    days = years * 365.25 + rng.randint(20, 340)
    return profile.identification_date - datetime.timedelta(days=int(days))


def _other_names(rng: random.Random, nationality: data.Nationality, given: str, family: str) -> str:
    arabic = [nationality.arabic.get(given), nationality.arabic.get(family)]
    if all(arabic) and rng.random() < 0.6:
        return " ".join(a for a in arabic if a)
    return ""


def _phone(rng: random.Random) -> str:
    digits = f"{rng.randrange(1_000_000):06d}"
    return f"+961 {rng.choice(LEBANESE_MOBILE_PREFIXES)} {digits[:3]} {digits[3:]}"


def _methods(rng: random.Random, case_type: str) -> list[str]:
    scale = 0.4 if case_type == "vulnerable_migrant" else 1.0
    chosen = [
        code for code, percent in data.METHODS_OF_CONTROL if rng.random() < percent / 100 * scale
    ]
    if not chosen and case_type != "vulnerable_migrant":
        chosen = ["WithholdsDocuments"]
    return chosen


def _trafficking_status(rng: random.Random, case_type: str) -> tuple[str, str]:
    if case_type == "victim_of_trafficking":
        if rng.random() < 0.7:
            return "ActualVictimOfTrafficking", DECIDED_BY(rng)
        return "PossibleVictimOfTrafficking", ""
    if case_type == "exploited_migrant_worker" and rng.random() < 0.5:
        return "NotAVictimOfTrafficking", DECIDED_BY(rng)
    return "", ""


def synthetic_person(
    rng: random.Random, profile: Profile, *, identity_number: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Person and case fields (as case_open accepts them) for one synthetic migrant."""
    nationality = data.NATIONALITIES[profile.citizenship]
    given = rng.choice(nationality.women if profile.sex == "female" else nationality.men)
    family = rng.choice(nationality.family)
    person: dict[str, Any] = {
        "given_name": given,
        "family_name": family,
        "other_names": _other_names(rng, nationality, given, family),
        "sex": profile.sex,
        "gender": "Feminine" if profile.sex == "female" else "Masculine",
        "citizenship": [nationality.code],
        "languages": list(nationality.languages[: rng.choice((1, 1, 2))]),
        # A third have no papers with them: the employer kept the passport.
        "identity_number": identity_number if rng.random() < 0.7 else "",
        "phone": _phone(rng) if rng.random() < 0.6 else "",
        "address": rng.choice(data.ADDRESSES) if rng.random() < 0.4 else "",
    }
    if profile.minor or rng.random() < 0.75:
        person["birth_date"] = _birth_date(rng, profile)
    else:
        person["age_estimate"] = min(max(int(rng.gauss(30, 6)), 20), 55)
    return person, _case_fields(rng, profile)


def _case_fields(rng: random.Random, profile: Profile) -> dict[str, Any]:
    case_type = "victim_of_trafficking" if profile.minor else CASE_TYPES(rng)
    status, decided_by = _trafficking_status(rng, case_type)
    if profile.minor:
        exploitation = ["ForcedLabour", "ChildLabour"]
    elif profile.sex == "female":
        exploitation = list(WOMEN_EXPLOITATION(rng))
    else:
        exploitation = ["ForcedLabour"]
    source = "screening" if profile.minor else SOURCES(rng)
    return {
        "case_type": case_type,
        "country": "LB",
        "trafficking_status": status,
        "trafficking_status_decided_by": decided_by,
        "types_of_exploitation": exploitation if case_type != "vulnerable_migrant" else [],
        "methods_of_control": _methods(rng, case_type),
        "industry": (WOMEN_INDUSTRY if profile.sex == "female" else MEN_INDUSTRY)(rng),
        "country_of_recruitment": profile.citizenship,
        "country_of_exploitation": "LB",
        "identification_source": source,
        "identification_date": profile.identification_date,
        "summary": f"{data.SOURCE_SUMMARY[source]} Synthetic demo record.",
    }


def stage_for(rng: random.Random, identified: datetime.date, as_of: datetime.date) -> str:
    """A plausible stage for a case identified `as_of - identified` days ago."""
    age = (as_of - identified).days
    if age > 240:
        pairs = [("closed", 70), ("closed_referred", 10), ("follow_up", 20)]
    elif age > 120:
        pairs = [("follow_up", 40), ("closed", 35), ("assistance", 25)]
    elif age > 45:
        pairs = [("assistance", 60), ("follow_up", 25), ("assessed", 15)]
    else:
        pairs = [("assistance", 45), ("assessed", 35), ("identified", 20)]
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def demo_profiles(rng: random.Random) -> list[Profile]:
    """The factsheet's 89: 85 adult women, 3 adult men, 1 girl of 16, July 2013 – June 2014."""
    people = [("female", code, False) for code, n in data.DEMO_WOMEN.items() for _ in range(n)]
    people += [("male", code, False) for code, n in data.DEMO_MEN.items() for _ in range(n)]
    people.append(("female", data.DEMO_MINOR_CITIZENSHIP, True))
    rng.shuffle(people)
    dates = sorted(
        datetime.date(year, month, rng.randint(1, 28))
        for (year, month), count in data.DEMO_MONTHS
        for _ in range(count)
    )
    return [
        Profile(sex, code, minor, day)
        for (sex, code, minor), day in zip(people, dates, strict=True)
    ]


def fix_minor_age(person: dict[str, Any], profile: Profile) -> None:
    """The factsheet's minor was a girl of 16 at identification, not 14 or 17."""
    if profile.minor:
        person["birth_date"] = profile.identification_date - datetime.timedelta(days=16 * 365 + 100)
