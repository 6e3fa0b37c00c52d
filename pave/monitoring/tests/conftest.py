import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from pave.accounts.models import Organisation
from pave.accounts.roles import Role
from pave.demo.results import monitoring_demo_load
from pave.demo.training import training_demo_load
from pave.monitoring.models import Project
from pave.monitoring.services import indicator_save, project_create
from pave.testing import catalogue_ensure, make_org, make_user
from pave.training.models import Attendance


def training_demo_load_if_missing() -> None:
    """Load the training demo if `demo load` did not."""
    if not Attendance.objects.exists():
        organisations = {org.code: org for org in Organisation.objects.all()}
        training_demo_load(actor="cli:demo", organisations=organisations)


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
        catalogue_ensure()  # module-scoped: before the per-test fixture that does it
        call_command("demo", "load", stdout=io.StringIO(), stderr=io.StringIO())
        training_demo_load_if_missing()

        # `demo load` creates the project itself; load it here only if it did not.
        project = Project.objects.filter(code="PAVE").first() or monitoring_demo_load(
            actor="cli:demo"
        )
        yield project.pk
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_module, db):
    return Project.objects.get(pk=_demo_module)


@pytest.fixture
def needs_training(demo):
    """The demo programme, with its training (kept for the tests that name it)."""
    return demo


def donor_project(personas) -> Project:
    """Project P1 of the personas' NGO for 2014, funded by the EU delegation (whose donor
    viewer eva becomes `personas.donor`), counting the people it assisted by sex and age."""
    donor = make_org("EU", name="EU delegation", type="InternationalOrganisation")
    personas.donor = make_user("eva", donor, Role.DONOR_VIEWER)
    project = project_create(
        actor="test",
        organisation=personas.ngo,
        code="P1",
        title="Project",
        start=datetime.date(2014, 1, 1),
        end=datetime.date(2014, 12, 31),
        donor_organisation=donor,
    )
    indicator_save(
        actor="test",
        project=project,
        code="assisted",
        label="Assisted",
        definition={"source": "cases", "disaggregations": ["sex_age"]},
    )
    return project
