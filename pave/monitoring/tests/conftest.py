import importlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from pave.demo.results import monitoring_demo_load


def training_demo_loaded() -> bool:
    """Load the training demo if the training app ships one and `demo load` did not."""
    try:
        module = importlib.import_module("pave.demo.training")
        from pave.training.models import Attendance
    except (ImportError, RuntimeError):
        return False
    if not Attendance.objects.exists():
        from pave.accounts.models import Organisation

        organisations = {org.code: org for org in Organisation.objects.all()}
        module.training_demo_load(actor="cli:demo", organisations=organisations)
    return True


@pytest.fixture(scope="module")
def _demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo programme, loaded once per test module inside a transaction rolled back at the
    end; each test runs in its own savepoint of it (pytest-django's `db`), so what a test writes
    is gone before the next one."""
    overrides = override_settings(
        DATA_DIR=tmp_path_factory.mktemp("demo"),
        # Argon2 is what real users get; these tests only need some hash, fast.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), overrides, transaction.atomic():
        call_command("demo", "load", stdout=io.StringIO(), stderr=io.StringIO())
        has_training = training_demo_loaded()
        from pave.monitoring.models import Project

        # `demo load` creates the project itself; load it here only if it did not.
        project = Project.objects.filter(code="PAVE").first() or monitoring_demo_load(
            actor="cli:demo"
        )
        yield project.pk, has_training
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_module, db):
    from pave.monitoring.models import Project

    project_pk, has_training = _demo_module
    project = Project.objects.get(pk=project_pk)
    project.has_training = has_training
    return project


@pytest.fixture
def needs_training(demo):
    if not demo.has_training:
        pytest.skip("the training app's demo (pave.demo.training) is not available yet")
    return demo
