"""Instrument translations: every shipped text in Arabic and French, the fallback to English,
the file format's checks, and the pages and API in the active language (stored data stays
English)."""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import override_settings
from django.utils import translation

from pave.screening.engine import (
    SHIPPED_DIRECTORY,
    Instrument,
    InstrumentError,
    Outcome,
    assess,
    assess_batch,
    build_instrument,
    language_of,
    load_instruments,
)
from pave.screening.models import Screening
from pave.screening.tests.test_api import SCREENING_API
from pave.screening.tests.test_services import (
    ICLS_V2,
    TRAFFICKING_ANSWERS,
    make_visit,
    submit,
)
from pave.screening.tests.test_views import parse, step_one
from pave.testing import Api

REGISTRY = load_instruments()
SHIPPED = list(REGISTRY)
ADULT, CHILD, ICLS = "ilo-2009-adult-labour", "ilo-2009-child-labour", "icls-2018-forced-labour"
LANGUAGES = ("ar", "fr")
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def outcome_of(instrument: Instrument, code: str) -> Outcome:
    """The instrument's outcome `code`, which the test knows it has."""
    outcome = instrument.outcome(code)
    assert outcome is not None, code
    return outcome


def texts(instrument: Instrument) -> list[tuple[str, str, dict[str, str]]]:
    """(where, English, translations) for every title and label of ``instrument``."""
    found = [("title", instrument.title, dict(instrument.titles))]
    for dimension in instrument.dimensions:
        found.append((f"dimension {dimension.code}", dimension.title, dict(dimension.titles)))
        found += [(f"indicator {i.code}", i.label, dict(i.labels)) for i in dimension.indicators]
    found += [(f"outcome {o.code}", o.label, dict(o.labels)) for o in instrument.outcomes]
    return found


def instrument_raw(**changes):
    raw = {
        "code": "org-test",
        "version": 1,
        "title": "Test instrument",
        "dimension_rule": "any",
        "dimensions": [
            {
                "code": "a",
                "title": "Alpha",
                "indicators": [{"code": "a.one", "strength": "strong", "label": "One"}],
            }
        ],
        "outcomes": [
            {"code": "flagged", "when": "a", "label": "Flagged"},
            {"code": "clear", "when": "not a", "label": "Clear"},
        ],
    }
    raw.update(changes)
    return raw


# --- every shipped text is translated --------------------------------------------------------


def test_the_shipped_instruments_are_the_three_expected():
    assert sorted(i.code for i in SHIPPED) == [ICLS, ADULT, CHILD]
    sizes = {i.code: (len(i.dimensions), len(i.indicators)) for i in SHIPPED}
    assert sizes == {ADULT: (6, 67), CHILD: (6, 65), ICLS: (2, 15)}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("instrument", SHIPPED, ids=lambda i: i.code)
def test_every_title_and_label_of_every_shipped_instrument_is_translated(instrument, lang):
    missing = [
        where
        for where, _, translations in texts(instrument)
        if not (translations.get(lang) or "").strip()
    ]
    assert not missing, f"{instrument.label} has no {lang} text for: {', '.join(missing)}"
    assert instrument.untranslated(lang) == ()
    assert set(LANGUAGES) <= instrument.languages()


@pytest.mark.parametrize("path", sorted(SHIPPED_DIRECTORY.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_carries_its_own_translations(path: Path):
    """The files themselves (not only what the loader derives) hold ar and fr for every text
    they define; a derived file defines its title and outcomes."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = [("title", raw)]
    for dimension in raw.get("dimensions", []):
        items.append((f"dimension {dimension['code']}", dimension))
        items += [(f"indicator {i['code']}", i) for i in dimension["indicators"]]
    items += [(f"outcome {o['code']}", o) for o in raw["outcomes"]]
    missing = [
        f"{where} ({lang})"
        for where, item in items
        for lang in LANGUAGES
        if not (item.get("titles" if "title" in item else "labels") or {}).get(lang)
    ]
    assert not missing, f"{path.name}: {', '.join(missing)}"


@pytest.mark.parametrize("instrument", SHIPPED, ids=lambda i: i.code)
def test_translations_look_like_translations(instrument):
    """Arabic in Arabic script, French not a copy of the English, no stray spaces, and the
    same parenthesised parts as the English."""
    for where, english, translations in texts(instrument):
        arabic, french = translations["ar"], translations["fr"]
        assert ARABIC_LETTER.search(arabic), (where, arabic)
        latin = LATIN_LETTER.findall(arabic)
        assert not latin, (where, arabic)
        assert french != english, (where, french)
        for text in (arabic, french):
            assert text == text.strip() and "  " not in text, (where, text)
            assert text.count("(") == english.count("(") == text.count(")"), (where, text)
            assert "…" not in text and "TODO" not in text.upper(), (where, text)


def test_the_same_english_text_has_the_same_translation_everywhere():
    by_english: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for instrument in SHIPPED:
        for _, english, translations in texts(instrument):
            by_english[english].add((translations["ar"], translations["fr"]))
    inconsistent = {english: found for english, found in by_english.items() if len(found) > 1}
    assert not inconsistent


def test_the_standard_terms_of_the_field_are_used():
    adult, icls = REGISTRY.get(ADULT), REGISTRY.get(ICLS)
    dr, cd = adult.dimensions[0], adult.dimensions[4]
    assert "الاتجار بالبشر" in adult.titles["ar"]
    assert "Traite des êtres humains" in adult.titles["fr"]
    assert dr.titles["fr"].startswith("Recrutement trompeur")
    assert cd.titles["fr"] == "Coercition à destination"
    for code in ("cr.debt_bondage", "cd.debt_bondage"):
        assert adult.indicator(code).labels == {"ar": "عبودية الدين", "fr": "Servitude pour dettes"}
    for code in ("cr.confiscation_documents", "cd.confiscation_documents"):
        assert adult.indicator(code).labels == {
            "ar": "مصادرة الوثائق",
            "fr": "Confiscation des documents",
        }
    assert "العمل الجبري" in icls.titles["ar"] and "Travail forcé" in icls.titles["fr"]
    assert "عبودية الدين" in icls.indicator("coe.debt_manipulation").labels["ar"]
    assert "استغلال حالة الاستضعاف" in adult.dimensions[2].titles["ar"]


# --- the child list carries the adult translations over --------------------------------------


def test_child_derivation_carries_translations_over():
    adult, child = REGISTRY.get(ADULT), REGISTRY.get(CHILD)
    for code, indicator in child.indicators.items():
        assert indicator.labels == adult.indicator(code).labels, code
    for adult_dimension, child_dimension in zip(adult.dimensions, child.dimensions, strict=True):
        assert child_dimension.titles == adult_dimension.titles
    assert child.title_in("ar") != adult.title_in("ar")
    assert outcome_of(child, "trafficking").label_in("fr").startswith("Enfant")


def test_a_derived_instrument_without_translations_of_its_own(tmp_path):
    """Its own title and outcomes are English; indicators and inherited outcomes keep the
    base's translations."""
    (tmp_path / "derived.yaml").write_text(
        "code: org-child\nversion: 1\ntitle: Our child list\nderived_from: " + ADULT + "\n",
        encoding="utf-8",
    )
    derived = load_instruments(SHIPPED_DIRECTORY, tmp_path).get("org-child")
    adult = REGISTRY.get(ADULT)
    assert derived.title_in("ar") == "Our child list"
    assert derived.untranslated("ar") == ("title",)
    assert derived.indicator("dr.wages").label_in("ar") == adult.indicator("dr.wages").labels["ar"]
    assert (
        outcome_of(derived, "trafficking").label_in("fr")
        == (outcome_of(adult, "trafficking").labels["fr"])
    )


# --- the API of the engine: lookups and fallback ---------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("ar", "ar"),
        ("ar-LB", "ar"),
        ("ar_LB", "ar"),
        ("AR", "ar"),
        ("fr-CA", "fr"),
        ("zh-Hant-TW", "zh"),
        ("", ""),
        (None, ""),
    ],
)
def test_language_of_a_tag(tag, expected):
    assert language_of(tag) == expected


def test_lookups_follow_the_language_tag_and_fall_back_to_english():
    adult = REGISTRY.get(ADULT)
    indicator = adult.indicator("dr.job_nature")
    assert indicator.label_in("ar-LB") == indicator.labels["ar"] == indicator.label_in("ar")
    assert indicator.label_in("fr_FR") == indicator.labels["fr"]
    for english in (None, "", "en", "en-GB", "de", "not a tag"):
        assert indicator.label_in(english) == indicator.label
        assert adult.title_in(english) == adult.title
        assert adult.dimensions[0].title_in(english) == adult.dimensions[0].title
        assert adult.outcomes[0].label_in(english) == adult.outcomes[0].label
    assert adult.title_in("fr") == adult.titles["fr"]
    assert adult.dimensions[0].title_in("ar") == adult.dimensions[0].titles["ar"]
    assert adult.outcomes[0].label_in("ar") == adult.outcomes[0].labels["ar"]
    assert adult.untranslated("en") == ()


def test_an_instrument_without_translations_shows_english():
    instrument = build_instrument(instrument_raw())
    assert instrument.languages() == frozenset()
    assert instrument.title_in("ar") == "Test instrument"
    assert instrument.dimensions[0].title_in("fr") == "Alpha"
    assert instrument.indicator("a.one").label_in("ar-LB") == "One"
    assert instrument.outcomes[0].label_in("ar") == "Flagged"
    assert instrument.untranslated("ar") == (
        "title",
        "dimension a",
        "indicator a.one",
        "outcome flagged",
        "outcome clear",
    )
    assert assess(instrument, {"a.one": True}).to_dict("ar")["outcome_label"] == "Flagged"


def test_a_partial_translation_falls_back_text_by_text():
    raw = instrument_raw(titles={"fr": "Instrument de test"})
    raw["dimensions"][0]["indicators"][0]["labels"] = {"ar": "واحد"}
    instrument = build_instrument(raw)
    assert instrument.title_in("fr") == "Instrument de test"
    assert instrument.title_in("ar") == "Test instrument"
    assert instrument.indicator("a.one").label_in("ar") == "واحد"
    assert instrument.indicator("a.one").label_in("fr") == "One"
    assert instrument.languages() == {"ar", "fr"}


def test_translations_do_not_change_equality_or_the_assessment():
    plain = build_instrument(instrument_raw())
    translated = build_instrument(
        instrument_raw(titles={"ar": "أداة اختبار"}),
    )
    assert plain == translated
    assert assess(plain, {"a.one": True}).to_dict() == assess(translated, {"a.one": True}).to_dict()


# --- the file format's checks ----------------------------------------------------------------


def with_indicator_labels(labels):
    raw = instrument_raw()
    raw["dimensions"][0]["indicators"][0]["labels"] = labels
    return raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (with_indicator_labels({"xx": "?"}), "unknown language code 'xx'"),
        (with_indicator_labels({"ara": "واحد"}), "unknown language code 'ara'"),
        (with_indicator_labels({"AR": "واحد"}), "unknown language code 'AR'"),
        (with_indicator_labels({"ar-LB": "واحد"}), "unknown language code 'ar-LB'"),
        (with_indicator_labels({"en": "One"}), "the English text is 'label'"),
        (with_indicator_labels({"ar": ""}), "text for 'ar' must be a non-empty string"),
        (with_indicator_labels({"ar": "  "}), "text for 'ar' must be a non-empty string"),
        (with_indicator_labels({"ar": 3}), "text for 'ar' must be a non-empty string"),
        (with_indicator_labels({False: "Ikke"}), "quote the code"),
        (with_indicator_labels(["ar", "واحد"]), "'labels' must map language codes to texts"),
        (instrument_raw(titles="عنوان"), "'titles' must map language codes to texts"),
        (instrument_raw(titles={"zz": "?"}), "unknown language code 'zz'"),
        (instrument_raw(label_ar="?"), "unknown key 'label_ar'"),
        (instrument_raw(labels={"ar": "?"}), "unknown key 'labels'"),
    ],
)
def test_bad_translations_are_refused(raw, message):
    with pytest.raises(InstrumentError) as info:
        build_instrument(raw, source="org.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("org.yaml")


def test_a_bad_dimension_or_outcome_translation_names_where_it_is():
    raw = instrument_raw()
    raw["dimensions"][0]["titles"] = {"qq": "?"}
    with pytest.raises(InstrumentError, match=r"dimension 'a': 'titles' has unknown language"):
        build_instrument(raw)
    raw = instrument_raw()
    raw["outcomes"][0]["labels"] = {"fr": ""}
    with pytest.raises(InstrumentError, match=r"outcome 'flagged': 'labels' text for 'fr'"):
        build_instrument(raw)
    raw = instrument_raw()
    raw["dimensions"][0]["indicators"][0]["titles"] = {"fr": "Un"}
    with pytest.raises(InstrumentError, match=r"unknown key 'titles'"):
        build_instrument(raw)


def test_an_unquoted_no_in_a_file_is_explained(tmp_path):
    """YAML 1.1 reads an unquoted ``no`` (Norwegian) as false."""
    text = yaml.safe_dump(instrument_raw(titles={"fr": "Test"})).replace(
        "titles:\n  fr: Test", "titles:\n  no: Test"
    )
    assert "  no: Test" in text
    (tmp_path / "org.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError, match="quote the code"):
        load_instruments(tmp_path)
    (tmp_path / "org.yaml").write_text(text.replace("no: Test", "'no': Test"), encoding="utf-8")
    assert load_instruments(tmp_path).get("org-test").title_in("no") == "Test"


def test_a_derived_instrument_may_translate_its_title():
    base = build_instrument(instrument_raw())
    derived = build_instrument(
        {
            "code": "org-derived",
            "version": 1,
            "title": "Derived",
            "titles": {"fr": "Dérivé"},
            "derived_from": "org-test",
        },
        base,
    )
    assert derived.title_in("fr") == "Dérivé"


# --- the assess contract stays English unless a language is asked for ------------------------


def assess_one(request: dict[str, Any], lang: str | None = None) -> dict[str, Any]:
    """assess_batch of one request, whose answer is one result (a dict)."""
    result = assess_batch(REGISTRY, request, lang)
    assert isinstance(result, dict)
    return result


def test_the_assess_contract_is_english_unless_lang_is_given():
    request = {"instrument": ADULT, "answers": TRAFFICKING_ANSWERS}
    adult = REGISTRY.get(ADULT)
    english = assess_one(request)
    with translation.override("ar"):
        assert assess_batch(REGISTRY, request) == english  # the active language plays no part
    assert english["outcome_label"] == "Presumed victim of trafficking for labour exploitation"
    arabic = assess_one(request, lang="ar-LB")
    assert arabic["outcome_label"] == outcome_of(adult, "trafficking").labels["ar"]
    assert {**arabic, "outcome_label": english["outcome_label"]} == english
    batch = assess_batch(REGISTRY, [request, {"instrument": ICLS, "answers": {}}], lang="fr")
    assert isinstance(batch, list)
    assert [r["outcome_label"] for r in batch] == [
        outcome_of(adult, "trafficking").labels["fr"],
        outcome_of(REGISTRY.get(ICLS), "no_indication").labels["fr"],
    ]
    assert assess_one(request, lang="sw")["outcome_label"] == english["outcome_label"]


# --- the web pages ---------------------------------------------------------------------------


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.dina)
    return client


def in_language(client, lang):
    client.cookies["django_language"] = lang
    return client


def test_the_form_in_arabic_shows_the_arabic_labels_right_to_left(officer):
    adult = REGISTRY.get(ADULT)
    in_language(officer, "ar")
    first = officer.get("/screening/new/").content.decode()
    assert '<html lang="ar" dir="rtl">' in first
    assert adult.titles["ar"] in first and adult.title not in first
    response = officer.post("/screening/new/", step_one())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert adult.titles["ar"] in html
    legends = re.findall(r'<fieldset class="group">\s*<legend>([^<]+)</legend>', html)
    assert legends[1:] == [d.titles["ar"] for d in adult.dimensions]
    for indicator in adult.indicators.values():
        assert indicator.labels["ar"] in html, indicator.code
        assert f">{escape(indicator.label)}<" not in html, indicator.code
    # the inputs still carry the codes, so what is stored does not depend on the language
    names = {c.get("name") for c in parse(response).controls}
    assert {f"answer:{code}" for code in adult.indicators} <= names


def test_the_form_in_french(officer):
    icls = REGISTRY.get(ICLS)
    in_language(officer, "fr")
    html = officer.post("/screening/new/", step_one(instrument=ICLS)).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    for indicator in icls.indicators.values():
        assert escape(indicator.labels["fr"]) in html, indicator.code
    assert escape(icls.titles["fr"]) in html


def test_an_instrument_without_translations_is_shown_in_english(officer, tmp_path):
    (tmp_path / "icls.v2.yaml").write_text(ICLS_V2, encoding="utf-8")
    in_language(officer, "ar")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        html = officer.post("/screening/new/", step_one(instrument=ICLS)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "Forced labour, stricter (test version)" in html
    assert "Cannot terminate" in html and "Involuntary work" in html


def test_the_outcome_and_why_are_shown_in_the_active_language_stored_in_english(officer, personas):
    adult = REGISTRY.get(ADULT)
    visit = make_visit(personas.dina)
    with translation.override("ar"):
        screening = submit(personas.dina, visit_id=visit.pk)
    stored = Screening.objects.get(pk=screening.pk).assessment
    assert stored["outcome_label"] == outcome_of(adult, "trafficking").label
    assert stored["why"][0]["title"] == adult.dimensions[0].title
    assert stored["why"][0]["observed"][0]["label"] == adult.indicator("dr.job_nature").label

    in_language(officer, "ar")
    html = officer.get(f"/screening/{screening.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert outcome_of(adult, "trafficking").labels["ar"] in html
    assert outcome_of(adult, "trafficking").label not in html
    for code in ("dr", "ex", "cd"):
        dimension = next(d for d in adult.dimensions if d.code == code)
        assert dimension.titles["ar"] in html and dimension.title not in html
    for code, answer in TRAFFICKING_ANSWERS.items():
        if answer is not None:
            indicator = adult.indicator(code)
            assert indicator.labels["ar"] in html and indicator.label not in html, code

    in_language(officer, "fr")
    listing = officer.get("/screening/").content.decode()
    assert escape(outcome_of(adult, "trafficking").labels["fr"]) in listing
    visit_page = officer.get(f"/screening/visits/{visit.pk}/").content.decode()
    assert escape(outcome_of(adult, "trafficking").labels["fr"]) in visit_page

    in_language(officer, "en")
    html = officer.get(f"/screening/{screening.pk}/").content.decode()
    assert outcome_of(adult, "trafficking").label in html
    assert Screening.objects.get(pk=screening.pk).assessment == stored


def test_the_outcome_filter_is_in_the_active_language(officer):
    in_language(officer, "fr")
    html = officer.get("/screening/").content.decode()
    icls = REGISTRY.get(ICLS)
    assert escape(outcome_of(icls, "forced_labour").labels["fr"]) in html


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(client, personas):
    return Api(client, personas.dina, base=SCREENING_API)


def indicator_labels(body, code):
    instrument = next(i for i in body if i["code"] == code)
    return {i["code"]: i["label"] for d in instrument["dimensions"] for i in d["indicators"]}


def test_the_instruments_endpoint_in_french(api):
    adult = REGISTRY.get(ADULT)
    body = api.get("/instruments", lang="fr").json()
    by_code = {i["code"]: i for i in body}
    assert by_code[ADULT]["title"] == adult.titles["fr"]
    assert [d["title"] for d in by_code[ADULT]["dimensions"]] == [
        d.titles["fr"] for d in adult.dimensions
    ]
    assert indicator_labels(body, ADULT) == {c: i.labels["fr"] for c, i in adult.indicators.items()}
    assert [o["label"] for o in by_code[ADULT]["outcomes"]] == [
        o.labels["fr"] for o in adult.outcomes
    ]
    assert (
        by_code[CHILD]["dimensions"][0]["indicators"][0]["label"]
        == (adult.indicator("dr.job_nature").labels["fr"])
    )
    # the codes, strengths and rules do not change with the language
    english = api.get("/instruments").json()
    assert [(i["code"], i["version"]) for i in body] == [(i["code"], i["version"]) for i in english]
    assert [o["when"] for o in by_code[ADULT]["outcomes"]] == [str(o.when) for o in adult.outcomes]


def test_the_instruments_endpoint_follows_the_request_language(api):
    adult = REGISTRY.get(ADULT)
    headers = api.headers
    body = api.client.get(
        "/api/v1/screening/instruments", {"code": ADULT}, HTTP_ACCEPT_LANGUAGE="ar", **headers
    ).json()
    assert body[0]["title"] == adult.titles["ar"]
    # ?lang= wins over the request's language; a region is ignored; unknown gives English
    body = api.client.get(
        "/api/v1/screening/instruments",
        {"code": ADULT, "lang": "fr-CA"},
        HTTP_ACCEPT_LANGUAGE="ar",
        **headers,
    ).json()
    assert body[0]["title"] == adult.titles["fr"]
    assert api.get("/instruments", code=ADULT, lang="de").json()[0]["title"] == adult.title
    assert api.get("/instruments", code=ADULT).json()[0]["title"] == adult.title


def test_the_assess_endpoint_is_english_unless_lang_is_given(api):
    request = {"instrument": ADULT, "answers": TRAFFICKING_ANSWERS}
    english = api.post("/assess", request).json()
    assert english == assess_batch(REGISTRY, request)
    headers = api.headers
    with_header = api.client.post(
        "/api/v1/screening/assess",
        request,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ar",
        **headers,
    ).json()
    assert with_header == english
    arabic = api.client.post(
        "/api/v1/screening/assess?lang=ar",
        request,
        content_type="application/json",
        **headers,
    ).json()
    assert arabic == assess_batch(REGISTRY, request, lang="ar")
    assert arabic["outcome_label"] == outcome_of(REGISTRY.get(ADULT), "trafficking").labels["ar"]
