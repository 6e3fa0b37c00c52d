"""Reads that leave the screen are audited in one place (monitoring.services): every export
of a report, in every format and from every door, and the records behind a number."""

import io

import pytest
from django.core.management import call_command

from pave.accounts.models import User
from pave.accounts.services import token_create
from pave.core.models import AuditEvent

EXPORT = "monitoring.report.export"
DRILL = "monitoring.drill_down"


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=user, user=user)[1]}"}


def last(action):
    return AuditEvent.objects.filter(action=action).latest("id")


@pytest.fixture
def maya(demo):
    return User.objects.get(username="maya")


def test_the_json_report_from_the_api_is_audited_as_an_export(client, maya):
    before = AuditEvent.objects.filter(action=EXPORT).count()
    response = client.get(
        "/api/v1/reports/assistance-in-numbers?project=PAVE&audience=public", **bearer(maya)
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=EXPORT).count() == before + 1
    event = last(EXPORT)
    assert event.actor == maya
    assert event.detail == {
        "format": "json",
        "audience": "public",
        "from": "2013-02-01",
        "to": "2015-01-31",
    }


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "html"])
def test_every_format_of_the_factsheet_page_is_audited_alike(client, maya, fmt):
    client.force_login(maya)
    assert client.get(f"/reports/PAVE/factsheet.{fmt}").status_code == 200
    event = last(EXPORT)
    assert (event.actor, event.detail["format"], event.detail["audience"]) == (
        maya,
        fmt,
        "internal",
    )
    assert event.detail["from"] == "2013-02-01"


def test_the_command_line_json_export_is_audited(demo, tmp_path):
    before = AuditEvent.objects.filter(action=EXPORT).count()
    call_command(
        "report",
        "assistance-in-numbers",
        "--output",
        str(tmp_path / "r.json"),
        stdout=io.StringIO(),
    )
    assert AuditEvent.objects.filter(action=EXPORT).count() == before + 1
    event = last(EXPORT)
    assert event.actor is None and event.detail["format"] == "json"


def test_the_drill_down_is_audited_the_same_from_the_page_and_the_api(client, maya):
    query = "from=2013-02-01&to=2015-01-31&dimension=sex_age&category=men"
    client.force_login(maya)
    page = client.get(f"/reports/PAVE/indicators/migrants_assisted/records/?{query}")
    assert page.status_code == 200
    from_web = last(DRILL)
    api = client.get(
        "/api/v1/reports/assistance-in-numbers/migrants_assisted/records?project=PAVE&"
        "date_from=2013-02-01&date_to=2015-01-31&dimension=sex_age&category=men",
        **bearer(maya),
    )
    assert api.status_code == 200 and api.json()["count"] == 3
    from_api = last(DRILL)
    assert from_api.pk > from_web.pk
    fields = ("actor_id", "action", "object_type", "object_id", "detail")
    assert [getattr(from_web, f) for f in fields] == [getattr(from_api, f) for f in fields]
    assert from_api.detail == {
        "indicator": "migrants_assisted",
        "dimension": "sex_age",
        "category": "men",
        "count": 3,
    }
