from django.utils import translation

from pave.assistance.models import ServiceType


def test_shipped_service_names_follow_the_readers_language(catalogue):
    medical = ServiceType.objects.get(code="medical")
    with translation.override("ar"):
        arabic = str(medical)
    with translation.override("fr"):
        french = str(medical)
    assert "Medical care" not in (arabic, french)
    assert arabic != french


def test_a_name_added_by_an_administrator_is_shown_as_written(catalogue):
    added = ServiceType.objects.create(
        code="vocational", family="reintegration", name="Vocational training in Addis"
    )
    with translation.override("ar"):
        assert str(added) == "Vocational training in Addis"
