"""Dates and numbers follow the reader's language (issue 7): month names and date order from
the locale, thousands grouped with the locale's separator, decimals with its decimal mark.

English and French follow Django's locale formats. Arabic uses Django's `ar` formats: Arabic
month names, and Latin digits grouped with "." and a decimal ",", as in Lebanon, where the
programme's demo office works; identifiers (case references, detainee numbers) are never
regrouped.
"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from pave.assistance import services
from pave.assistance.models import ServiceType
from pave.assistance.tests.conftest import catalogue  # noqa: F401 - fixture
from pave.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_with_costly_service(personas, catalogue):  # noqa: F811
    case = make_case(personas.amal, identification_date=datetime.date(2014, 3, 5))
    services.service_delivery_record(
        actor=personas.amal,
        case_id=case.pk,
        data={
            "service_type": ServiceType.objects.get(code="ticket"),
            "delivered_on": datetime.date(2014, 3, 1),
            "cost": Decimal("12500.50"),
            "currency": "USD",
        },
    )
    return case


@pytest.mark.parametrize(
    ("language", "cost", "date"),
    [
        ("en", "12,500.50 USD", "03/01/2014"),
        ("fr", "12\xa0500,50 USD", "01/03/2014"),
        ("ar", "12.500,50 USD", "01\u200f/03\u200f/2014"),
    ],
)
def test_amounts_and_dates_follow_the_language(
    client, personas, case_with_costly_service, language, cost, date
):
    client.force_login(personas.amal)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(f"/assistance/cases/{case_with_costly_service.pk}/").content.decode()
    assert f"<bdi>{cost}</bdi>" in html
    # The visible date follows the locale; the machine-readable one stays ISO.
    assert f'<time datetime="2014-03-01">{date}</time>' in html


@pytest.mark.parametrize(("language", "month"), [("en", "March"), ("fr", "mars"), ("ar", "مارس")])
def test_long_dates_use_the_languages_month_names(
    client, personas, case_with_costly_service, language, month
):
    client.force_login(personas.amal)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(f"/cases/{case_with_costly_service.pk}/").content.decode()
    assert month in html
    assert case_with_costly_service.reference in html


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "1,234"), ("fr", "1\xa0234"), ("ar", "1.234")]
)
def test_counts_are_grouped_in_the_languages_way(personas, language, shown):
    template = Template(
        "{% load i18n humanize %}{% blocktranslate count counter=n with shown=n|intcomma %}"
        "{{ shown }} case{% plural %}{{ shown }} cases{% endblocktranslate %}"
    )
    with translation.override(language):
        text = template.render(Context({"n": 1234}))
    assert text.startswith(shown)


def test_arabic_date_and_time_read_in_arabic_order(personas):
    moment = datetime.datetime(2026, 11, 29, 16, 15)
    with translation.override("ar"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "29 نوفمبر، 2026، 4:15 م"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == (
            "29\u200f/11\u200f/2026 4:15 م"
        )
