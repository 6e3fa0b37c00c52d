"""gunicorn's logger for `pave serve`: query strings stripped from its error log too (it logs
"Error handling request /path?query" when a request fails outside Django)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

from pave.core.logfilters import StripQueryStrings


class Logger(GunicornLogger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(StripQueryStrings())
