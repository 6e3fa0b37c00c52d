"""The language switcher remembers a signed-in user's choice: it follows them to the next
computer they log in on, and their e-mails are written in it."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from pave.core.models import AuditEvent
from pave.notifications.services import notify
from pave.testing import PASSWORD

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/language/"


def test_an_anonymous_visitor_only_gets_the_cookie(client):
    response = client.post(SWITCH, {"language": "ar", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert not AuditEvent.objects.filter(action="user.language.set").exists()


def test_a_signed_in_users_choice_is_saved_and_audited(client, personas):
    client.force_login(personas.amal)
    response = client.post(SWITCH, {"language": "ar", "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    personas.amal.refresh_from_db()
    assert personas.amal.preferred_language == "ar"
    event = AuditEvent.objects.get(action="user.language.set")
    assert event.actor == personas.amal and event.fields == ["preferred_language"]
    # Choosing the same language again writes nothing.
    client.post(SWITCH, {"language": "ar", "next": "/cases/"})
    assert AuditEvent.objects.filter(action="user.language.set").count() == 1


def test_an_unknown_language_changes_nothing(client, personas):
    client.force_login(personas.amal)
    response = client.post(SWITCH, {"language": "xx", "next": "/cases/"})
    assert response.status_code == 302
    personas.amal.refresh_from_db()
    assert personas.amal.preferred_language == ""


def test_the_language_follows_the_user_to_another_computer(client, personas):
    client.force_login(personas.amal)
    client.post(SWITCH, {"language": "ar", "next": "/cases/"})

    shared_computer = Client()
    shared_computer.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # the last user's choice
    response = shared_computer.post(
        "/accounts/login/", {"username": "amal", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain, "logged in"
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_notification_emails_are_written_in_the_chosen_language(
    client, personas, django_capture_on_commit_callbacks
):
    personas.amal.email = "amal@bms.example"
    personas.amal.save()
    client.force_login(personas.amal)
    client.post(SWITCH, {"language": "ar", "next": "/cases/"})
    personas.amal.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[personas.amal],
            kind="approval_waiting",
            message="Case LB-2014-000001: a closure waits for your approval.",
            url="/cases/1/",
        )
    assert "[PAVE] Approval waiting" not in mail.outbox[0].subject
    assert "PAVE" in mail.outbox[0].subject
