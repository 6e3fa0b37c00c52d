"""Uploads cannot exhaust memory (issue 12, item 1): a request over PAVE_MAX_UPLOAD_MB is
refused on its Content-Length, unread, and a small XLSX that unpacks to 400 MB is refused from
its zip directory, through the web form and the API alike."""

from __future__ import annotations

import resource
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from pave.interop.tests.bombs import shared_string_bomb
from pave.testing import bearer
from pave.training.models import Participant

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
MEMORY_BUDGET = 300 * MB
BOUNDARY = "BoUnDaRy"


@pytest.fixture(scope="module")
def bomb():
    return shared_string_bomb(400)


class Untouchable:
    """A request body that fails the test if anything reads it."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args: object) -> bytes:
        self.reads += 1
        raise AssertionError("the body was read")

    readline = read


def peak_memory(send):
    """(response, peak bytes traced by Python, growth of the process's peak RSS in bytes)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        response = send()
        traced_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return response, traced_peak, rss_growth


def web_upload(client, event, content, name="sheet.xlsx"):
    return client.post(
        reverse("training:import", args=[event.pk]),
        {"file": SimpleUploadedFile(name, content), "max_score": "20"},
    )


def api_upload(client, user, event, content, name="sheet.xlsx"):
    return client.post(
        f"/api/v1/training/events/{event.pk}/import",
        {"file": SimpleUploadedFile(name, content)},
        **bearer(user),
    )


def test_a_shared_string_bomb_through_the_web_form_is_refused_within_the_memory_budget(
    client, trainer, event, bomb
):
    client.force_login(trainer)
    response, traced, rss = peak_memory(lambda: web_upload(client, event, bomb))
    assert len(bomb) < 1_000_000  # 390 kB on disk, 400 MB unpacked
    assert response.status_code == 413
    assert "Unpacked, the workbook is larger than 25 MB." in response.content.decode()
    assert traced < MEMORY_BUDGET and rss < MEMORY_BUDGET, (traced, rss)
    assert Participant.objects.count() == 0


def test_a_shared_string_bomb_through_the_api_is_refused_within_the_memory_budget(
    client, trainer, event, bomb
):
    response, traced, rss = peak_memory(lambda: api_upload(client, trainer, event, bomb))
    assert response.status_code == 413
    message = "Unpacked, the workbook is larger than 25 MB."
    assert response.json() == {"detail": message, "errors": {"file": [message]}}
    assert traced < MEMORY_BUDGET and rss < MEMORY_BUDGET, (traced, rss)


def test_a_sheet_over_1_mb_is_refused_by_the_api_with_413(client, trainer, event):
    response = api_upload(client, trainer, event, b"Name\n" + b"x" * 1_100_000, "s.csv")
    assert response.status_code == 413
    assert response.json()["detail"] == "The file is larger than 1000 kB."


def over_the_cap(client, path, **extra):
    body = Untouchable()
    response = client.generic(
        "POST",
        path,
        CONTENT_LENGTH=str(300 * MB),
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        **{"wsgi.input": body},
        **extra,
    )
    return response, body


def test_a_300_mb_body_is_refused_on_the_web_before_being_read(client, trainer, event):
    client.force_login(trainer)
    response, body = over_the_cap(client, reverse("training:import", args=[event.pk]))
    assert response.status_code == 413 and body.reads == 0
    assert response["Content-Type"].startswith("text/html")
    assert "The request is larger than 10 MB" in response.content.decode()


def test_a_300_mb_body_is_refused_by_the_api_before_being_read(client, trainer, event):
    path = f"/api/v1/training/events/{event.pk}/import"
    response, body = over_the_cap(client, path, **bearer(trainer))
    assert response.status_code == 413 and body.reads == 0
    assert response.json() == {
        "detail": "The request is larger than 10 MB: it was refused before being read.",
        "errors": {},
    }


def test_a_body_without_content_length_is_never_read(client, trainer, event):
    """A chunked upload: WSGI gives Django no length, and nothing reads past it."""
    client.force_login(trainer)
    body = Untouchable()
    response = client.generic(
        "POST",
        reverse("training:import", args=[event.pk]),
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body},
    )
    assert body.reads == 0
    assert response.status_code == 422  # an empty form: "This field is required."


@override_settings(PAVE_MAX_REQUEST_BYTES=64 * 1024, PAVE_MAX_UPLOAD_MB=0)
def test_the_upload_handler_caps_the_files_a_request_carries(client, trainer, event, settings):
    """Whatever a server announced, the files of one request stop at the limit: with the
    Content-Length check out of the way, the upload handler still answers 413."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SizeLimitMiddleware")]
    response = api_upload(client, trainer, event, b"Name\n" + b"x" * 200_000, "s.csv")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is larger than")
