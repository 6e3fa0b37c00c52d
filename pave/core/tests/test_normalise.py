import pytest
from hypothesis import given
from hypothesis import strategies as st

from pave.core.normalise import (
    name_tokens,
    normalise_identifier,
    normalise_name,
    normalise_phone,
    search_tokens,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("AÏCHA", "Aïcha"),
        ("Jose", "José"),
        ("muller", "Müller"),
        ("Nguyen", "Nguyễn"),
        ("احمد", "أحمد"),  # alef with hamza above
        ("اسلام", "إسلام"),  # alef with hamza below
        ("امنه", "آمنة"),  # alef madda + ta marbuta
        ("مصطفي", "مصطفى"),  # alef maqsura
        ("محمد", "مُحَمَّد"),  # tashkeel
        ("محمد", "محـــمد"),  # tatweel
    ],
)
def test_search_form_and_stored_form_normalise_alike(typed, stored):
    assert normalise_name(typed) == normalise_name(stored)


def test_different_names_stay_different():
    assert normalise_name("Sara") != normalise_name("Sari")
    assert normalise_name("سارة") != normalise_name("سامر")


def test_multi_word_name_is_also_found_joined():
    assert name_tokens("Abd Allah") == ["abd", "allah", "abdallah"]
    assert name_tokens("عبد الله")[-1] == "عبدالله"
    assert search_tokens("  Abd   ALLAH ") == ["abd", "allah"]


def test_phone_ignores_formatting_and_arabic_indic_digits():
    assert normalise_phone("+961 (70) 123-456") == "96170123456"
    assert normalise_phone("0096170123456") == "96170123456"
    assert normalise_phone("٠٠٩٦١٧٠١٢٣٤٥٦") == "96170123456"


def test_identifier_ignores_case_spaces_and_dashes():
    assert normalise_identifier("ep 123-456") == normalise_identifier("EP123456")


@given(st.text(max_size=40))
def test_name_normalisation_is_idempotent(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
