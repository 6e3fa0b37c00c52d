"""Log lines never hold a URL's query string (issue 12: no personal data in a log line).

Searches for persons are sent by POST, but an old bookmark, a mistyped link or a hostile
client can still put a name or a passport number in a query string; the request line is then
written by the server (gunicorn's access and error logs, `runserver`'s `django.server`) and
by Django (`django.request`: "Not Found: …"). `StripQueryStrings` removes every query string
from a record before any handler writes it; settings.LOGGING puts it on every handler.
"""

from __future__ import annotations

import logging
import re

# A path followed by a query string: "/cases/?q=…" keeps "/cases/". A "?" that ends a sentence
# ("Continue?") is followed by a space or the end and is left alone.
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")

# gunicorn's access log: the path without its query string (%(U)s, never %(r)s or %(q)s), and no
# Referer (%(f)s), which can hold another page's query string.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'


def strip_query_strings(text: str) -> str:
    return _QUERY.sub(r"\1", text)


class StripQueryStrings(logging.Filter):
    """Rewrites a record's message with every URL query string removed; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = strip_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = strip_query_strings(record.exc_text)
        return True
