"""The factsheet's capacity building and outreach, rebuilt from raw records.

`training_demo_load` records the PAVE project's activities to 30 June 2014 as a programme
would: each event and its sessions, then the sign-in sheets, imported through the same
importer a trainer uses (so people who came to several sessions are matched, not counted
twice). The counts that come out are the factsheet's:

* 36 government front-line officers — three two-day sessions with Lebanon's General
  Security (October 2013 to January 2014); two officers came back for a refresher and one
  missed his session and came to the next, so 40 sheet rows are 36 people;
* 89 civil-society actors — five two-day workshops in Lebanon, Egypt, Jordan and Iraq
  (February 2013 to April 2014). The fourteen trained in Beirut in February 2013, before
  the project began in July 2013, came back for the April 2014 workshop: 103 rows, 89
  people, and 89 whether the period starts in February or in July 2013;
* 8 embassy and consular staff — one workshop for labour attachés (February 2014);
* 15 journalists — a media workshop with the UN Information Centre (June 2014);
* 19 delegates from Egypt, Iraq, Jordan, Saudi Arabia, Kuwait and Lebanon — the first
  regional policy dialogue, Amman, 10–12 June 2014;
* 80 people at three awareness sessions (four came twice: 84 rows).

Everything is deterministic (a fixed seed) except the certificates' verification codes,
which are random by design. Names are fictional; the General Security officers' sheets are
in Arabic, as such sheets are.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from pave.accounts.models import Organisation
from pave.accounts.services import organisation_create
from pave.core.audit import Actor
from pave.demo.training_sheets import NameBook, Person, Sheet, draw_phone, draw_scores, draw_sexes
from pave.training import importers, services
from pave.training.models import Event, Participant, Session

DEMO_SEED = 20140730  # World Day against Trafficking in Persons, 2014
ORGANISER = "IOM-LB"
# Partners the demo creates when the caller's organisations do not include them.
EXTRA_ORGANISATIONS = {
    "UNIC-BEY": ("United Nations Information Centre, Beirut", "InternationalOrganisation", "LB"),
    "JO-NCPHT": (
        "National Committee for the Prevention of Human Trafficking, Jordan",
        "CentralGovernmentOrganisation",
        "JO",
    ),
}

# --- the activities --------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionSpec:
    date: datetime.date
    end_date: datetime.date | None = None
    title: str = ""
    venue: str = ""


@dataclass
class Activity:
    """An event as recorded: its details, sessions and sign-in sheets."""

    data: dict[str, Any]
    partners: Sequence[str]
    sessions: Sequence[SessionSpec]
    sheets: list[Sheet]
    certificates: bool = False


D = datetime.date
GSD_NAME = "المديرية العامة للأمن العام"  # the General Directorate of General Security
RANKS = ["ملازم أول", "نقيب", "رائد", "رقيب", "رقيب أول", "مساعد", "معاون"]


def _gsd_training(rng: random.Random, names: NameBook) -> Activity:
    officers = [
        Person(
            name=names.draw("LB", sex, arabic=True),
            sex=sex,
            organisation=GSD_NAME,
            group="government_officer",
            country="LB",
            title=rng.choice(RANKS),
            phone=draw_phone(rng) if rng.random() < 0.5 else "",
            scores=draw_scores(rng),
        )
        for sex in draw_sexes(rng, women=6, men=30)
    ]
    sheets = [
        Sheet(session=n, people=[(p, True) for p in officers[12 * n : 12 * n + 12]])
        for n in range(3)
    ]
    # One officer could not come to his session and came to the next; two came back for
    # the last session as a refresher: 40 rows on the sheets, 36 people.
    late = officers[19]
    sheets[1].people[7] = (late, False)
    sheets[2].people += [(late, True), (officers[2], True), (officers[6], True)]
    return Activity(
        data={
            "title": "Victim identification and protection for front-line officers",
            "event_type": "training_workshop",
            "country": "LB",
            "city": "Beirut",
            "topics": [
                "victim identification",
                "investigation and prosecution",
                "Law No. 164/2011",
                "case management at the detention centre",
                "access to assistance",
            ],
            "description": "Three two-day sessions with the Directorate General of General "
            "Security for officers working at the migrant detention centre (investigation, "
            "case management and database management).",
        },
        partners=["GSD-LB", "EU-LB"],
        sessions=[
            SessionSpec(D(2013, 10, 29), D(2013, 10, 30), "Session 1", "General Security, Adlieh"),
            SessionSpec(D(2013, 12, 10), D(2013, 12, 11), "Session 2", "General Security, Adlieh"),
            SessionSpec(D(2014, 1, 21), D(2014, 1, 22), "Session 3", "General Security, Adlieh"),
        ],
        sheets=sheets,
        certificates=True,
    )


CSO = {
    "LB": [
        "Beirut Migrant Support",
        "Cedar Legal Aid",
        "Sisters of Mercy Migrant Centre",
        "Migrant Domestic Workers' Legal Clinic",
        "Bourj Hammoud Community Committee",
        "Syndicate of Recruitment Agencies",
    ],
    "EG": [
        "Nile Legal Aid Foundation",
        "Heliopolis Community Services",
        "Cairo Centre for Migrant Rights",
        "St. Mark Refugee and Migrant Outreach",
    ],
    "JO": [
        "Amman Workers' Rights Centre",
        "Jordan Legal Aid Network",
        "Zarqa Community Protection Group",
    ],
    "IQ": [
        "Erbil Human Rights Monitoring Group",
        "Kurdistan Migrant Protection Network",
        "Baghdad Legal Counsel Association",
    ],
}
CSO_TITLES = ["Lawyer", "Counsellor", "Outreach worker", "Protection officer", "Case worker"]


def _cso_people(
    rng: random.Random, names: NameBook, country: str, women: int, men: int
) -> list[Person]:
    return [
        Person(
            name=names.draw(country, sex),
            sex=sex,
            organisation=rng.choice(CSO[country]),
            group="Civil society",
            country=country,
            title=rng.choice(CSO_TITLES),
            scores=draw_scores(rng),
        )
        for sex in draw_sexes(rng, women, men)
    ]


def _civil_society(rng: random.Random, names: NameBook) -> list[Activity]:
    plan = [
        ("LB", "Beirut", SessionSpec(D(2013, 2, 19), D(2013, 2, 20)), 9, 5),
        ("EG", "Cairo", SessionSpec(D(2013, 11, 12), D(2013, 11, 13)), 12, 7),
        ("JO", "Amman", SessionSpec(D(2014, 1, 14), D(2014, 1, 15)), 10, 9),
        ("IQ", "Erbil", SessionSpec(D(2014, 3, 4), D(2014, 3, 5)), 10, 8),
        ("LB", "Beirut", SessionSpec(D(2014, 4, 8), D(2014, 4, 9)), 12, 7),
    ]
    activities: list[Activity] = []
    first_beirut: list[Person] = []
    for number, (country, city, session, women, men) in enumerate(plan, start=1):
        people = _cso_people(rng, names, country, women, men)
        if number == 1:
            first_beirut = people
        elif number == 5:
            people += first_beirut  # the February 2013 group came back
        activities.append(
            Activity(
                data={
                    "title": f"Victim identification and protection for civil society ({city})",
                    "event_type": "training_workshop",
                    "country": country,
                    "city": city,
                    "topics": [
                        "victim identification",
                        "domestic workers",
                        "monitoring human rights violations",
                        "continued care",
                    ],
                    "other_partners": "Embassy of the Philippines in Cairo"
                    if country == "EG"
                    else "",
                },
                partners=["EU-LB"],
                sessions=[session],
                sheets=[Sheet(session=0, people=[(p, True) for p in people])],
                certificates=True,
            )
        )
    return activities


EMBASSY_STAFF = [
    ("Cristina Reyes", "female", "Embassy of the Philippines in Lebanon", "PH", "Labour attaché"),
    ("Dawit Alemayehu", "male", "Consulate General of Ethiopia, Beirut", "ET", "Consul"),
    (
        "Chaminda Perera",
        "male",
        "Embassy of Sri Lanka in Lebanon",
        "LK",
        "First Secretary (Labour)",
    ),
    ("Farzana Akter", "female", "Embassy of Bangladesh in Lebanon", "BD", "Labour Counsellor"),
    ("Ramesh Adhikari", "male", "Honorary Consulate of Nepal, Beirut", "NP", "Labour attaché"),
    ("Hery Rakotomalala", "male", "Consulate of Madagascar, Beirut", "MG", "Consul"),
    ("Grace Wanjiku", "female", "Consulate of Kenya, Beirut", "KE", "Welfare officer"),
    ("Jean-Paul Mbarga", "male", "Consulate of Cameroon, Beirut", "CM", "Vice-consul"),
]


def _consular(rng: random.Random) -> Activity:
    people = [
        Person(
            name,
            sex,
            organisation,
            "Embassy or consular staff",
            country,
            title,
            scores=draw_scores(rng),
        )
        for name, sex, organisation, country, title in EMBASSY_STAFF
    ]
    return Activity(
        data={
            "title": "Victim identification for labour attachés and consular staff",
            "event_type": "training_workshop",
            "country": "LB",
            "city": "Beirut",
            "topics": ["Lebanese counter-trafficking law", "victim identification", "assistance"],
        },
        partners=["GSD-LB", "EU-LB"],
        sessions=[SessionSpec(D(2014, 2, 18), venue="IOM Lebanon, Jnah")],
        sheets=[Sheet(session=0, people=[(p, True) for p in people])],
        certificates=True,
    )


OUTLETS = [
    "Beirut Daily",
    "Cedar Television",
    "Levant Radio",
    "Al-Mashriq Weekly",
    "Lebanon Online News",
    "The Coastal Review",
]


def _media(rng: random.Random, names: NameBook) -> Activity:
    people = [
        Person(
            names.draw("LB", sex),
            sex,
            rng.choice(OUTLETS),
            "Journalist",
            "LB",
            rng.choice(["Reporter", "Editor", "Producer", "Correspondent"]),
        )
        for sex in draw_sexes(rng, women=8, men=7)
    ]
    return Activity(
        data={
            "title": "Victim-centred approaches in reporting cases of trafficking in persons",
            "event_type": "media_workshop",
            "country": "LB",
            "city": "Beirut",
            "topics": ["victim-centred reporting", "responsible reporting"],
            "other_partners": "Lebanese American University",
        },
        partners=["UNIC-BEY", "EU-LB"],
        sessions=[SessionSpec(D(2014, 6, 17), venue="UN House, Beirut")],
        sheets=[Sheet(session=0, people=[(p, True) for p in people], with_scores=False)],
        certificates=True,
    )


MINISTRIES = {
    "EG": ["Ministry of Manpower and Migration", "National Coordinating Committee (NCCPIM&TIP)"],
    "IQ": ["Ministry of Interior", "Ministry of Labour and Social Affairs"],
    "JO": ["Ministry of Labour", "Public Security Directorate", "Ministry of Justice"],
    "SA": ["Ministry of Labour", "Human Rights Commission"],
    "KW": ["Ministry of Interior", "Public Authority for Manpower"],
    "LB": ["Ministry of Labour", "General Security", "Ministry of Justice"],
}


def _dialogue(rng: random.Random, names: NameBook) -> Activity:
    per_country = {
        "EG": (1, 2),
        "IQ": (1, 2),
        "JO": (1, 3),
        "SA": (0, 3),
        "KW": (1, 2),
        "LB": (1, 2),
    }
    delegates = [
        Person(
            names.draw(country, sex),
            sex,
            rng.choice(MINISTRIES[country]),
            "Policy delegate",
            country,
            "Senior official",
        )
        for country, (women, men) in per_country.items()
        for sex in draw_sexes(rng, women, men)
    ]
    days = [D(2014, 6, 10), D(2014, 6, 11), D(2014, 6, 12)]
    sheets = [
        Sheet(session=n, people=[(p, True) for p in delegates], with_scores=False) for n in range(3)
    ]
    for index in (4, 11):  # two delegates had to leave before the last day
        sheets[2].people[index] = (delegates[index], False)
    return Activity(
        data={
            "title": "First regional policy dialogue: a protection framework for trafficked "
            "victims and exploited migrants",
            "event_type": "policy_dialogue",
            "country": "JO",
            "city": "Amman",
            "topics": ["regional protection framework", "prosecution", "victim protection"],
        },
        partners=["JO-NCPHT", "EU-LB"],
        sessions=[SessionSpec(day, title=f"Day {n}") for n, day in enumerate(days, start=1)],
        sheets=sheets,
    )


def _awareness(rng: random.Random, names: NameBook) -> list[Activity]:
    def public(country: str, sex: str) -> Person:
        return Person(names.draw(country, sex), sex, "", "Public", country)

    sessions = [
        (D(2013, 12, 18), "Bourj Hammoud", "International Migrants Day", 18, 12),
        (D(2014, 3, 8), "Beirut", "International Women's Day", 18, 10),
        (D(2014, 5, 1), "Jounieh", "Labour Day", 14, 8),
    ]
    activities, first = [], []
    for number, (day, city, occasion, women, men) in enumerate(sessions, start=1):
        people = []
        for sex in draw_sexes(rng, women, men):
            country = rng.choices(["LB", "ET", "PH", "LK"], weights=[70, 12, 12, 6])[0]
            people.append(public(country, sex))
        if number == 1:
            first = people
        if number == 3:
            people += first[:4]  # came to two sessions
        activities.append(
            Activity(
                data={
                    "title": f"Awareness session: migrant workers' rights ({occasion})",
                    "event_type": "awareness_session",
                    "country": "LB",
                    "city": city,
                    "topics": ["migrant workers' rights", "xenophobia and discrimination"],
                },
                partners=["EU-LB"],
                sessions=[SessionSpec(day)],
                sheets=[Sheet(session=0, people=[(p, True) for p in people], with_scores=False)],
            )
        )
    return activities


def demo_activities(seed: int = DEMO_SEED) -> list[Activity]:
    """The factsheet's activities as events, sessions and sign-in sheets (no database)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fictional records, not secrets
    names = NameBook(rng)
    return [
        _gsd_training(rng, names),
        *_civil_society(rng, names),
        _consular(rng),
        _media(rng, names),
        _dialogue(rng, names),
        *_awareness(rng, names),
    ]


# --- loading ---------------------------------------------------------------------------------


@dataclass
class DemoResult:
    events: list[Event]
    rows: int
    participants: int
    certificates: int


def _organisation(value: Any) -> Organisation:
    """The caller's organisations map codes to Organisation or (Organisation, Office)."""
    return value[0] if isinstance(value, tuple) else value


def _partners(actor: Actor, known: dict[str, Organisation], codes: Sequence[str]) -> list[int]:
    ids = []
    for code in codes:
        if code not in known:
            existing = Organisation.objects.filter(code=code).first()
            if existing is None and code in EXTRA_ORGANISATIONS:
                name, kind, country = EXTRA_ORGANISATIONS[code]
                existing = organisation_create(
                    actor=actor, code=code, name=name, type=kind, country=country
                )
            if existing is None:
                continue  # a partner the caller's demo does not have: leave it out
            known[code] = existing
        ids.append(known[code].pk)
    return ids


def _record(
    actor: Actor, organiser: Organisation, known: dict[str, Organisation], activity: Activity
) -> tuple[Event, int]:
    data = {**activity.data, "partners": _partners(actor, known, activity.partners)}
    event = services.event_create(actor=actor, data=data, organisation=organiser)
    sessions: list[Session] = [
        services.session_add(
            actor=actor,
            event_id=event.pk,
            date=spec.date,
            end_date=spec.end_date,
            title=spec.title,
            venue=spec.venue,
        )
        for spec in activity.sessions
    ]
    rows = 0
    for sheet in activity.sheets:
        report = services.participants_import(
            actor=actor,
            event_id=event.pk,
            filename=f"sign-in-{event.pk}-{sheet.session + 1}.csv",
            content=sheet.csv(),
            dry_run=False,
            defaults=importers.Defaults(
                session_id=sessions[sheet.session].pk, max_score=Decimal(20)
            ),
        )
        rows += len(report.rows)
    return event, rows


@transaction.atomic
def training_demo_load(*, actor: Actor, organisations: Mapping[str, Any]) -> DemoResult:
    """Record the factsheet's training and outreach for the organiser IOM-LB.

    `organisations` maps codes to the demo's organisations (Organisation objects, or
    (Organisation, Office) pairs as pave.demo creates them); it must hold IOM-LB. Partners
    it lacks are created (UNIC-BEY, JO-NCPHT) or, if unknown, left out.
    """
    known = {code: _organisation(value) for code, value in organisations.items()}
    organiser = known[ORGANISER]
    events, rows, certificates = [], 0, 0
    for activity in demo_activities():
        event, sheet_rows = _record(actor, organiser, known, activity)
        events.append(event)
        rows += sheet_rows
        if activity.certificates:
            last_day = max(spec.end_date or spec.date for spec in activity.sessions)
            certificates += len(
                services.certificates_issue(actor=actor, event_id=event.pk, issued_on=last_day)
            )
    participants = Participant.objects.filter(organisation=organiser).count()
    return DemoResult(events, rows, participants, certificates)
