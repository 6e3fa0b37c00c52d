from typing import Any

from django.apps import AppConfig
from django.core import checks


class ScreeningConfig(AppConfig):
    name = "pave.screening"
    label = "screening"
    verbose_name = "Victim screening"

    def ready(self) -> None:
        from pave.core.services import register_reindexer
        from pave.screening.services import screening_reindex_all

        # `pave keys rotate` rebuilds the detainee-number index so search keeps working.
        register_reindexer(screening_reindex_all)
        checks.register(check_instruments)


def check_instruments(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A bad file in PAVE_INSTRUMENTS_DIR is reported at start-up, not at the first screening."""
    from pave.screening.engine import InstrumentError
    from pave.screening.selectors import instrument_registry

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
