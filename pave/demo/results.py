"""The factsheet's project: PAVE at IOM Lebanon, its logframe, eight indicators and budget.

Project period 2013-02-01 → 2015-01-31: the factsheet calls PAVE "a two-year project" and
counts the civil-society workshops held "from February 2013" among its activities, so the
project's period starts with its first activity (the EU's "since July 2013" heading is the
direct-assistance component's start). A report with no dates covers this whole period;
`--from 2013-07-01` honestly leaves out the February–June 2013 workshops.

Targets other than the 150 migrants of the factsheet are invented for the demo.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from pave.accounts.models import Organisation
from pave.core.audit import Actor
from pave.monitoring import services
from pave.monitoring.models import NodeLevel, Project

START, END = datetime.date(2013, 2, 1), datetime.date(2015, 1, 31)
YEAR_ONE_END = datetime.date(2014, 1, 31)


def _participants(event_types: list[str], groups: list[str] | None = None, **extra: Any) -> dict:
    filters: dict[str, list[str]] = {"event_type": event_types}
    if groups:
        filters["stakeholder_group"] = groups
    return {
        "source": "participants",
        "count": "distinct_persons",
        "period_field": "event_date",
        "filters": filters,
        "disaggregations": ["sex", "country"],
        **extra,
    }


# code, label, Arabic label, output, definition, unit, (year-one target, final target)
INDICATORS: list[tuple[str, str, str, str, dict, str, tuple[int, int]]] = [
    (
        "migrants_assisted",
        "Exploited, trafficked or vulnerable migrants received direct assistance",
        "مهاجرون مستغَلّون أو ضحايا اتجار أو مستضعفون تلقّوا مساعدة مباشرة",
        "1.1",
        {
            "source": "services",
            "count": "distinct_persons",
            "period_field": "delivered_on",
            "filters": {"status": ["delivered"]},
            "disaggregations": ["sex_age"],
        },
        "persons",
        (60, 150),
    ),
    (
        "dialogue_delegates",
        "Delegates participating in the PAVE regional policy dialogues",
        "مندوبون شاركوا في الحوار الإقليمي حول السياسات",
        "3.1",
        _participants(["policy_dialogue"]),
        "persons",
        (0, 40),
    ),
    (
        "dialogue_countries",
        "Countries represented at the regional policy dialogues",
        "دول مُمثَّلة في الحوار الإقليمي حول السياسات",
        "3.1",
        {
            "source": "participants",
            "count": "distinct_values",
            "distinct_field": "country",
            "period_field": "event_date",
            "filters": {"event_type": ["policy_dialogue"]},
        },
        "countries",
        (0, 6),
    ),
    (
        "officers_trained",
        "Government front-line officers trained",
        "موظفون حكوميون في الخطوط الأمامية تلقّوا التدريب",
        "2.1",
        _participants(["training_workshop"], ["government_officer"]),
        "persons",
        (20, 60),
    ),
    (
        "civil_society_trained",
        "Civil-society actors trained in Egypt, Iraq, Jordan and Lebanon",
        "ناشطون في المجتمع المدني تلقّوا التدريب في مصر والعراق والأردن ولبنان",
        "2.2",
        _participants(["training_workshop"], ["civil_society"]),
        "persons",
        (50, 100),
    ),
    (
        "embassy_staff_trained",
        "Embassy staff members trained",
        "موظفو سفارات تلقّوا التدريب",
        "2.3",
        _participants(["training_workshop"], ["consular"]),
        "persons",
        (0, 15),
    ),
    (
        "journalists_trained",
        "Journalists trained",
        "صحفيون تلقّوا التدريب",
        "4.1",
        _participants(["media_workshop"], ["journalist"]),
        "persons",
        (0, 30),
    ),
    (
        "awareness_attendees",
        "Individuals attending awareness-raising sessions",
        "أشخاص حضروا جلسات التوعية",
        "4.2",
        _participants(["awareness_session"]),
        "persons",
        (0, 200),
    ),
]

LOGFRAME = [
    (
        "0",
        NodeLevel.OBJECTIVE,
        "",
        "Protection of migrant workers against exploitation and "
        "trafficking in the Middle East and North Africa",
    ),
    ("1", NodeLevel.OUTCOME, "0", "Vulnerable and exploited migrants reach durable solutions"),
    ("1.1", NodeLevel.OUTPUT, "1", "Direct assistance: return, recovery and reintegration"),
    ("2", NodeLevel.OUTCOME, "0", "Front-line actors identify and protect victims"),
    ("2.1", NodeLevel.OUTPUT, "2", "Government front-line officers trained"),
    ("2.2", NodeLevel.OUTPUT, "2", "Civil-society actors trained"),
    ("2.3", NodeLevel.OUTPUT, "2", "Embassy and consular staff trained"),
    ("3", NodeLevel.OUTCOME, "0", "Policy applies international human rights standards"),
    ("3.1", NodeLevel.OUTPUT, "3", "Regional policy dialogues held"),
    ("4", NodeLevel.OUTCOME, "0", "Less xenophobia towards and exclusion of migrant workers"),
    ("4.1", NodeLevel.OUTPUT, "4", "Journalists trained in victim-centred reporting"),
    ("4.2", NodeLevel.OUTPUT, "4", "Awareness-raising sessions held"),
]

# EUR 1.7 million (factsheet); the split over lines and the spending are invented.
BUDGET_LINES = [
    ("1", "Human resources", Decimal("520000")),
    ("2", "Direct assistance to migrants", Decimal("480000")),
    ("3", "Training and capacity building", Decimal("310000")),
    ("4", "Regional policy dialogues", Decimal("180000")),
    ("5", "Awareness and media", Decimal("90000")),
    ("6", "Office, travel, monitoring and evaluation", Decimal("120000")),
]
SPENT_BY_2014_06_30 = {
    "1": "330000",
    "2": "236000",
    "3": "201000",
    "4": "74000",
    "5": "38000",
    "6": "70000",
}


@transaction.atomic
def monitoring_demo_load(*, actor: Actor) -> Project:
    """Create the PAVE project at IOM-LB (after `pave demo load`); returns it."""
    iom = Organisation.objects.get(code="IOM-LB")
    project = services.project_create(
        actor=actor,
        organisation=iom,
        code="PAVE",
        title="Action to Protect and Assist Vulnerable and Exploited Migrant Workers in the "
        "Middle East and North Africa",
        start=START,
        end=END,
        donor="European Union",
        donor_organisation=Organisation.objects.filter(code="EU-LB").first(),
        currency="EUR",
        budget=Decimal("1700000"),
    )
    nodes: dict[str, Any] = {}
    for order, (code, level, parent, title) in enumerate(LOGFRAME):
        nodes[code] = services.result_node_create(
            actor=actor,
            project=project,
            level=level,
            code=code,
            title=title,
            parent=nodes.get(parent),
            order=order,
        )
    for order, (code, label, label_ar, node, definition, unit, targets) in enumerate(INDICATORS):
        indicator = services.indicator_save(
            actor=actor,
            project=project,
            code=code,
            label=label,
            label_ar=label_ar,
            definition=definition,
            unit=unit,
            node=nodes[node],
            order=order,
        )
        year_one, final = targets
        if year_one:
            services.target_set(
                actor=actor,
                indicator=indicator,
                period_start=START,
                period_end=YEAR_ONE_END,
                value=year_one,
            )
        services.target_set(
            actor=actor, indicator=indicator, period_start=START, period_end=END, value=final
        )
    for code, title, amount in BUDGET_LINES:
        line = services.budget_line_create(
            actor=actor, project=project, code=code, title=title, amount=amount
        )
        services.expenditure_record(
            actor=actor,
            line=line,
            spent_on=datetime.date(2014, 6, 30),
            amount=Decimal(SPENT_BY_2014_06_30[code]),
            description="Spent to 30 June 2014",
        )
    services.co_funding_set(
        actor=actor, project=project, funder="European Union", share_percent=Decimal("80")
    )
    services.co_funding_set(
        actor=actor, project=project, funder="IOM and partners", share_percent=Decimal("20")
    )
    return project
