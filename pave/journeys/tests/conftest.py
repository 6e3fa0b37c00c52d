"""What the journeys share: the two interface languages, labels looked up in the page's
language, a check for every page visited, and starting states built through the services.

Labels come from PAVE's own catalogues (`tr`), so a journey reads like the English page and
still finds its way round the Arabic one; in Arabic `tr` also fails on a label nobody
translated.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from pave.accounts.roles import Role
from pave.assistance.models import ServiceType
from pave.assistance.services import service_delivery_record
from pave.monitoring import services as monitoring
from pave.referrals.tests.conftest import Partner, ensure_catalogue, offers
from pave.testing import (
    axe_check,
    log_in,
    make_case,
    make_org,
    make_user,
    person_data,
    use_language,
)
from pave.testing import screenshot as keep_screenshot

LANGUAGES = ["en", "ar"]
ARABIC_LETTERS = re.compile("[\u0600-\u06ff]{3,}")
PROJECT = "JRN"


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    return request.param


def tr(language: str, text: str) -> str:
    """TEXT as the interface shows it in LANGUAGE (PAVE's catalogues)."""
    with translation.override(language):
        shown = translation.gettext(text)
    if language != "en":
        assert shown != text, f"not translated into {language}: {text!r}"
    return shown


def label(language: str, text: str) -> re.Pattern[str]:
    """A field's whole label in LANGUAGE, with or without the colon forms add after it."""
    return re.compile(rf"^\s*{re.escape(tr(language, text))}\s*[:؛]?\s*$")


def field(scope: Any, language: str, text: str) -> Any:
    """The form control labelled TEXT (in LANGUAGE) inside SCOPE (a page or a locator)."""
    return scope.get_by_label(label(language, text))


def assert_language(page: Any, language: str) -> None:
    """`<html lang dir>` follow the language, and an Arabic page shows Arabic text."""
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    if language == "ar":  # in the page's own content, not only in the menus around it
        content = page.locator("main") if page.locator("main").count() else page.locator("body")
        assert ARABIC_LETTERS.search(content.inner_text()), f"no Arabic text on {page.url}"


def check_page(page: Any, language: str, journey: str, step: str, *, key: bool = False) -> None:
    """Every page a journey visits: right language and direction, and no serious or critical
    axe-core violation. A KEY page is kept as test-artifacts/journey-JOURNEY-LANGUAGE-STEP.png.
    """
    page.wait_for_load_state()
    assert_language(page, language)
    axe_check(page, f"{journey} {language} {step}")
    if key:
        keep_screenshot(page, f"journey-{journey}-{language}-{step}")


def start(page: Any, language: str, username: str, *, check_login: bool = False) -> None:
    """Choose the interface language, then log in (as the language switcher would). The
    login page is the same for everyone: one journey checks it (CHECK_LOGIN)."""
    page.set_default_timeout(10_000)
    use_language(page, language)
    if check_login:
        page.goto("/accounts/login/")
        check_page(page, language, "login", "form")
    log_in(page, username)
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


@pytest.fixture(autouse=True)
def _fixture_password_hash_kept(settings) -> None:
    """Logging in with the personas' cheap fixture hash would upgrade it to Argon2 (about a
    second each time on a busy machine); the journeys are not about hashing."""
    md5 = "django.contrib.auth.hashers.MD5PasswordHasher"
    settings.PASSWORD_HASHERS = [md5, *(h for h in settings.PASSWORD_HASHERS if h != md5)]


# --- starting states, through the services ---------------------------------------------------


@pytest.fixture
def catalogue(db) -> None:
    ensure_catalogue()


@pytest.fixture
def partner(personas, catalogue) -> Partner:
    """Addis Reintegration Centre (Ethiopia); fatima is its focal point for referrals. It
    offers shelter in the service directory (a referral goes only to a provider)."""
    partner = Partner()
    offers(partner.org, "shelter")
    return partner


@pytest.fixture
def survivor_case(personas, catalogue):
    """A case of BMS assigned to amal, with a name that must never leak."""
    person = person_data(given_name="Selamawit", family_name="Haile", phone="+961 70 555 123")
    return make_case(personas.amal, person=person)


class Programme:
    """A project run by BMS (and funded by the EU delegation, whose donor viewer is eva)
    with the factsheet's first indicator, migrants_assisted; N people already assisted."""

    def __init__(self, personas: Any, assisted: int) -> None:
        today = timezone.localdate()
        # The people already assisted were helped last month: donors see whole, ended periods
        # only (issue 12), so that is what their dashboard shows by default.
        last_month = today.replace(day=1) - datetime.timedelta(days=10)
        self.donor_org = make_org("EU-LB", name="EU Delegation", type="InternationalOrganisation")
        self.eva = make_user("eva", self.donor_org, Role.DONOR_VIEWER)
        self.me_officer = personas.by_role[Role.ME_OFFICER]
        self.project = monitoring.project_create(
            actor="test:journeys",
            organisation=personas.ngo,
            code=PROJECT,
            title="Protection of migrant workers in Lebanon",
            start=datetime.date(last_month.year, 1, 1),
            end=datetime.date(today.year + 1, 12, 31),
            donor="European Union",
            donor_organisation=self.donor_org,
        )
        indicator = monitoring.indicator_save(
            actor="test:journeys",
            project=self.project,
            code="migrants_assisted",
            label="Exploited, trafficked or vulnerable migrants received direct assistance",
            label_ar="مهاجرون مستغَلّون أو ضحايا اتجار أو مستضعفون تلقّوا مساعدة مباشرة",
            definition={
                "source": "services",
                "count": "distinct_persons",
                "period_field": "delivered_on",
                "filters": {"status": ["delivered"]},
                "disaggregations": ["sex_age"],
            },
        )
        monitoring.target_set(
            actor="test:journeys",
            indicator=indicator,
            period_start=self.project.start,
            period_end=self.project.end,
            value=150,
        )
        self.cases = []
        for n in range(assisted):
            sex = "male" if n == 0 else "female"  # one man: a cell donors never see
            person = person_data(given_name=f"Assisted{n}", sex=sex)
            case = make_case(personas.amal, person=person, identification_date=last_month)
            self.assist(personas.amal, case, code="shelter", day=last_month)
            self.cases.append(case)

    @staticmethod
    def assist(actor: Any, case: Any, *, code: str, day: datetime.date | None = None) -> None:
        service_delivery_record(
            actor=actor,
            case_id=case.pk,
            data={
                "service_type": ServiceType.objects.get(code=code),
                "delivered_on": day or timezone.localdate(),
            },
        )


@pytest.fixture
def programme(personas, catalogue) -> Programme:
    return Programme(personas, assisted=6)
