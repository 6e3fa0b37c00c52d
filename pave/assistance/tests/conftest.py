import pytest

from pave.assistance.catalogue import DEFAULT_CATALOGUE
from pave.assistance.models import ServiceType


@pytest.fixture
def catalogue(db):
    """The shipped service catalogue. Transactional tests need it: the database is flushed
    between them, which removes what the data migration loaded."""

    for order, (code, family, name) in enumerate(DEFAULT_CATALOGUE):
        ServiceType.objects.get_or_create(
            code=code, defaults={"family": family, "name": name, "sort_order": order}
        )
    return ServiceType.objects.all()
