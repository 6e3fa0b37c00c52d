"""Personal data is never stored in clear: read what the database really holds."""

import datetime
from pathlib import Path

import pytest
from django.db import connection

from pave.cases.services import case_note_add
from pave.testing import make_case

SECRETS = {
    "given_name": "Zerihunette",
    "family_name": "Woldemariamova",
    "other_names": "قمرالزمان",
    "phone": "+961 76 620 648",
    "identity_number": "EP9876543",
    "address": "Rue Mar Mikhael 42",
}
BIRTH_DATE = datetime.date(1987, 11, 23)
SUMMARY = "Escaped from employer in Achrafieh"
NOTE = "Disclosed debt of 3000 USD to recruiter"


def needles() -> list[bytes]:
    texts = [*SECRETS.values(), BIRTH_DATE.isoformat(), SUMMARY, NOTE, "76620648", "9876543"]
    return [text.encode() for text in texts] + [text.encode("utf-16-le") for text in texts]


@pytest.mark.django_db(transaction=True)
def test_personal_data_is_not_in_the_database_in_clear(personas):
    case = make_case(
        personas.amal,
        person={**SECRETS, "sex": "female", "birth_date": BIRTH_DATE, "citizenship": ["ET"]},
        summary=SUMMARY,
    )
    case_note_add(actor=personas.amal, case_id=case.pk, body=NOTE)
    # The application still reads everything back.
    case.person.refresh_from_db()
    assert case.person.given_name == SECRETS["given_name"]
    assert case.person.birth_date == BIRTH_DATE

    if connection.vendor == "sqlite":
        connection.close()  # checkpoint nothing away: read the main file *and* the WAL
        name = Path(connection.settings_dict["NAME"])
        blobs = [p.read_bytes() for p in [name, Path(f"{name}-wal")] if p.exists()]
        assert blobs and sum(len(b) for b in blobs) > 0
    else:
        with connection.cursor() as cursor:
            blobs = []
            for table in [
                "cases_person",
                "cases_case",
                "cases_casenote",
                "core_auditevent",
                "cases_personnametoken",
            ]:
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
                blobs.append(repr(cursor.fetchall()).encode())
    for blob in blobs:
        for needle in needles():
            assert needle not in blob, needle
    # And the ciphertexts are there: the test looked at the right place.
    assert any(b"pave1:" in blob for blob in blobs)
