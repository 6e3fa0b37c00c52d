"""Participants' personal data is never stored in clear: read what the database holds."""

from pathlib import Path

import pytest
from django.db import connection

from pave.training import services
from pave.training.tests.conftest import make_event, run_import, sheet_csv

SECRETS = {
    "full_name": "Zerihunette Woldemariamova",
    "title": "Commandant of the Karantina centre",
    "phone": "+961 76 620 648",
    "email": "zerihunette@example.org",
}
ARABIC = "قمرالزمان الحسيني"


def needles() -> list[bytes]:
    texts = [*SECRETS.values(), ARABIC, "76620648", "Woldemariamova"]
    return [t.encode() for t in texts] + [t.encode("utf-16-le") for t in texts]


@pytest.mark.django_db(transaction=True)
def test_participant_personal_data_is_not_in_the_database_in_clear(personas):
    trainer = personas.by_role["trainer"]
    event = make_event(trainer)
    services.participant_add_to_event(
        actor=trainer,
        event_id=event.pk,
        data={
            **SECRETS,
            "sex": "female",
            "stakeholder_group": "government_officer",
            "affiliation": "General Security",
            "country": "LB",
        },
        session_ids=[event.sessions.get().pk],
    )
    run_import(trainer, event, sheet_csv([[ARABIC, "F", "GS", "public", "LB", "", "", ""]]))
    services.certificates_issue(actor=trainer, event_id=event.pk)
    services.participants_export(actor=trainer, event_id=event.pk, fmt="csv")

    if connection.vendor == "sqlite":
        connection.close()  # read the main file *and* the write-ahead log
        name = Path(connection.settings_dict["NAME"])
        blobs = [p.read_bytes() for p in [name, Path(f"{name}-wal")] if p.exists()]
    else:
        blobs = []
        with connection.cursor() as cursor:
            for table in (
                "training_participant",
                "training_attendance",
                "training_knowledgetest",
                "training_certificate",
                "core_auditevent",
            ):
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
                blobs.append(repr(cursor.fetchall()).encode())
    for blob in blobs:
        for needle in needles():
            assert needle not in blob, needle
    assert any(b"pave1:" in blob for blob in blobs)
