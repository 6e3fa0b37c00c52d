"""The screening engine's exceptions: every one is a ScreeningError."""

from __future__ import annotations


class ScreeningError(Exception):
    """Base class of every error raised by the screening engine."""


class InstrumentError(ScreeningError):
    """An instrument file or definition is invalid (the message says where and why)."""


class UnknownInstrument(InstrumentError, LookupError):
    """No instrument (or no such version of it) is registered."""


class ExpressionError(InstrumentError):
    """A ``when`` expression cannot be parsed or names something unknown."""


class AnswerError(ScreeningError, ValueError):
    """An answer set does not fit the instrument; ``code`` is the offending indicator code."""

    def __init__(self, message: str, code: object) -> None:
        super().__init__(message)
        self.code = code


class UnknownIndicator(AnswerError, LookupError):
    """An indicator code is not part of the instrument."""


class ScreeningRequestError(ScreeningError, ValueError):
    """A screening request is malformed; the one-line message names the offending key."""

    def __init__(self, message: str, key: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
