"""notify(), the notifications page and API, the header count, and follow-up reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pave.accounts.roles import Role
from pave.assistance.models import FollowUpVisit, VisitOutcome
from pave.assistance.services import follow_up_reminders_send
from pave.core.models import AuditEvent
from pave.notifications.models import Notification
from pave.notifications.services import notify
from pave.testing import bearer, make_case, make_user, run_pave

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_email(personas):
    personas.amal.email = "amal@bms.example"
    personas.amal.save()
    personas.bilal.email = "bilal@bms.example"
    personas.bilal.save()
    return personas


# --- notify ----------------------------------------------------------------------------------


def test_notify_creates_one_row_per_recipient_and_emails_after_commit(
    with_email, django_capture_on_commit_callbacks
):
    personas = with_email
    donor = personas.by_role[Role.DONOR_VIEWER]  # no e-mail address: in-app only
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify(
            recipients=[personas.amal, personas.bilal, donor, personas.amal, None],
            kind="approval_waiting",
            message="Case LB-2014-000001: a closure waits for your approval.",
            url="/cases/1/",
        )
    assert {row.user for row in rows} == {personas.amal, personas.bilal, donor}
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["amal@bms.example", "bilal@bms.example"]
    message = mail.outbox[0]
    assert message.subject == "[PAVE] Approval waiting"
    assert "LB-2014-000001" in message.body and "/cases/1/" in message.body
    assert len(message.to) == 1  # recipients never see one another's address


def test_emails_link_to_the_configured_address(
    with_email, settings, django_capture_on_commit_callbacks
):
    settings.PAVE_BASE_URL = "https://pave.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[with_email.amal],
            kind="approval_waiting",
            message="Case LB-2014-000001: a closure waits for your approval.",
            url="/cases/1/",
        )
    assert "https://pave.example.org/cases/1/" in mail.outbox[0].body


def test_notify_skips_inactive_users_and_refuses_unknown_kinds(personas):
    personas.amal.is_active = False
    personas.amal.save()
    assert notify(recipients=[personas.amal], kind="follow_up_due", message="x") == []
    with pytest.raises(ValidationError):
        notify(recipients=[personas.bilal], kind="gossip", message="x")


def test_notify_with_a_key_is_idempotent(personas):
    first = notify(recipients=[personas.amal], kind="follow_up_due", message="x", key="k:1")
    again = notify(recipients=[personas.amal], kind="follow_up_due", message="x", key="k:1")
    assert len(first) == 1 and again == []
    assert Notification.objects.count() == 1


def test_notification_rows_roll_back_with_the_write(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(recipients=[personas.amal], kind="follow_up_due", message="x")
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and mail.outbox == []


# --- page, header and API --------------------------------------------------------------------


def test_header_shows_the_unread_count_with_one_cheap_query(client, personas):
    notify(recipients=[personas.amal], kind="follow_up_due", message="one", url="/cases/")
    notify(recipients=[personas.amal], kind="follow_up_due", message="two", url="/cases/")
    client.force_login(personas.amal)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("cases:list")).content.decode()
    assert "(2 unread)" in html
    counts = [
        q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]
    ]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_page_lists_marks_read_and_opens(client, personas):
    row = notify(
        recipients=[personas.amal], kind="follow_up_due", message="Visit due", url="/cases/"
    )[0]
    client.force_login(personas.amal)
    html = client.get("/notifications/").content.decode()
    assert "Visit due" in html and "Mark as read" in html
    response = client.post(f"/notifications/{row.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    row.refresh_from_db()
    assert row.read_at is not None
    assert "unread)" not in client.get("/notifications/").content.decode()
    assert AuditEvent.objects.filter(action="notification.read").count() == 1


def test_open_never_redirects_off_site(client, personas):
    row = notify(
        recipients=[personas.amal], kind="follow_up_due", message="x", url="https://evil.example/"
    )[0]
    client.force_login(personas.amal)
    response = client.post(f"/notifications/{row.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read_and_unread_filter(client, personas):
    for n in range(3):
        notify(recipients=[personas.amal], kind="follow_up_due", message=f"m{n}")
    client.force_login(personas.amal)
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    html = client.get("/notifications/", {"show": "unread"}).content.decode()
    assert "No unread notifications." in html


def test_api_lists_only_own_and_marks_read(client, personas):
    mine = notify(recipients=[personas.amal], kind="follow_up_due", message="mine")[0]
    theirs = notify(recipients=[personas.bilal], kind="follow_up_due", message="theirs")[0]
    headers = bearer(personas.amal)
    data = client.get("/api/v1/notifications", **headers).json()
    assert [r["id"] for r in data["results"]] == [mine.pk] and data["unread"] == 1
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read", **headers).status_code == 404
    read = client.post(f"/api/v1/notifications/{mine.pk}/read", **headers)
    assert read.status_code == 200 and read.json()["read_at"]
    unread = client.get("/api/v1/notifications", {"unread": "true"}, **headers).json()
    assert unread["count"] == 0
    bulk = client.post("/api/v1/notifications/read-all", **bearer(personas.bilal))
    assert bulk.json() == {"marked_read": 1}


def test_notification_list_queries_do_not_grow(client, personas, django_assert_num_queries):
    def make(n):
        for i in range(n):
            notify(recipients=[personas.amal], kind="follow_up_due", message=f"m{i}")

    make(3)
    client.force_login(personas.amal)
    client.get("/notifications/")
    page = 8
    with django_assert_num_queries(page):
        client.get("/notifications/")
    make(20)
    with django_assert_num_queries(page):
        client.get("/notifications/")
    headers = bearer(personas.amal)
    client.logout()
    client.get("/api/v1/notifications", **headers)  # the token's last use is recorded once
    api = 4
    with django_assert_num_queries(api):
        assert len(client.get("/api/v1/notifications", **headers).json()["results"]) == 23
    Notification.objects.filter(message__in=["m0", "m1", "m2"]).delete()
    with django_assert_num_queries(api):
        assert len(client.get("/api/v1/notifications", **headers).json()["results"]) == 17


# --- follow-up reminders ---------------------------------------------------------------------


def _visit(case, due_on, done_on=None):
    values = {"case": case, "due_on": due_on, "done_on": done_on}
    if done_on:
        values["outcome"] = VisitOutcome.values[0]
    return FollowUpVisit.objects.create(**values)


def test_follow_up_reminders_go_once_per_visit_to_the_assigned_worker(
    with_email, django_capture_on_commit_callbacks
):
    personas = with_email
    today = timezone.localdate()
    case = make_case(personas.amal)
    due_soon = _visit(case, today + datetime.timedelta(days=3))
    overdue = _visit(case, today - datetime.timedelta(days=2))
    _visit(case, today + datetime.timedelta(days=30))  # not yet
    _visit(case, today, done_on=today)  # done
    unassigned = make_case(personas.bilal, assigned_to=None)
    unassigned.assigned_to = None
    unassigned.save()
    _visit(unassigned, today)
    with django_capture_on_commit_callbacks(execute=True):
        sent = follow_up_reminders_send(actor="cli:test", within_days=7)
    assert sent == 2
    rows = Notification.objects.filter(kind="follow_up_due")
    assert {row.key for row in rows} == {f"follow-up:{due_soon.pk}", f"follow-up:{overdue.pk}"}
    assert {row.user for row in rows} == {personas.amal}
    assert all(case.reference in row.message for row in rows)
    person = case.person
    for text in [row.message for row in rows] + [m.body for m in mail.outbox]:
        assert person.given_name not in text and person.family_name not in text
    assert len(mail.outbox) == 2
    assert follow_up_reminders_send(actor="cli:test", within_days=7) == 0


def test_pave_notify_follow_ups_command(personas):
    case = make_case(personas.amal)
    _visit(case, timezone.localdate())
    code, out, err = run_pave("notify", "follow-ups", "--days", "1")
    assert code == 0, err
    assert "1 follow-up reminder(s) sent" in out
    code, out, _ = run_pave("notify", "follow-ups")
    assert "0 follow-up reminder(s) sent" in out
    assert AuditEvent.objects.filter(action="notification.follow_ups").count() == 2
    code, _, err = run_pave("notify", "follow-ups", "--days", "-1")
    assert code != 0 and "negative" in err


def test_follow_up_reminders_skip_closed_cases_and_other_workers_cases(personas):
    case = make_case(personas.amal)
    case.stage = "closed"
    case.save()
    _visit(case, timezone.localdate())
    colleague = make_user("selam", personas.ngo, Role.CASE_WORKER)
    assert follow_up_reminders_send(actor="cli:test", within_days=7) == 0
    assert not Notification.objects.filter(user=colleague).exists()
