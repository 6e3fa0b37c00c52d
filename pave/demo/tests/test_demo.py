"""`pave demo load` / `logins` / `generate` on an empty database (each test loads its own)."""

import io
import random

import pytest
from django.core.management import CommandError, call_command

from pave.accounts.models import Organisation
from pave.assistance.models import ServiceDelivery
from pave.cases.models import Case
from pave.core.audit import audit_verify
from pave.demo import services
from pave.demo.common import DEMO_SEED, DemoError
from pave.demo.people import demo_profiles


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    # Argon2 is what real users get; the tests only need some hash, fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_load_says_what_it_created(db, demo_settings):
    output = demo("load")
    summary = output.splitlines()[0]
    assert "89 cases at IOM-LB" in summary
    assert "89 persons directly assisted from 1 July 2013 to 30 June 2014" in summary
    assert "referrals (" in summary and "service directory entries" in summary
    assert list(audit_verify()) == []


def test_load_is_all_or_nothing(db, demo_settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise DemoError("the directory is down")

    monkeypatch.setattr(services, "directory_create", refuse)
    with pytest.raises(CommandError, match="the directory is down"):
        demo("load")
    assert not Organisation.objects.exists()
    assert not Case.objects.exists()
    assert not ServiceDelivery.objects.exists()


def test_logins_without_a_loaded_demo_says_so_and_succeeds(db, demo_settings):
    assert "No demo logins" in demo("logins")


def test_load_refuses_a_database_with_other_organisations(db, demo_settings):
    Organisation.objects.create(code="REAL", name="Real NGO", type="NGO", country="LB")
    with pytest.raises(CommandError, match="only loaded into an empty database"):
        demo("load")


def test_generate_for_an_unknown_organisation_fails_clearly(db, demo_settings):
    with pytest.raises(CommandError, match="no organisation"):
        demo("generate", "--persons", "5", "--org", "NOPE")


def test_demo_people_are_the_same_on_every_load():
    first = demo_profiles(random.Random(DEMO_SEED))
    again = demo_profiles(random.Random(DEMO_SEED))
    assert first == again
    assert len(first) == 89
