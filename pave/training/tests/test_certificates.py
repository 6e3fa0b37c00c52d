"""Certificates: codes, initials, the PDF (Arabic shaped, fonts embedded) and the public
verification page that shows only initials, event and dates."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from pave.core.models import AuditEvent
from pave.training import certificates, services
from pave.training.models import Certificate, Participant
from pave.training.tests.conftest import OFFICERS, make_event, run_import, sheet_csv

ARABIC_NAME = "علي حسن"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_codes_are_random_unambiguous_and_forgiving_when_typed():
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 12 and set(code) <= set(certificates.ALPHABET) for code in codes)
    assert certificates.format_code("7KQ2M9XD4TRA") == "7KQ2-M9XD-4TRA"
    assert certificates.normalise_code(" 7kq2-m9xd 4tra ") == "7KQ2M9XD4TRA"
    assert certificates.normalise_code("O1L0-I") == "0110" + "1"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nour Al-Hassan", "N. H."),
        ("Maria Cristina dela Cruz Reyes", "M. R."),
        ("Madonna", "M."),
        (ARABIC_NAME, "ع. ح."),
        ("", ""),
    ],
)
def test_initials_are_the_first_and_last_word(name, expected):
    assert certificates.initials(name) == expected


def test_direction_follows_the_first_strong_character():
    assert certificates.direction(ARABIC_NAME) == "rtl"
    assert certificates.direction("1. Ali") == "ltr"
    assert certificates.direction("١٢ علي") == "rtl"


def test_the_fonts_and_their_licence_are_shipped():
    for filename in certificates.FONT_FILES.values():
        assert (certificates.FONTS_DIR / filename).stat().st_size > 100_000
    assert "SIL OPEN FONT LICENSE" in (certificates.FONTS_DIR / "OFL.txt").read_text()


def test_the_pdf_renderer_loads_nothing_but_its_fonts():
    fetch = certificates._fonts_only_fetcher()
    with pytest.raises(ValueError):
        fetch("https://example.org/tracker.css")
    with pytest.raises(ValueError):
        fetch("file:///etc/passwd")


@pytest.fixture
def certificate(db, trainer, attended):
    services.certificates_issue(actor=trainer, event_id=attended.pk)
    arabic = next(p for p in Participant.objects.all() if p.full_name == ARABIC_NAME)
    return Certificate.objects.get(participant=arabic)


def _pdf_tools() -> tuple[str, str]:
    pdftotext, pdffonts = shutil.which("pdftotext"), shutil.which("pdffonts")
    if not (pdftotext and pdffonts):
        pytest.skip("poppler-utils (pdftotext, pdffonts) is not installed")
    return pdftotext, pdffonts


@pytest.mark.django_db
def test_an_arabic_name_is_shaped_in_logical_order_with_the_shipped_font(
    trainer, certificate, tmp_path
):
    pdftotext, pdffonts = _pdf_tools()
    _cert, pdf = services.certificate_pdf(
        actor=trainer,
        certificate_id=certificate.pk,
        verify_url=lambda code: f"https://pave.example/verify/{code}/",
    )
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603 - fixed tool, our own file
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert ARABIC_NAME in BIDI_CONTROLS.sub("", text)
    assert certificates.format_code(certificate.code) in text
    assert "Victim identification for front-line officers" in text
    fonts = subprocess.run(  # noqa: S603
        [pdffonts, str(path)], capture_output=True, text=True, check=True
    ).stdout
    naskh = [line for line in fonts.splitlines() if "Noto-Naskh-Arabic" in line]
    assert naskh and all(" yes " in line for line in naskh)  # embedded
    assert AuditEvent.objects.filter(action="training.certificate.read").exists()


@pytest.mark.django_db
def test_the_certificate_follows_the_language_asked_for(trainer, certificate, tmp_path):
    pdftotext, _pdffonts = _pdf_tools()
    _cert, pdf = services.certificate_pdf(
        actor=trainer, certificate_id=certificate.pk, verify_url=str, language="ar"
    )
    path = tmp_path / "ar.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert ARABIC_NAME in BIDI_CONTROLS.sub("", text)
    assert "لبنان" in text  # the country's name in Arabic


# --- public verification ---------------------------------------------------------------------


@pytest.mark.django_db
def test_verification_shows_initials_event_and_dates_only(client, certificate):
    url = reverse(
        "training_public:verify", args=[certificates.format_code(certificate.code).lower()]
    )
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "genuine" in html
    assert "ع. ح." in html
    assert "Victim identification for front-line officers" in html
    assert ARABIC_NAME not in html and "حسن" not in html.replace("ع. ح.", "")
    assert "Beirut Migrant Support" in html  # the organiser
    event = AuditEvent.objects.filter(action="training.certificate.verify").get()
    assert event.actor_label == "public:verify" and event.actor_id is None


@pytest.mark.django_db
def test_unknown_codes_are_404_and_revoked_ones_say_so(client, trainer, certificate):
    assert client.get(reverse("training_public:verify", args=["ZZZZ-ZZZZ-ZZZZ"])).status_code == 404
    services.certificate_revoke(actor=trainer, certificate_id=certificate.pk)
    html = client.get(reverse("training_public:verify", args=[certificate.code])).content.decode()
    assert "revoked" in html and "genuine" not in html


@pytest.mark.django_db
def test_the_verification_form_leads_to_the_code(client, certificate):
    form = client.get(reverse("training_public:verify-form"))
    assert form.status_code == 200 and 'name="code"' in form.content.decode()
    response = client.get(reverse("training_public:verify-form"), {"code": certificate.code})
    assert response.status_code == 302
    assert response["Location"] == reverse("training_public:verify", args=[certificate.code])


@pytest.mark.django_db
def test_another_events_participants_get_their_own_certificates(trainer, attended):
    other = make_event(trainer, title="Second event")
    run_import(trainer, other, sheet_csv(OFFICERS[:1]))
    services.certificates_issue(actor=trainer, event_id=attended.pk)
    services.certificates_issue(actor=trainer, event_id=other.pk)
    nour = Participant.objects.get(phone_bidx__gt="")
    assert Certificate.objects.filter(participant=nour).count() == 2


@pytest.mark.django_db
def test_without_pango_the_pdf_is_refused_with_a_reason(client, trainer, certificate, monkeypatch):
    def missing():
        raise certificates.PdfUnavailable("PDF certificates need the Pango library")

    monkeypatch.setattr(certificates, "_weasyprint", missing)
    client.force_login(trainer)
    response = client.get(reverse("training:certificate-pdf", args=[certificate.pk]))
    assert response.status_code == 503 and b"Pango" in response.content
