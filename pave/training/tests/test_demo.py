"""The factsheet's training and outreach, rebuilt from raw sign-in sheets."""

from __future__ import annotations

import pytest
from django.db.models import Q

from pave.accounts.services import organisation_create
from pave.core.codelists import Sex
from pave.demo.training import demo_activities, training_demo_load
from pave.testing import make_user
from pave.training import selectors
from pave.training.models import Attendance, Event, EventType, Participant, StakeholderGroup
from pave.training.tests.conftest import D
from pave.training.tests.oracle import Fact, count_participants

pytestmark = pytest.mark.django_db

FACTSHEET = {
    "government_officer": 36,
    "civil_society": 89,
    "consular": 8,
    "journalist": 15,
    "policy_delegate": 19,
    "public": 80,
}


@pytest.fixture
def loaded():
    organisations = {
        code: organisation_create(actor="cli:demo", code=code, name=name, type=kind, country="LB")
        for code, name, kind in [
            ("IOM-LB", "IOM Lebanon", "InternationalOrganisation"),
            ("GSD-LB", "General Directorate of General Security", "ImmigrationService"),
            ("EU-LB", "Delegation of the European Union to Lebanon", "InternationalOrganisation"),
        ]
    }
    # pave.demo passes (Organisation, Office) pairs; plain organisations work too.
    pairs = {code: (org, None) for code, org in organisations.items()}
    result = training_demo_load(actor="cli:demo", organisations=pairs)
    return organisations, result


def aggregate(organisation, **kw):
    kw.setdefault("date_from", None)
    kw.setdefault("date_to", None)
    return selectors.participants_aggregate(organisation=organisation, **kw)


def test_the_factsheet_numbers_come_out_of_the_sheets(loaded):
    organisations, result = loaded
    counts = aggregate(organisations["IOM-LB"])
    assert counts["by_stakeholder_group"] == FACTSHEET
    assert counts["participants"] == sum(FACTSHEET.values()) == result.participants
    # More rows on the sheets than people: repeat attendance is not counted twice.
    assert result.rows > counts["attendances"] > counts["participants"]
    trained = aggregate(
        organisations["IOM-LB"], event_types=["training_workshop", "media_workshop"]
    )
    assert trained["participants"] == 36 + 89 + 8 + 15  # "trained over 140 individuals"


def test_the_same_numbers_hold_for_the_project_period(loaded):
    organisations, _ = loaded
    period = aggregate(organisations["IOM-LB"], date_from=D(2013, 7, 1), date_to=D(2014, 6, 30))
    assert period["by_stakeholder_group"] == FACTSHEET


def test_the_activities_have_their_real_dates_and_places(loaded):
    dialogue = Event.objects.get(event_type="policy_dialogue")
    assert (str(dialogue.country), dialogue.city) == ("JO", "Amman")
    assert [s.date for s in dialogue.sessions.order_by("date")] == [
        D(2014, 6, 10),
        D(2014, 6, 11),
        D(2014, 6, 12),
    ]
    countries = aggregate(dialogue.organisation, event_types=["policy_dialogue"])["by_country"]
    assert set(countries) == {"EG", "IQ", "JO", "SA", "KW", "LB"}
    gsd = Event.objects.get(title__startswith="Victim identification and protection for front")
    sessions = list(gsd.sessions.order_by("date"))
    assert len(sessions) == 3 and sessions[0].date.month == 10 and sessions[-1].date.year == 2014
    assert all(s.end_date == s.date.replace(day=s.date.day + 1) for s in sessions)  # two days
    assert {p.name for p in gsd.partners.all()} >= {"General Directorate of General Security"}
    media = Event.objects.get(event_type="media_workshop")
    assert "United Nations Information Centre" in " ".join(p.name for p in media.partners.all())
    cso = Event.objects.filter(title__contains="civil society")
    assert sorted(str(e.country) for e in cso) == ["EG", "IQ", "JO", "LB", "LB"]


def test_officers_names_are_in_arabic_and_certificates_were_issued(loaded):
    _organisations, result = loaded
    officers = list(Participant.objects.filter(stakeholder_group="government_officer"))
    assert all("\u0600" <= p.full_name[0] <= "\u06ff" for p in officers)
    # One per person and event: the fourteen at both Beirut workshops hold two.
    assert result.certificates == 36 + (89 + 14) + 8 + 15


def test_the_demo_is_deterministic():
    def snapshot():
        return [
            (
                a.data["title"],
                [(p.name, present) for sheet in a.sheets for p, present in sheet.people],
            )
            for a in demo_activities()
        ]

    assert snapshot() == snapshot()


def test_the_donor_sees_the_suppressed_counts_of_the_events_it_funds(loaded):
    organisations, _ = loaded
    eva = make_user("eva", organisations["EU-LB"], "donor_viewer")
    scope = selectors.aggregate_scope(user=eva, organisation_code="IOM-LB")
    result = selectors.suppress_aggregate(
        aggregate(organisations["IOM-LB"], partner=scope.partner), threshold=5
    )
    assert result["by_stakeholder_group"] == FACTSHEET  # large enough to publish
    assert result["by_country"]["KW"] is None  # three Kuwaiti delegates


def _oracle(organisation, *, date_from, date_to, event_types=(), groups=(), partner=None):
    """The aggregate's counts by the plain-Python loop over every sign-in row."""
    rows = Attendance.objects.filter(present=True, session__event__organisation=organisation)
    if event_types:
        rows = rows.filter(session__event__event_type__in=event_types)
    if groups:
        rows = rows.filter(participant__stakeholder_group__in=groups)
    if partner is not None:
        rows = rows.filter(session__event__in=Event.objects.filter(partners=partner))
    if date_to:
        rows = rows.filter(session__date__lte=date_to)
    if date_from:
        rows = rows.filter(
            Q(session__end_date__gte=date_from)
            | Q(session__end_date__isnull=True, session__date__gte=date_from)
        )
    facts = rows.values_list(
        "participant_id",
        "participant__sex",
        "participant__stakeholder_group",
        "participant__country",
        "session__event__event_type",
        "session__event_id",
        "session_id",
    )
    return count_participants(
        (Fact(*row) for row in facts),
        sexes=Sex.values,
        groups=StakeholderGroup.values,
        event_types=EventType.values,
    )


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"date_from": D(2013, 7, 1), "date_to": D(2014, 6, 30)},
        {"date_from": D(2013, 10, 30), "date_to": D(2013, 10, 30)},  # a session's second day
        {"date_from": D(2014, 1, 1)},
        {"date_to": D(2013, 12, 31)},
        {"event_types": ["training_workshop", "media_workshop"]},
        {"groups": ["government_officer", "journalist"], "date_from": D(2014, 1, 1)},
        {"partner": "GSD-LB"},
        {"partner": "EU-LB", "event_types": ["awareness_session"]},
    ],
)
def test_the_counting_engine_counts_what_the_sign_in_rows_say(loaded, kw):
    """The aggregates come from the counting engine (pave.core.counting) in two queries;
    counted row by row in Python, the sheets give the same numbers, cell for cell."""
    organisations, _ = loaded
    kw = {"date_from": None, "date_to": None, **kw}
    if "partner" in kw:
        kw["partner"] = organisations[kw["partner"]]
    groups = kw.pop("groups", ())
    counted = aggregate(organisations["IOM-LB"], stakeholder_groups=groups, **kw)
    expected = _oracle(organisations["IOM-LB"], groups=groups, **kw)
    assert {key: counted[key] for key in expected} == expected
    assert counted["participants"] > 0


def test_an_aggregate_takes_two_queries_whatever_the_number_of_rows(
    loaded, django_assert_num_queries
):
    organisations, _ = loaded
    # People, breakdowns, attendances, events and sessions in one statement; knowledge tests.
    with django_assert_num_queries(2):
        aggregate(organisations["IOM-LB"], partner=organisations["GSD-LB"])
