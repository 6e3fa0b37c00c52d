import pytest

from pave.assistance.models import ServiceType
from pave.testing import catalogue_ensure


@pytest.fixture
def catalogue(db):
    """The shipped service catalogue. Transactional tests need it: the database is flushed
    between them, which removes what the data migration loaded."""

    catalogue_ensure()
    return ServiceType.objects.all()
