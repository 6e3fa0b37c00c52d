"""The public certificate check is rate-limited per client address, and a script hammering it
does not grow the audit log by a row per request (issue 12, item 3)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from pave.core.models import AuditEvent, RateWindow
from pave.training import services
from pave.training.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(trainer, attended):
    services.certificates_issue(actor=trainer, event_id=attended.pk)
    certificate = Certificate.objects.order_by("pk").first()
    assert certificate is not None
    return certificate.code


@override_settings(PAVE_VERIFY_RATE_LIMIT=5, PAVE_VERIFY_RATE_WINDOW_SECONDS=600)
def test_lookups_beyond_the_limit_answer_429_and_write_no_audit_row_each(client, code):
    url = reverse("training_public:verify", args=[code])
    before = AuditEvent.objects.count()
    answers = [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(5)]
    assert answers == [200] * 5
    # Guessing codes counts too: unknown ones are 404 until the limit, then 429.
    refused = client.get(
        reverse("training_public:verify", args=["ZZZZ-ZZZZ-ZZZZ"]), REMOTE_ADDR="203.0.113.7"
    )
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert "Too many certificate checks" in refused.content.decode()
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 429
    # One row for the certificate today, not one per lookup.
    assert AuditEvent.objects.count() == before + 1
    # Another address has its own count.
    assert client.get(url, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert AuditEvent.objects.count() == before + 1


def test_the_count_is_kept_in_the_database_for_every_worker(client, code):
    url = reverse("training_public:verify", args=[code])
    client.get(url, REMOTE_ADDR="203.0.113.9")
    client.get(url, REMOTE_ADDR="203.0.113.9")
    window = RateWindow.objects.get(scope="verify", client="203.0.113.9")
    assert window.hits == 2
