"""`pave screen [FILE|-]`: one JSON document on stdout and exit 0, or one line on stderr and
exit 2 with nothing on stdout."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from pave.screening.engine import assess_batch, load_instruments
from pave.screening.tests.test_docs_examples import examples
from pave.screening.tests.test_services import ICLS_V2
from pave.testing import run_pave

ICLS = {
    "instrument": "icls-2018-forced-labour",
    "answers": {"inv.very_low_wages": True, "coe.retained_documents": True},
}


def assert_failed(result, message):
    code, out, err = result
    assert code == 2
    assert out == ""
    assert err == message + "\n", err
    assert err.count("\n") == 1 and "CommandError" not in err and "Traceback" not in err


@pytest.mark.parametrize(("name", "request_text", "lang", "expected"), examples("example"))
def test_documented_examples_from_stdin(name, request_text, lang, expected):
    code, out, err = run_pave("screen", "-", stdin=request_text)
    assert (code, err) == (0, "")
    assert out.endswith("\n") and out.count("\n") == 1
    assert json.loads(out) == json.loads(expected), name


@pytest.mark.parametrize(("name", "request_text", "lang", "expected"), examples("error-example"))
def test_documented_errors(name, request_text, lang, expected):
    assert_failed(run_pave("screen", stdin=request_text), expected.strip())


def test_reads_a_file(tmp_path):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(ICLS), encoding="utf-8")
    code, out, err = run_pave("screen", str(path))
    assert (code, err) == (0, "")
    assert json.loads(out)["outcome"] == "forced_labour"


def test_stdin_is_the_default():
    code, out, _ = run_pave("screen", stdin=json.dumps(ICLS))
    assert code == 0 and json.loads(out)["outcome"] == "forced_labour"


def test_a_batch_gives_an_array_in_the_same_order():
    batch = [ICLS, {"instrument": "ilo-2009-adult-labour", "answers": {}}, ICLS]
    code, out, _ = run_pave("screen", "-", stdin=json.dumps(batch))
    assert code == 0
    result = json.loads(out)
    assert [r["outcome"] for r in result] == ["forced_labour", "no_indication", "forced_labour"]
    assert result == assess_batch(load_instruments(), batch)


def test_an_empty_batch_gives_an_empty_array():
    assert run_pave("screen", "-", stdin="[]") == (0, "[]\n", "")


def test_indent_option():
    code, out, _ = run_pave("screen", "--indent", "2", stdin=json.dumps(ICLS))
    assert code == 0 and out.startswith("{\n  ") and json.loads(out)["version"] == 1


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        ({"instrument": "foo", "answers": {}}, "unknown instrument 'foo'"),
        (
            {"instrument": "ilo-2009-adult-labour", "answers": {"dr.nope": True}},
            "unknown indicator 'dr.nope' for ilo-2009-adult-labour v1",
        ),
        (
            {"instrument": "ilo-2009-adult-labour", "answers": {"dr.wages": 1}},
            "answer for 'dr.wages' must be true, false or null, got 1",
        ),
        (
            {"instrument": "ilo-2009-adult-labour", "answers": {"dr.wages": "yes\nno"}},
            "answer for 'dr.wages' must be true, false or null, got \"yes\\nno\"",
        ),
        (
            {"instrument": "ilo-2009-adult-labour", "answers": {"dr.wages": True}, "x": 1},
            "unknown key 'x' in request (expected instrument, version, answers)",
        ),
        (
            [
                ICLS,
                {
                    "instrument": "ilo-2009-adult-labour",
                    "answers": {"dr.wages": None, "cd.nope": False},
                },
            ],
            "at index 1: unknown indicator 'cd.nope' for ilo-2009-adult-labour v1",
        ),
    ],
)
def test_request_errors_exit_2_with_one_line_naming_the_key(request_body, message):
    assert_failed(run_pave("screen", "-", stdin=json.dumps(request_body)), message)


def test_invalid_json_exits_2():
    code, out, err = run_pave("screen", "-", stdin='{"instrument": ')
    assert code == 2 and out == ""
    assert err.startswith("standard input is not valid JSON:") and err.count("\n") == 1


def test_empty_input_exits_2():
    code, out, err = run_pave("screen", stdin="")
    assert code == 2 and out == "" and err.count("\n") == 1


def test_a_missing_file_exits_2(tmp_path):
    missing = tmp_path / "nope.json"
    assert_failed(
        run_pave("screen", str(missing)), f"cannot read {missing}: No such file or directory"
    )


def test_a_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"instrument": "caf\xe9"}')
    code, out, err = run_pave("screen", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1


def test_extra_instruments_directory_is_used(tmp_path):
    (tmp_path / "icls.v2.yaml").write_text(ICLS_V2, encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        code, out, _ = run_pave("screen", stdin=json.dumps(ICLS))
    assert code == 0
    assert (json.loads(out)["version"], json.loads(out)["outcome"]) == (2, "no_indication")


def test_a_broken_instruments_directory_is_a_configuration_error(tmp_path):
    (tmp_path / "broken.yaml").write_text("code: broken\n", encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        code, out, err = run_pave("screen", stdin=json.dumps(ICLS))
    assert code == 1 and out == "" and err.startswith("instrument files: ")
    assert err.count("\n") == 1


def test_the_command_needs_no_database():
    """No test here has the `db` fixture: pytest-django fails any database access."""
    code, out, _ = run_pave("screen", stdin=json.dumps(ICLS))
    assert code == 0 and json.loads(out)["outcome"] == "forced_labour"
