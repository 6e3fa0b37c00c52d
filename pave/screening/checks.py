from typing import Any

from django.core import checks

from pave.screening.engine import InstrumentError
from pave.screening.selectors import instrument_registry


def check_instruments(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A bad file in PAVE_INSTRUMENTS_DIR is reported at start-up, not at the first screening."""
    try:
        instrument_registry()
    except InstrumentError as exc:
        return [
            checks.Error(
                str(exc),
                hint="Fix or remove the file (see docs/screening.md).",
                id="screening.E001",
            )
        ]
    return []
