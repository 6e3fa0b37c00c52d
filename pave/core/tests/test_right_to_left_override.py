"""Issue 12, item 12: a right-to-left override (U+202E) typed into a name cannot disguise it or
the text around it. The attack: a person recorded as "Ali" + U+202E + "gpj.exe" shows as
"Aliexe.jpg", and without isolation the override also reverses what follows it on the line
(the sex, the stage, the next name). Every place such a name is shown isolates it in <bdi>."""

from __future__ import annotations

import re

from pave.accounts.roles import Role
from pave.notifications.models import NotificationKind
from pave.notifications.services import notify
from pave.testing import make_case, make_org, make_user, person_data

OVERRIDE = "\u202e"
NAME = f"Ali{OVERRIDE}gpj.exe"


def assert_always_isolated(page: str, text: str) -> None:
    """TEXT occurs in PAGE, and every occurrence is inside a <bdi> element (with, at most,
    the rest of the same name: "given family")."""
    shown = page.count(text)
    isolated = sum(content.count(text) for content in re.findall(r"<bdi[^>]*>([^<]*)</bdi>", page))
    assert shown >= 1
    assert isolated == shown, f"{shown - isolated} of {shown} occurrences are not in a <bdi>"


def test_a_name_with_a_right_to_left_override_is_isolated_wherever_it_is_shown(client, personas):
    case = make_case(personas.amal, person=person_data(given_name=NAME, family_name=NAME))
    client.force_login(personas.amal)

    assert_always_isolated(client.get("/cases/").content.decode(), NAME)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert_always_isolated(detail, NAME)
    found = client.post("/cases/", {"q": case.reference}).content.decode()
    assert_always_isolated(found, NAME)


def test_user_and_organisation_names_are_isolated_in_the_layout_notes_and_notifications(
    client, personas
):
    org = make_org("EVL", name=f"Relief{OVERRIDE}gro.hcae")
    worker = make_user("evil", org, Role.TRAINER)  # no case access: "/" is the start page
    worker.first_name, worker.last_name = NAME, ""
    worker.save()
    notify(recipients=[worker], kind=NotificationKind.REFERRAL_RECEIVED, message=f"From {NAME}")
    client.force_login(worker)

    page = client.get("/notifications/").content.decode()
    assert_always_isolated(page, NAME)  # the account name in the layout, and the message
    assert_always_isolated(page, org.name)
    assert_always_isolated(client.get("/").content.decode(), NAME)  # "Welcome, …"
