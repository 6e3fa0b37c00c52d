"""Schemathesis against the in-process API: every operation, a few generated requests each
(valid and invalid), as an administrator. No request may answer 5xx, and every answer must
be what the OpenAPI says (status, content type, body schema — the JSON error shape included).

Bounded: 5 examples per operation, derandomised, so it runs in `make test` on SQLite and
PostgreSQL alike. Deselect locally with `-m "not fuzz"`.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pave.api import api
from pave.testing import Personas, bearer, make_case

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def admin_headers(db):
    """An administrator of the NGO (with one case to find), and Django's request signals
    kept from closing the test's connection, as the Django test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    people = Personas()
    make_case(people.bilal)
    yield {"Authorization": bearer(people.by_role["administrator"])["HTTP_AUTHORIZATION"]}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_no_5xx_and_as_documented(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
