"""The request contract shared by the CLI and the API: one request or a batch of them."""

from __future__ import annotations

from typing import Any

from pave.screening.engine.assessment import assess, json_text
from pave.screening.engine.errors import AnswerError, ScreeningRequestError, UnknownInstrument
from pave.screening.engine.loading import InstrumentRegistry

REQUEST_KEYS = ("instrument", "version", "answers")


_JSON_TYPES = ((bool, "boolean"), (str, "string"), (int, "number"), (float, "number"))


def _json_type(value: object) -> str:
    """The JSON name of ``value``'s type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return next(
        (name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__
    )


def assess_request(
    registry: InstrumentRegistry, request: object, lang: str | None = None
) -> dict[str, Any]:
    """Assess one request ``{"instrument": CODE, "version": N?, "answers": {CODE: bool|null}}``.

    Raises ScreeningRequestError with a one-line message naming the offending key. The
    result's ``outcome_label`` is English unless ``lang`` is given (see Assessment.to_dict).
    """
    if not isinstance(request, dict):
        raise ScreeningRequestError(f"request must be a JSON object, got {_json_type(request)}")
    for key in request:
        if key not in REQUEST_KEYS:
            raise ScreeningRequestError(
                f"unknown key {key!r} in request (expected instrument, version, answers)", key
            )
    for key in ("instrument", "answers"):
        if key not in request:
            raise ScreeningRequestError(f"missing key {key!r} in request", key)
    code, version, answers = request["instrument"], request.get("version"), request["answers"]
    if not isinstance(code, str):
        raise ScreeningRequestError(
            f"'instrument' must be a string, got {json_text(code)}", "instrument"
        )
    if version is not None and (type(version) is not int or version < 1):
        raise ScreeningRequestError(
            f"'version' must be a positive integer, got {json_text(version)}", "version"
        )
    if not isinstance(answers, dict):
        raise ScreeningRequestError(
            f"'answers' must be an object of indicator codes, got {_json_type(answers)}", "answers"
        )
    try:
        instrument = registry.get(code, version)
    except UnknownInstrument as error:
        key = "instrument" if code not in registry else "version"
        raise ScreeningRequestError(str(error), key) from None
    try:
        return assess(instrument, answers).to_dict(lang)
    except AnswerError as error:
        raise ScreeningRequestError(str(error), error.code) from None


def assess_batch(
    registry: InstrumentRegistry, payload: object, lang: str | None = None
) -> dict[str, Any] | list[dict[str, Any]]:
    """Assess one request (a dict) or a batch (a list of them, answered in the same order).

    A batch is all or nothing: the first bad request raises ScreeningRequestError, its message
    prefixed with the request's 0-based index. ``outcome_label`` is English unless ``lang``
    is given.
    """
    if isinstance(payload, dict):
        return assess_request(registry, payload, lang)
    if not isinstance(payload, list):
        raise ScreeningRequestError(
            f"request must be a JSON object or an array of objects, got {_json_type(payload)}"
        )
    results = []
    for i, request in enumerate(payload):
        try:
            results.append(assess_request(registry, request, lang))
        except ScreeningRequestError as error:
            raise ScreeningRequestError(f"at index {i}: {error.message}", error.key) from None
    return results
