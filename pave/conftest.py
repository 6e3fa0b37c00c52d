import pytest


@pytest.fixture(autouse=True)
def _fresh_keyring():
    """Tests that change PAVE_DATA_KEYS must not leak a cached keyring into the next test."""
    from pave.core import crypto

    crypto.reset_keyring()
    yield
    crypto.reset_keyring()


@pytest.fixture
def personas(db):
    from pave.testing import Personas

    return Personas()
