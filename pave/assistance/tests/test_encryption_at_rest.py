"""Free text about the person's assistance and the reasons of workflow steps are never
stored in clear: read what the database really holds."""

import datetime
from pathlib import Path

import pytest
from django.db import connection

from pave.assistance import services
from pave.assistance.models import ServiceType
from pave.cases import services as case_services
from pave.testing import make_case

SECRETS = {
    "service": "Abortion counselling at Hotel-Dieu",
    "objectives": "Leave the employer in Jounieh safely",
    "action_plan": "Confront the agency in Dora about her passport",
    "visit": "Her brother in Jimma threatens her",
    "assessment": "Still sends all wages to the recruiter",
    "request": "Wants to return to Wollo before Ramadan",
    "decision": "Approved after her call from Dessie",
}


def needles() -> list[bytes]:
    texts = list(SECRETS.values())
    return [t.encode() for t in texts] + [t.encode("utf-16-le") for t in texts]


@pytest.mark.django_db(transaction=True)
def test_assistance_text_and_reasons_are_not_in_the_database_in_clear(personas, catalogue):
    amal, bilal = personas.amal, personas.bilal
    case = make_case(amal)
    day = datetime.date(2014, 3, 1)
    services.service_delivery_record(
        actor=amal,
        case_id=case.pk,
        data={
            "service_type": ServiceType.objects.get(code="medical"),
            "delivered_on": day,
            "notes": SECRETS["service"],
        },
    )
    services.case_plan_create(
        actor=amal,
        case_id=case.pk,
        data={
            "plan_type": "Health",
            "objectives": SECRETS["objectives"],
            "action_plan": SECRETS["action_plan"],
            "started_on": day,
        },
    )
    services.follow_up_schedule(
        actor=amal,
        case_id=case.pk,
        data={"due_on": day, "done_on": day, "outcome": "at_risk", "notes": SECRETS["visit"]},
    )
    services.reintegration_assess(
        actor=amal,
        case_id=case.pk,
        data={
            "assessed_on": day,
            "economic_score": 0,
            "social_score": 1,
            "psychosocial_score": 1,
            "notes": SECRETS["assessment"],
        },
    )
    case_services.case_closure_request(
        actor=amal, case_id=case.pk, reason=SECRETS["request"], version=1
    )
    case_services.case_closure_approve(
        actor=bilal, case_id=case.pk, reason=SECRETS["decision"], version=2
    )
    # The application still reads everything back.
    _case, entries = case_services.case_timeline_read(actor=bilal, case_id=case.pk)
    shown = " ".join(entry.text for entry in entries)
    assert all(secret in shown for secret in SECRETS.values())

    if connection.vendor == "sqlite":
        connection.close()
        name = Path(connection.settings_dict["NAME"])
        blobs = [p.read_bytes() for p in [name, Path(f"{name}-wal")] if p.exists()]
    else:
        with connection.cursor() as cursor:
            blobs = []
            for table in [
                "assistance_servicedelivery",
                "assistance_caseplan",
                "assistance_followupvisit",
                "assistance_reintegrationassessment",
                "cases_casetransition",
                "core_auditevent",
                "notifications_notification",
            ]:
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
                blobs.append(repr(cursor.fetchall()).encode())
    assert blobs and sum(len(b) for b in blobs) > 0
    for blob in blobs:
        for needle in needles():
            assert needle not in blob, needle
    assert any(b"pave1:" in blob for blob in blobs)
