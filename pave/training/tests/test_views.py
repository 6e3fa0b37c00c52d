"""The training pages through the HTTP client."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pave.accounts.roles import Role
from pave.core.models import AuditEvent
from pave.training.models import Certificate, Event, KnowledgeTest, Participant
from pave.training.tests.conftest import OFFICERS, make_event, run_import, sheet_csv, sheet_xlsx

pytestmark = pytest.mark.django_db


def html_of(response):
    return response.content.decode()


def test_the_navigation_shows_training_to_managers_and_donors_only(client, personas):
    for role, shown in [
        (Role.TRAINER, True),
        (Role.ME_OFFICER, True),
        (Role.DONOR_VIEWER, True),
        (Role.CASE_WORKER, False),
        (Role.PARTNER_FOCAL_POINT, False),
    ]:
        client.force_login(personas.by_role[role])
        page = html_of(client.get(reverse("notifications:list")))
        assert ('href="/training/"' in page) is shown, role


def test_trainer_creates_an_event_and_adds_a_session(client, trainer, personas):
    client.force_login(trainer)
    assert client.get(reverse("training:event-create")).status_code == 200
    response = client.post(
        reverse("training:event-create"),
        {
            "title": "Media workshop",
            "event_type": "media_workshop",
            "country": "LB",
            "city": "Beirut",
            "topics": "victim-centred reporting, ethics",
            "partners": [personas.gov.pk],
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:event", args=[event.pk]
    )
    assert event.topics == ["victim-centred reporting", "ethics"]
    bad = client.post(
        reverse("training:session-add", args=[event.pk]),
        {"date": "2014-06-17", "end_date": "2014-06-01"},
    )
    assert bad.status_code == 422 and "The last day cannot be before the first." in html_of(bad)
    ok = client.post(
        reverse("training:session-add", args=[event.pk]),
        {"date": "2014-06-17", "venue": "UN House"},
    )
    assert ok.status_code == 302
    page = html_of(client.get(reverse("training:event", args=[event.pk])))
    assert "UN House" in page and "General Security" in page


def test_an_invalid_event_is_not_saved(client, trainer):
    client.force_login(trainer)
    response = client.post(reverse("training:event-create"), {"title": "", "event_type": "x"})
    assert response.status_code == 422 and Event.objects.count() == 0
    assert "Nothing was saved" in html_of(response)


def test_editing_an_event(client, trainer, event):
    client.force_login(trainer)
    form = client.get(reverse("training:event-edit", args=[event.pk]))
    assert form.status_code == 200 and "Victim identification" in html_of(form)
    response = client.post(
        reverse("training:event-edit", args=[event.pk]),
        {"title": "Renamed", "event_type": "information_session", "country": "LB"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.event_type) == ("Renamed", "information_session")


def test_event_page_lists_participants_and_records_the_read(client, trainer, attended):
    client.force_login(trainer)
    page = html_of(client.get(reverse("training:event", args=[attended.pk])))
    assert "Nour Haddad" in page and "علي حسن" in page
    assert "People present" in page
    assert AuditEvent.objects.filter(action="training.event.participants.read").exists()


def test_adding_a_participant_by_hand(client, trainer, attended):
    client.force_login(trainer)
    url = reverse("training:add", args=[attended.pk])
    session = attended.sessions.get()
    assert client.get(url).status_code == 200
    data = {
        "full_name": "Rima Azar",
        "sex": "female",
        "stakeholder_group": "journalist",
        "affiliation": "Beirut Daily",
        "country": "LB",
        "sessions": [session.pk],
        "pre_score": "4",
        "post_score": "9",
        "max_score": "10",
    }
    response = client.post(url, data, follow=True)
    assert "New participant added." in html_of(response)
    again = client.post(url, data, follow=True)
    assert "Already recorded" in html_of(again)
    assert Participant.objects.count() == 4
    assert client.post(url, {**data, "stakeholder_group": ""}).status_code == 422


def test_the_attendance_grid(client, trainer, attended):
    client.force_login(trainer)
    url = reverse("training:attendance", args=[attended.pk])
    page = html_of(client.get(url))
    session = attended.sessions.get()
    nour, karim, ali = Participant.objects.order_by("pk")
    assert f'value="{nour.pk}:{session.pk}"' in page
    response = client.post(
        url,
        {
            "participant": [nour.pk, karim.pk, ali.pk],
            "present": [f"{nour.pk}:{session.pk}"],
            f"pre-{ali.pk}": "3",
            f"post-{ali.pk}": "7",
            f"max-{ali.pk}": "10",
        },
    )
    assert response.status_code == 302
    assert KnowledgeTest.objects.get(participant=ali).post_score == 7
    roster = html_of(client.get(reverse("training:event", args=[attended.pk])))
    assert roster.count("✗") >= 2
    bad = client.post(url, {"participant": [ali.pk], f"pre-{ali.pk}": "30", f"max-{ali.pk}": "10"})
    assert bad.status_code == 422


def _check(client, event, content, name="sheet.csv", **fields):
    return client.post(
        reverse("training:import", args=[event.pk]),
        {"file": SimpleUploadedFile(name, content), "max_score": "20", **fields},
    )


def _hidden(html):
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html))


def test_import_checks_then_imports_on_confirmation(client, trainer, event):
    client.force_login(trainer)
    assert client.get(reverse("training:import", args=[event.pk])).status_code == 200
    check = _check(client, event, sheet_xlsx(OFFICERS), name="sheet.xlsx")
    html = html_of(check)
    assert check.status_code == 200 and "Checked: ready to import" in html
    assert "3 rows: 3 new participants" in html
    assert Participant.objects.count() == 0  # a check writes nothing
    fields = _hidden(html)
    assert "Nour Haddad" not in fields["sheet"]  # the file travels sealed
    confirm = client.post(reverse("training:import", args=[event.pk]), fields, follow=True)
    assert "Sign-in sheet imported: 3 new participants" in html_of(confirm)
    assert Participant.objects.count() == 3
    # The same confirmation again matches everyone: nobody is recorded twice.
    client.post(reverse("training:import", args=[event.pk]), fields)
    assert Participant.objects.count() == 3


def test_import_lists_every_problem_and_offers_no_confirmation(client, trainer, event):
    client.force_login(trainer)
    rows = [
        *OFFICERS,
        ["", "F", "GS", "public", "LB", "", "", ""],
        ["Z", "?!", "GS", "alien", "LB", "", "", ""],
    ]
    check = _check(client, event, sheet_csv(rows))
    html = html_of(check)
    assert check.status_code == 422 and "Not imported: the sheet has problems" in html
    assert "3 problems" in html
    assert 'name="sheet"' not in html
    assert Participant.objects.count() == 0


def test_a_tampered_confirmation_imports_nothing(client, trainer, event):
    client.force_login(trainer)
    fields = _hidden(html_of(_check(client, event, sheet_csv(OFFICERS))))
    fields["sheet"] = fields["sheet"][:-8] + "AAAAAAAA"
    response = client.post(reverse("training:import", args=[event.pk]), fields, follow=True)
    assert "upload it again" in html_of(response)
    assert Participant.objects.count() == 0


def test_export_downloads(client, trainer, attended):
    client.force_login(trainer)
    csv = client.get(reverse("training:export", args=[attended.pk, "csv"]))
    assert csv["Content-Disposition"].startswith("attachment")
    assert "Nour Haddad" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("training:export", args=[attended.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_certificates_from_the_event_page(client, trainer, attended):
    client.force_login(trainer)
    response = client.post(reverse("training:certificates-issue", args=[attended.pk]), follow=True)
    assert "3 participants now hold a certificate." in html_of(response)
    certificate = Certificate.objects.first()
    assert certificate is not None
    pdf = client.get(reverse("training:certificate-pdf", args=[certificate.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    revoke = client.post(reverse("training:certificate-revoke", args=[certificate.pk]), follow=True)
    assert "Certificate revoked" in html_of(revoke)
    again = client.post(reverse("training:certificate-revoke", args=[certificate.pk]), follow=True)
    assert "already revoked" in html_of(again)


def test_participants_list_detail_edit_and_merge(client, trainer, attended):
    client.force_login(trainer)
    listing = html_of(client.post(reverse("training:participants"), {"name": "NOUR HADDAD"}))
    assert "1 participant" in listing and "Karim Saad" not in listing
    nour, karim, _ali = Participant.objects.order_by("pk")
    url = reverse("training:participant", args=[nour.pk])
    page = html_of(client.get(url))
    assert "Victim identification" in page and "present" in page
    edit = client.post(
        url,
        {
            "full_name": "Nour Haddad",
            "sex": "female",
            "stakeholder_group": "government_officer",
            "affiliation": "General Security",
            "country": "LB",
            "title": "Captain",
        },
    )
    assert edit.status_code == 302
    nour.refresh_from_db()
    assert nour.title == "Captain"
    clash = client.post(
        url,
        {
            "full_name": "Karim Saad",
            "sex": "male",
            "stakeholder_group": "government_officer",
            "affiliation": "General Security",
            "country": "LB",
        },
    )
    assert clash.status_code == 422 and "merge" in html_of(clash)
    merged = client.post(
        reverse("training:participant-merge", args=[nour.pk]), {"merge_id": karim.pk}, follow=True
    )
    assert "Merged:" in html_of(merged)
    assert not Participant.objects.filter(pk=karim.pk).exists()
    wrong = client.post(
        reverse("training:participant-merge", args=[nour.pk]), {"merge_id": nour.pk}
    )
    assert wrong.status_code == 422


def test_results_page_for_managers_and_donors(client, trainer, personas, attended):
    client.force_login(trainer)
    page = html_of(
        client.get(
            reverse("training:aggregates"), {"date_from": "2014-01-01", "date_to": "2014-12-31"}
        )
    )
    assert "Unique participants" in page and "<strong>3</strong>" in page
    donor = personas.by_role[Role.DONOR_VIEWER]
    client.force_login(donor)
    home = client.get(reverse("training:home"))
    assert home.status_code == 302 and home["Location"] == reverse("training:aggregates")
    page = html_of(client.get(reverse("training:aggregates")))
    assert "&lt;5" in page and "Nour" not in page
    wrong = client.get(
        reverse("training:aggregates"), {"date_from": "2015-01-01", "date_to": "2014-01-01"}
    )
    assert wrong.status_code == 422


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_cost_the_same_number_of_queries_however_long(client, trainer):
    client.force_login(trainer)
    event = make_event(trainer)
    run_import(trainer, event, sheet_csv(OFFICERS[:1]))
    expected = {  # queries per page, measured
        reverse("training:events"): 8,
        reverse("training:participants"): 11,  # the reads of people are audited
        reverse("training:event", args=[event.pk]): 16,
        reverse("training:attendance", args=[event.pk]): 15,
        reverse("training:aggregates"): 8,
    }
    client.get(reverse("training:events"))  # session and caches warmed
    for url, queries in expected.items():
        assert _count(client, url) == queries, url
    for n in range(4):
        other = make_event(trainer, title=f"Event {n}")
        rows = [
            [f"Person {n} {k}", "M", f"Org {n}", "public", "LB", "", "4", "6"] for k in range(5)
        ]
        run_import(trainer, other, sheet_csv(rows))
        run_import(trainer, event, sheet_csv(rows))
    for url, queries in expected.items():
        assert _count(client, url) == queries, url


def test_a_donor_whose_organisation_organises_nothing_sees_the_funded_events(
    client, personas, trainer
):
    event = make_event(trainer, partners=[personas.other.pk])
    run_import(trainer, event, sheet_csv(OFFICERS))
    donor = personas.other_by_role[Role.DONOR_VIEWER]
    client.force_login(donor)
    page = html_of(client.get(reverse("training:aggregates")))
    assert "<h2>Beirut Migrant Support" in page and "<h2>Cedar Legal Aid" not in page
    assert "&lt;5" in page  # three people: suppressed
