"""Issue 12, item 2: a search for a person never puts personal data in a URL, a log line or an
error message. The attack: search for a passport number through the web and the API (and put
it in query strings, as an old bookmark or a careless client would), then grep everything the
server printed and every URL the browser was sent to."""

from __future__ import annotations

import html
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from pave.core.logfilters import StripQueryStrings
from pave.testing import Api, make_case, person_data

PASSPORT = "ZQ99887766"
CASES = "/cases/"


@pytest.fixture
def everything_printed(caplog, capfd):
    """Every log record at DEBUG (all loggers) and everything written to stdout and stderr."""
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.request", "django.server", "django.security"):
        caplog.set_level(logging.DEBUG, logger=name)
        logging.getLogger(name).addHandler(caplog.handler)

    def read() -> str:
        out, err = capfd.readouterr()
        records = "\n".join(
            f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records
        )
        return "\n".join([out, err, caplog.text, records])

    yield read
    for name in ("django", "django.request", "django.server", "django.security"):
        logging.getLogger(name).removeHandler(caplog.handler)


def _urls_sent_to(responses) -> list[str]:
    urls: list[str] = []
    for response in responses:
        urls.extend(url for url, _status in getattr(response, "redirect_chain", []))
        if response.has_header("Location"):
            urls.append(response["Location"])
        urls.extend(re.findall(r'(?:href|action)="([^"]*)"', response.content.decode()))
    return urls


def _form_fields(page: str, form_start: str) -> dict[str, list[str]]:
    """The inputs of the form whose opening tag contains FORM_START, as the browser sends them."""
    form = page[page.index(form_start) :]
    form = form[: form.index("</form>")]
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields.setdefault(name.group(1), []).append(
                html.unescape(value.group(1) if value else "")
            )
    return fields


def test_a_passport_search_leaves_no_trace_in_urls_logs_or_errors(
    personas, everything_printed, monkeypatch
):
    case = make_case(personas.amal, person=person_data(identity_number=PASSPORT))
    make_case(personas.amal, person=person_data(identity_number=PASSPORT))  # a second page
    monkeypatch.setattr("pave.cases.views.PAGE_SIZE", 1)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.amal)
    responses = []

    # The web search form posts, CSRF-protected; the results are the answer to the POST.
    list_page = browser.get(CASES)
    responses.append(list_page)
    assert list_page["Referrer-Policy"] == "no-referrer"
    search = _form_fields(list_page.content.decode(), 'role="search"')
    assert 'method="post"' in list_page.content.decode()
    search["q"] = [PASSPORT]
    found = browser.post(CASES, search, follow=True)
    responses.append(found)
    assert found.status_code == 200 and not found.redirect_chain
    assert (
        "2 cases" in found.content.decode()
        and found.content.decode().count('<th scope="row">') == 1
    )
    assert browser.post(CASES, {"q": PASSPORT}).status_code == 403  # no CSRF token: refused

    # Its second page is asked for by POST, the search in hidden fields, never in a link.
    pager = _form_fields(found.content.decode(), 'class="pagination"')
    assert pager["q"] == [PASSPORT]
    second = browser.post(CASES, {**pager, "page": "2"})
    responses.append(second)
    assert "page 2 of 2" in second.content.decode()

    # An old bookmark with the search in its URL is sent to the list without it.
    bookmark = browser.get(CASES, {"q": PASSPORT, "sex": "female"})
    responses.append(bookmark)
    assert bookmark.status_code == 303 and bookmark["Location"] == "/cases/?sex=female"

    # Signed out, the same bookmark leads to the log-in page, whose `next` does not hold it.
    signed_out = Client().get(CASES, {"q": PASSPORT}, follow=True)
    assert signed_out.redirect_chain[-1][0].startswith("/accounts/login/")
    responses.append(signed_out)

    # The API: the search by POST; in a query string it is refused, pointing to the POST.
    api = Api(Client(), personas.amal)
    body = api.post("/cases/search", {"search": PASSPORT, "sex": "female", "limit": 1})
    assert body.status_code == 200
    assert (body.json()["count"], len(body.json()["results"])) == (2, 1)
    assert case.pk in [
        row["id"] for row in api.post("/cases/search", {"search": PASSPORT}).json()["results"]
    ]
    refused = api.get("/cases", search=PASSPORT)
    assert refused.status_code == 400
    assert "/api/v1/cases/search" in refused.json()["errors"]["search"][0]
    assert api.get("/cases", sex="female").json()["count"] == 2  # GET without search: as before

    # Error answers do not echo the value: a passport number typed into the wrong field.
    bad = api.post(
        "/cases",
        {
            "case_type": "victim_of_trafficking",
            "country": "LB",
            "person": {**person_data(), "birth_date": "1990-01-01", "sex": PASSPORT},
        },
    )
    assert bad.status_code == 422 and "person.sex" in bad.json()["errors"]
    case.refresh_from_db()
    stage = api.post(
        f"/cases/{case.pk}/transitions",
        {"to_stage": PASSPORT, "reason": "typed in the wrong box", "version": case.version},
    )
    assert stage.status_code == 422 and "to_stage" in stage.json()["errors"]
    responses.append(stage)
    missing = browser.get(f"/no-such-page/?q={PASSPORT}")
    assert missing.status_code == 404
    responses.extend([refused, bad, missing])

    for response in responses:
        if response.get("Content-Type", "").startswith("application/json"):
            assert PASSPORT not in response.content.decode()
    assert not [url for url in _urls_sent_to(responses) if PASSPORT in url]
    printed = everything_printed()
    assert "Not Found: /no-such-page/" in printed  # the log was captured...
    assert PASSPORT not in printed  # ...and holds no passport number


def test_detainee_numbers_and_participant_names_are_searched_by_post_only(personas, client):
    client.force_login(personas.dina)
    old_link = client.get("/screening/", {"detainee_number": PASSPORT, "flagged": "yes"})
    assert old_link.status_code == 303 and old_link["Location"] == "/screening/?flagged=yes"
    page = client.get("/screening/").content.decode()
    assert re.search(r'<form class="filters" method="post"', page)
    dina = Api(client, personas.dina, base="/api/v1/screening")
    refused = dina.get("/screenings", detainee_number=PASSPORT)
    assert refused.status_code == 400 and PASSPORT not in refused.content.decode()
    assert dina.post("/screenings/search", {"detainee_number": PASSPORT}).json()["count"] == 0

    trainer = personas.by_role["trainer"]
    training = Api(client, trainer, base="/api/v1/training")
    refused = training.get("/participants", name="Nour Haddad")
    assert refused.status_code == 400 and "Nour" not in refused.content.decode()
    assert training.post("/participants/search", {"name": "Nour Haddad"}).json()["count"] == 0
    client.force_login(trainer)
    assert client.get("/training/participants/", {"name": "Nour"}).status_code == 303


def test_log_lines_lose_their_query_strings():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
        ("GET /cases/?q=ZQ99887766&sex=female HTTP/1.1", "200", "512"), None,
    )  # fmt: skip
    StripQueryStrings().filter(record)
    assert record.getMessage() == '"GET /cases/ HTTP/1.1" 200 512'
    sentence = logging.LogRecord("x", logging.INFO, __file__, 1, "Continue? yes", (), None)
    StripQueryStrings().filter(sentence)
    assert sentence.getMessage() == "Continue? yes"


# --- the real server: `pave serve` (gunicorn) and its access log ------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pave(env: dict[str, str], *argv: str, stdin: str = "") -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and modules
        [sys.executable, "-m", "pave", *argv],
        input=stdin, env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return result.stdout


def _request(url: str, *, token: str, body: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 - a local http URL built by the test
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_pave_serve_access_log_holds_no_query_string(tmp_path: Path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAVE_")}
    port = _free_port()
    env.update(PAVE_DATA_DIR=str(tmp_path / "data"), PAVE_LOG_LEVEL="DEBUG", PAVE_PORT=str(port))
    _pave(env, "migrate", "--verbosity", "0")
    _pave(env, "org", "create", "BMS", "--name", "Beirut Migrant Support", "--type", "NGO",
          "--country", "LB")  # fmt: skip
    _pave(env, "user", "create", "amal", "--org", "BMS", "--role", "case_worker",
          "--password-stdin", stdin="a long test passphrase 4711\n")  # fmt: skip
    token = _pave(env, "token", "create", "amal").strip()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "pave", "serve", "--workers", "1", "--threads", "2"],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            created = _request(
                f"{base}/api/v1/cases",
                token=token,
                body={
                    "case_type": "victim_of_trafficking",
                    "country": "LB",
                    "person": {"given_name": "Hiwot", "sex": "female", "identity_number": PASSPORT},
                },
            )
            assert created[0] == 201, created
            found = _request(f"{base}/api/v1/cases/search", token=token, body={"search": PASSPORT})
            assert found[0] == 200 and json.loads(found[1])["count"] == 1
            assert _request(f"{base}/api/v1/cases?search={PASSPORT}", token=token)[0] == 400
            assert _request(f"{base}/no-such-page/?q={PASSPORT}", token=token)[0] == 404
            assert _request(f"{base}/cases/?q={PASSPORT}", token=token)[0] == 200  # to log-in
        finally:
            server.terminate()
            server.wait(timeout=30)
    printed = log.read_text()
    assert '"GET /api/v1/cases HTTP/1.1" 400' in printed  # the access log was written...
    assert '"POST /api/v1/cases/search HTTP/1.1" 200' in printed
    assert PASSPORT not in printed  # ...without the passport number


# --- Referrer-Policy: no-referrer and CSRF ------------------------------------------------------


@pytest.mark.parametrize(
    ("fetch_site", "status"), [("same-origin", 200), ("cross-site", 403), (None, 403)]
)
def test_form_posts_without_referer_pass_csrf_only_from_pave_itself(personas, fetch_site, status):
    """Under no-referrer, browsers post forms with `Origin: null` and no Referer (over HTTPS
    too); Django alone refuses them all. Only the browser's own `Sec-Fetch-Site: same-origin`
    lets a null origin through, and the CSRF token is still required."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.amal)
    page = browser.get(CASES, secure=True)
    token = _form_fields(page.content.decode(), 'role="search"')["csrfmiddlewaretoken"][0]
    headers: dict[str, Any] = {"HTTP_ORIGIN": "null"}
    if fetch_site:
        headers["HTTP_SEC_FETCH_SITE"] = fetch_site
    search = {"q": PASSPORT, "csrfmiddlewaretoken": token}
    assert browser.post(CASES, search, secure=True, **headers).status_code == status
    if status == 200:
        no_token = browser.post(CASES, {"q": PASSPORT}, secure=True, **headers)
        assert no_token.status_code == 403
