"""The worked examples of docs/screening.md are run through the engine and must match exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pave.screening.engine import ScreeningRequestError, assess_batch, load_instruments

DOC = Path(__file__).resolve().parents[3] / "docs" / "screening.md"
# A marker line, then the request fence right after it, then (after optional prose) the
# expected fence: ```json for a result, ```text for an error message.
EXAMPLE = re.compile(
    r"^<!-- (?P<kind>example|error-example): (?P<name>[\w-]+) -->\n"
    r"```json\n(?P<request>.*?)^```\n"
    r".*?^```(?P<lang>json|text)\n(?P<expected>.*?)^```",
    re.MULTILINE | re.DOTALL,
)


def examples(kind: str) -> list[tuple[str, str, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    found = [m for m in EXAMPLE.finditer(text) if m["kind"] == kind]
    return [(m["name"], m["request"], m["lang"], m["expected"]) for m in found]


def test_docs_have_the_required_examples() -> None:
    names = [name for name, *_ in examples("example")]
    assert len(names) >= 4
    assert len(set(names)) == len(names)
    payloads = [json.loads(request) for _, request, _, _ in examples("example")]
    instruments = {p["instrument"] for p in payloads if isinstance(p, dict)}
    assert {"ilo-2009-adult-labour", "ilo-2009-child-labour", "icls-2018-forced-labour"} <= (
        instruments
    )
    assert any(isinstance(p, list) for p in payloads)
    assert "trafficking" in {
        r["outcome"]
        for _, _, _, expected in examples("example")
        for r in [json.loads(expected)]
        if isinstance(r, dict) and r["instrument"] == "ilo-2009-adult-labour"
    }
    # every marker was matched: a typo in a fence would silently drop an example
    text = DOC.read_text(encoding="utf-8")
    markers = len(re.findall(r"^<!-- (?:error-)?example:", text, re.MULTILINE))
    assert markers == len(examples("example")) + len(examples("error-example"))


@pytest.mark.parametrize(("name", "request_text", "lang", "expected"), examples("example"))
def test_docs_example(name: str, request_text: str, lang: str, expected: str) -> None:
    assert lang == "json", name
    result = assess_batch(load_instruments(), json.loads(request_text))
    assert result == json.loads(expected), name


@pytest.mark.parametrize(("name", "request_text", "lang", "expected"), examples("error-example"))
def test_docs_error_example(name: str, request_text: str, lang: str, expected: str) -> None:
    assert lang == "text", name
    with pytest.raises(ScreeningRequestError) as info:
        assess_batch(load_instruments(), json.loads(request_text))
    assert str(info.value) == expected.strip(), name
