"""Production hardening (issue 11): bounded work for invalid input, safe Markdown, a watcher that never dies,
a guard against half-written rule files, a cap on batch work, quiet client disconnects, headers, permalinks
that ignore the Host header, strict input everywhere, the compact view and the accessibility statement."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import queue
import shutil
import threading
import time
import zipfile
from html import escape
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from kbcopy import ROOT, copy_kb, edit

from advisor.engine.compact import CompactAdvice, compact, compact_json
from advisor.kb import situations
from advisor.kb.errors import MAX_ERRORS, SituationError
from advisor.kb.situations import from_pairs, parse_situation
from advisor.serve.api import EXAMPLE_TENDER
from advisor.serve.app import configure_logging, create_app
from advisor.serve.service import Service
from advisor.serve.settings import Settings, check_base_url

JSON = {"content-type": "application/json"}
# preparing a European tender: the monitors are written into it (p. 54, 68); comparing has no instrument there
RICH = {"phase": "voorbereiding", "role": "inkoper", "themes": ["arbeidsparticipatie"],
        "goals": ["inschrijvers_vergelijken", "sr_monitoren"], "levels": ["outcome"], "procedure": "europees",
        "contract_value_eur": 450000, "contracting_authority": "decentraal", "contract_type": "diensten",
        "budget_opdrachtgever": "beperkt", "banenafspraak": True, "municipality": "Rotterdam",
        "reference_date": "2026-03-01"}


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def unknown_keys(situations_count: int, keys: int) -> dict:
    return {"situations": [{f"onbekend_{i}_{j}": 1 for j in range(keys)} for i in range(situations_count)]}


# ---------------------------------------------------------------- 1. bounded work for invalid input

def test_an_invalid_situation_in_a_batch_lists_50_problems_and_counts_the_rest(client):
    body = client.post("/api/v1/advice/batch", json=unknown_keys(3, 120)).json()
    assert body["failed"] == 3
    # the batch shares 50 described problems; each later bad situation names its first and counts the rest
    for index, result in enumerate(body["results"]):
        shown = MAX_ERRORS if index == 0 else 1
        assert len(result["problem"]["errors"]) == shown and MAX_ERRORS == 50
        assert result["problem"]["more_errors"] == 120 - shown
        assert result["problem"]["errors"][0] == {"name": f"situations.{index}.onbekend_{index}_0",
                                                  "reason": "onbekend veld"}
    body = problem(client.post("/api/v1/advice", json=unknown_keys(1, 2000)["situations"][0]), 400)
    assert len(body["errors"]) == 50 and body["more_errors"] == 2000 - 50
    assert "2000 fouten" in body["detail"] and "eerste 50" in body["detail"]
    # a small invalid body has no more_errors
    assert "more_errors" not in problem(client.post("/api/v1/advice", json={"phase": "x"}), 400)


def test_the_did_you_mean_suggestion_is_computed_once_per_word(client, monkeypatch):
    calls: list[str] = []
    real = situations.did_you_mean

    def counting(word, choices):
        calls.append(word)
        return real(word, choices)

    monkeypatch.setattr(situations, "did_you_mean", counting)
    situations._suggestion.cache_clear()
    batch = {"situations": [{"fase": "x", "doelen": []} for _ in range(20)]}
    for _ in range(2):
        body = client.post("/api/v1/advice/batch", json=batch).json()
        assert body["results"][0]["problem"]["errors"][0]["reason"] == "onbekend veld (bedoelt u 'phase'?)"
    assert sorted(calls) == ["doelen", "fase"]   # 80 errors, 2 words: difflib ran twice


def test_validation_and_advice_run_in_a_worker_thread_not_on_the_event_loop(monkeypatch, service):
    import advisor.serve.api as api
    where: list[tuple[str, bool]] = []

    def on_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    real_validate, real_advise, real_parse = api.validate_json, service.advisor.advise_json, api.validate_item

    def validate(*args, **kwargs):
        where.append(("validate", on_loop()))
        return real_validate(*args, **kwargs)

    def parse(*args, **kwargs):   # a batch reads each situation on its own
        where.append(("parse", on_loop()))
        return real_parse(*args, **kwargs)

    def advise(situation):
        where.append(("advise", on_loop()))
        return real_advise(situation)

    monkeypatch.setattr(api, "validate_json", validate)
    monkeypatch.setattr(api, "validate_item", parse)
    monkeypatch.setattr(service.advisor, "advise_json", advise)
    client = TestClient(create_app(service=service))
    padded = b'{"phase": "uitvoering"' + b" " * api.INLINE_BODY + b"}"   # a larger body, same situation
    assert client.post("/api/v1/advice", content=padded, headers=JSON).status_code == 200
    assert client.post("/api/v1/advice/batch", json={"situations": [{}, {}]}).status_code == 200
    assert client.post("/api/v1/advice/batch", json=unknown_keys(10, 10)).json()["failed"] == 10
    huge = json.dumps({f"onbekend{i}": 1 for i in range(3000)}).encode()   # < 64 KiB, 3,000 problems
    problem(client.post("/api/v1/advice", content=huge, headers=JSON), 400)
    assert where.count(("validate", False)) == 2 and where.count(("advise", False)) == 3
    assert where.count(("parse", False)) == 12
    assert not [w for w in where if w[1]], where
    # a small body is cheap and bounded, and stays on the loop: the hop to a thread would cost more
    where.clear()
    assert client.post("/api/v1/advice", json={"phase": "aanbesteding"}).status_code == 200
    assert where == [("validate", True), ("advise", True)]


def test_thousands_of_unknown_query_keys_give_a_short_answer(client):
    query = urlencode([(f"onbekend{i}", "1") for i in range(3000)])
    response = client.get("/advies?" + query)
    assert response.status_code == 400
    assert response.text.count("onbekend veld") == 50
    assert "en nog 2950 fouten" in response.text
    body = problem(client.get("/advies.json?" + query), 400)
    assert len(body["errors"]) == 50 and body["more_errors"] == 2950
    markdown = client.get("/advies.md?" + query)
    assert markdown.status_code == 400 and markdown.text.count("onbekend veld") == 50
    assert "en nog 2950 fouten" in markdown.text
    with pytest.raises(SituationError) as raised:
        parse_situation({f"x{i}": 1 for i in range(120)})
    assert len(raised.value.errors) == 50 and raised.value.more == 70


# ---------------------------------------------------------------- 2. Markdown injection

INJECTION = "[Klik](https://evil.example) ![i](https://evil.example/i) *nadruk* _ook_ `code` ## Kop | cel ~~weg~~"


def test_markdown_export_escapes_user_text(client):
    query = urlencode([("phase", "uitvoering"), ("goals", "alternatieve_sr_invulling"), ("municipality", INJECTION)])
    response = client.get("/advies.md?" + query)
    assert response.status_code == 200
    text = response.text
    assert "[Klik](" not in text and "![img]" not in text and "*nadruk*" not in text and "`code`" not in text
    assert r"\[Klik\]\(https\://evil.example\)" in text and r"\*nadruk\*" in text and r"\#\# Kop" in text
    assert r"\~\~weg\~\~" in text and r"\| cel" in text


def test_rendered_markdown_export_has_no_link_heading_or_emphasis_from_user_text(client):
    markdown_it = pytest.importorskip("markdown_it")
    query = urlencode([("phase", "uitvoering"), ("goals", "sr_monitoren"), ("municipality", INJECTION)])
    response = client.get("/advies.md?" + query)
    assert response.status_code == 200
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(response.text)
    assert "evil.example" in html                       # the text is there ...
    assert 'href="https://evil.example' not in html     # ... but as text, not a link or an image
    assert "<img" not in html and "<em>nadruk" not in html and "<em>ook" not in html and "<s>weg" not in html
    assert "<h2>Kop" not in html and "<code>code" not in html
    # without such characters the export keeps the KB's own text readable (no needless backslashes)
    plain = client.get("/advies.md?" + urlencode([("phase", "uitvoering"), ("municipality", "Rotterdam")])).text
    assert "(p. " in plain and r"\(" not in plain


def test_error_markdown_escapes_unknown_keys_and_invalid_values(client):
    query = urlencode([("[x](https://evil.example)", "1"), ("phase", "*vet*"), ("## kop", "1")])
    response = client.get("/advies.md?" + query)
    assert response.status_code == 400
    text = response.text
    assert "[x](" not in text and "*vet*" not in text
    assert r"\[x\]\(https\://evil.example\)" in text and r"\*vet\*" in text and r"\#\# kop" in text
    assert text.count("\n- ") == 3   # one line each, nothing else became a list item


@pytest.mark.parametrize("bad", ["Utrecht\n\n## Kop", "Utrecht\r\nKop", "Utr\x00echt", "Utr\u2028echt", "a\tb"])
def test_control_characters_in_free_text_are_refused_everywhere(client, bad):
    expected = ("municipality", "bevat ongeldige tekens")
    assert problem(client.post("/api/v1/advice", json={"municipality": bad}), 400)["errors"] == [
        {"name": expected[0], "reason": expected[1]}]
    batch = client.post("/api/v1/advice/batch", json={"situations": [{}, {"municipality": bad}]}).json()
    assert batch["results"][1]["problem"]["errors"] == [{"name": "situations.1.municipality", "reason": expected[1]}]
    for path in ("/advies.md", "/advies", "/advies.json", "/advies.odt"):
        response = client.get(path + "?" + urlencode([("municipality", bad)]))
        assert response.status_code == 400 and "bevat ongeldige tekens" in response.text
    for parse in (parse_situation, lambda data: from_pairs(data.items())):   # the CLI, and the web form
        with pytest.raises(SituationError) as raised:
            parse({"municipality": bad})
        assert raised.value.errors == [expected]
    assert from_pairs([("municipality", "  's-Hertogenbosch ")]).municipality == "'s-Hertogenbosch"


# ---------------------------------------------------------------- 3. the watcher never dies

def test_a_directory_named_like_a_rule_file_is_a_kb_problem_not_a_crash(tmp_path, caplog):
    root = copy_kb(tmp_path)
    service = Service(root)
    client = TestClient(create_app(service=service), raise_server_exceptions=False)
    good = service.advisor.kb.version
    (root / "rules" / "zz.yaml").mkdir()
    with caplog.at_level(logging.ERROR, logger="advisor"):
        assert service.reload() is False   # no IsADirectoryError escapes
    response = client.get("/api/v1/health")
    health = response.json()
    assert health["status"] == "degraded" and health["kb_version"] == good
    assert health["errors"] == ["rules/zz.yaml:1: cannot read: Is a directory"]
    assert str(tmp_path) not in response.text
    assert "rules/zz.yaml" in caplog.text
    assert client.post("/api/v1/advice", json={}).json()["kb_version"] == good
    (root / "rules" / "zz.yaml").rmdir()
    assert service.reload() is True and client.get("/api/v1/health").json()["status"] == "ok"


def test_any_other_failure_of_a_reload_is_a_kb_problem_without_server_paths(tmp_path, monkeypatch, caplog):
    import advisor.serve.service as service_module
    root = copy_kb(tmp_path)
    service = Service(root)
    good = service.advisor.kb.version
    failures = iter([PermissionError(13, "Permission denied", str(root / "rules" / "fit.yaml")),
                     RuntimeError(f"a bug that mentions {root}")])

    def broken_load(folder):
        raise next(failures)

    monkeypatch.setattr(service_module, "load", broken_load)
    with caplog.at_level(logging.ERROR, logger="advisor"):
        assert service.reload() is False
        assert service.errors == ["rules/fit.yaml:1: cannot read: Permission denied"]
        assert service.reload() is False
    assert service.errors == ["unexpected error while loading the KB (RuntimeError); see the server log"]
    assert service.status == "degraded" and service.advisor.kb.version == good
    assert "Traceback" in caplog.text and "a bug that mentions" in caplog.text   # the log has the details


def test_the_loader_reports_an_unreadable_file_as_a_problem(tmp_path):
    from advisor.kb.errors import KnowledgeBaseError
    from advisor.kb.knowledge import load
    root = copy_kb(tmp_path)
    (root / "rules" / "zz.yaml").mkdir()
    with pytest.raises(KnowledgeBaseError) as raised:
        load(root)
    assert [(p.file.endswith("rules/zz.yaml"), p.line, p.message) for p in raised.value.problems] == [
        (True, 1, "cannot read: Is a directory")]


def test_the_watch_loop_survives_any_error(tmp_path, monkeypatch):
    import advisor.serve.service as service_module
    monkeypatch.setattr(service_module, "RESTART_DELAY", 0)
    service = Service(copy_kb(tmp_path), quiet=0)
    batches: queue.Queue = queue.Queue()
    reloads: list[str] = []
    second = threading.Event()

    def changes():
        while (item := batches.get()) is not None:
            yield item

    def reload():
        reloads.append("reload")
        if len(reloads) == 1:
            raise RuntimeError("an unexpected bug in a reload")
        second.set()
        return True

    monkeypatch.setattr(service, "reload", reload)
    service.watch(changes)
    batches.put({("modified", "rules/fit.yaml")})
    batches.put({("modified", "rules/fit.yaml")})
    assert second.wait(10), "the watcher died after the first error"
    assert reloads == ["reload", "reload"] and service.watcher_alive
    service._stop.set()
    batches.put(None)
    service._thread.join(5)
    assert not service.watcher_alive


def test_health_reports_the_watcher_and_a_dead_one_is_degraded(tmp_path):
    service = Service(copy_kb(tmp_path))
    client = TestClient(create_app(service=service))
    health = client.get("/api/v1/health").json()
    assert (health["watching"], health["watcher_alive"], health["status"]) == (False, False, "ok")
    done = threading.Thread(target=lambda: None)
    done.start()
    done.join()
    service.watching, service._thread = True, done   # a watcher thread that has ended
    health = client.get("/api/v1/health").json()
    assert (health["watching"], health["watcher_alive"], health["status"]) == (True, False, "degraded")
    assert any("watcher has stopped" in w for w in health["warnings"])


def test_watch_turns_a_directory_into_a_problem_and_keeps_watching(tmp_path):
    root = copy_kb(tmp_path)
    service = Service(root, quiet=0.1)
    with TestClient(create_app(Settings(watch=True), service=service)) as client:
        assert client.get("/api/v1/health").json()["watcher_alive"] is True
        time.sleep(0.5)  # let the watcher start
        (root / "rules" / "zz.yaml").mkdir()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and client.get("/api/v1/health").json()["status"] == "ok":
            time.sleep(0.1)
        health = client.get("/api/v1/health").json()
        assert health["status"] == "degraded" and health["watcher_alive"] is True
        assert health["errors"] == ["rules/zz.yaml:1: cannot read: Is a directory"]
        (root / "rules" / "zz.yaml").rmdir()
        edit(root / "rules" / "fit.yaml", "  points: 10\n", "  points: 11\n")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and client.get("/api/v1/health").json()["status"] != "ok":
            time.sleep(0.1)
        health = client.get("/api/v1/health").json()
        assert health["status"] == "ok" and health["watcher_alive"] is True


# ---------------------------------------------------------------- 4. half-written rule files

def half_written(root) -> int:
    """Cut rules/wishes.yaml after its 21st rule: still valid YAML and a valid KB, but rules are gone.
    Returns how many rules the cut removed."""
    path = root / "rules" / "wishes.yaml"
    parts = path.read_text(encoding="utf-8").split("\n- id:")
    path.write_text("\n- id:".join(parts[:21]) + "\n", encoding="utf-8")
    return len(parts) - 21


def test_a_reload_that_loses_rules_is_not_served_until_they_are_back(tmp_path):
    root = copy_kb(tmp_path)
    service = Service(root)
    client = TestClient(create_app(service=service))
    good = client.get("/api/v1/health").json()
    saved = (root / "rules" / "wishes.yaml").read_text(encoding="utf-8")
    cut = half_written(root)
    assert service.reload() is False
    health = client.get("/api/v1/health").json()
    assert health["status"] == "degraded" and health["errors"] == []
    assert health["kb_version"] == good["kb_version"] and health["counts"] == good["counts"]
    rules = good["counts"]["rules"]
    assert len(health["warnings"]) == 1 and f"rules went from {rules} to {rules - cut}" in health["warnings"][0]
    assert "Let op" in client.get("/instrumenten").text   # the pages say so too
    # the next good edit that keeps them clears the warning
    (root / "rules" / "wishes.yaml").write_text(saved, encoding="utf-8")
    edit(root / "rules" / "fit.yaml", "  points: 10\n", "  points: 12\n")
    assert service.reload() is True
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["warnings"] == [] and health["kb_version"] != good["kb_version"]


def test_a_smaller_kb_on_purpose_is_accepted_on_request(tmp_path):
    root = copy_kb(tmp_path)
    service = Service(root)
    before = service.advisor.kb.counts()["rules"]
    cut = half_written(root)
    assert service.reload(accept_shrink=True) is True
    assert service.advisor.kb.counts()["rules"] == before - cut and service.status == "ok"


def test_reload_waits_until_the_files_are_quiet(tmp_path, monkeypatch):
    service = Service(copy_kb(tmp_path), quiet=0)
    states = iter([1, 2, 3, 3, 3])   # two more writes arrive, then the files stay as they are
    looked: list[int] = []

    def snapshot():
        looked.append(1)
        return next(states)

    monkeypatch.setattr(service, "_snapshot", snapshot)
    service._settle()
    assert len(looked) == 4   # 1 -> 2 -> 3 -> 3: quiet once two looks agree


def test_a_successful_reload_is_logged_at_info_with_its_version(tmp_path, caplog):
    root = copy_kb(tmp_path)
    service = Service(root)
    edit(root / "rules" / "fit.yaml", "  points: 10\n", "  points: 13\n")
    with caplog.at_level(logging.INFO, logger="advisor"):
        assert service.reload() is True
    records = [r for r in caplog.records if r.levelno == logging.INFO and "KB reloaded" in r.getMessage()]
    assert records and service.advisor.kb.version in records[0].getMessage()


def test_the_server_lets_advisor_log_at_info(monkeypatch):
    logger = logging.getLogger("advisor")
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setattr(logger, "handlers", [])
    configure_logging()
    assert logger.getEffectiveLevel() == logging.INFO and logger.hasHandlers()


# ---------------------------------------------------------------- 5. batch amplification

def test_concurrent_batches_are_capped_with_a_503_and_retry_after(service):
    app = create_app(Settings(batch_concurrency=1, batch_wait=0), service=service)
    client = TestClient(app)
    gate = app.state.batch_gate
    assert gate.try_enter()   # one batch is being worked on
    try:
        response = client.post("/api/v1/advice/batch", json={"situations": [{}]})
        body = problem(response, 503)
        assert response.headers["retry-after"] == "2" and "batches" in body["detail"]
        assert client.post("/api/v1/advice", json={}).status_code == 200   # single advice is not capped
    finally:
        gate.leave()
    assert client.post("/api/v1/advice/batch", json={"situations": [{}]}).status_code == 200
    problem(client.post("/api/v1/advice/batch", json={"situation": [{"phase": "x"}]}), 400)
    assert gate.active == 0   # a slot is given back after an error too


# ---------------------------------------------------------------- 6. a client that disconnects

def test_a_client_that_disconnects_mid_upload_is_not_an_error(service, caplog):
    app = create_app(service=service)
    messages = [{"type": "http.request", "body": b'{"situations": [{}, ', "more_body": True},
                {"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/api/v1/advice/batch", "raw_path": b"/api/v1/advice/batch",
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000), "server": ("test", 80),
             "headers": [(b"content-type", b"application/json"), (b"host", b"test")]}
    with caplog.at_level(logging.DEBUG):
        asyncio.run(app(scope, receive, send))   # nothing raised: no traceback for the server to log
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert any(r.levelno == logging.INFO and "client disconnected" in r.getMessage() for r in caplog.records)
    assert sent[0]["status"] != 500


# ---------------------------------------------------------------- 7. headers and permalinks

NOSNIFF_PATHS = ["/docs", "/docs-assets/swagger-ui.css", "/api/v1/instruments", "/api/v1/openapi.json",
                 "/api/v1/health", "/api/v1/onbekend", "/advies.json?phase=uitvoering", "/advies.md?phase=uitvoering",
                 "/static/advisor.css", "/advies.odt?phase=uitvoering", "/advies.docx", "/begrippen.json", "/",
                 "/bestaat-niet"]


@pytest.mark.parametrize("path", NOSNIFF_PATHS)
def test_every_response_says_nosniff(client, path):
    assert client.get(path).headers["x-content-type-options"] == "nosniff"


def test_post_responses_say_nosniff(client):
    assert client.post("/api/v1/advice", json={}).headers["x-content-type-options"] == "nosniff"
    assert client.post("/api/v1/advice", json={"phase": 1}).headers["x-content-type-options"] == "nosniff"


def test_docs_cannot_be_framed_but_swagger_ui_still_runs(client):
    response = client.get("/docs")
    assert response.status_code == 200 and "SwaggerUIBundle" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert policy == "frame-ancestors 'none'"   # no script-src: Swagger UI's inline script may run


def odt_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("content.xml").decode()


def test_permalinks_ignore_the_host_header(client):
    evil = {"host": "evil.example"}
    query = urlencode([("phase", "uitvoering"), ("goals", "sr_monitoren")])
    page = client.get("/advies?" + query, headers=evil)
    markdown = client.get("/advies.md?" + query, headers=evil)
    document = client.get("/advies.odt?" + query, headers=evil)
    for text in (page.text, markdown.text, odt_text(document.content)):
        assert "evil.example" not in text and "testserver" not in text
    assert f"online: /advies?{escape(query)}" in page.text
    # on paper a relative link is useless: without a configured base URL the documents say so
    assert "Geen vaste link" in markdown.text and "Geen vaste link" in odt_text(document.content)


def test_permalinks_use_the_configured_base_url(service):
    client = TestClient(create_app(Settings(base_url="https://keuzehulp.example.nl/"), service=service))
    evil = {"host": "evil.example"}
    query = urlencode([("phase", "uitvoering")])
    assert f"online: https://keuzehulp.example.nl/advies?{escape(query)}" in client.get("/advies?" + query,
                                                                                        headers=evil).text
    assert f"Online: https://keuzehulp.example.nl/advies?{query}" in client.get("/advies.md?" + query,
                                                                                headers=evil).text
    text = odt_text(client.get("/advies.odt?" + query, headers=evil).content)
    assert f"https://keuzehulp.example.nl/advies?{query}" in text and "evil.example" not in text


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "keuzehulp.example.nl", "https://x.example/<b>",
                                 "https://x.example/?a=1", "https:// x.example"])
def test_a_base_url_must_be_a_plain_http_address(bad):
    with pytest.raises(ValueError):
        check_base_url(bad)
    assert check_base_url("http://localhost:8000/keuzehulp/") == "http://localhost:8000/keuzehulp"
    assert check_base_url("") == ""


# ---------------------------------------------------------------- 8. smaller ones

def test_a_key_given_twice_is_refused_by_name(client):
    body = problem(client.post("/api/v1/advice", content=b'{"phase": "uitvoering", "phase": "aanbesteding"}',
                               headers=JSON), 400)
    assert body["errors"] == [{"name": "phase", "reason": "komt meer dan één keer voor in dit object"}]
    raw = b'{"situations": [{}, {"goals": ["sr_monitoren"], "goals": []}]}'
    body = client.post("/api/v1/advice/batch", content=raw, headers=JSON).json()
    assert body["results"][1]["problem"]["errors"] == [
        {"name": "situations.1.goals", "reason": "komt meer dan één keer voor in dit object"}]
    raw = b'{"situations": [{}], "situations": []}'
    assert problem(client.post("/api/v1/advice/batch", content=raw, headers=JSON), 400)["errors"][0]["name"] == \
        "situations"


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_numbers(client, number):
    body = problem(client.post("/api/v1/advice", content=b'{"contract_value_eur": ' + number + b"}", headers=JSON), 400)
    assert body["errors"] == [{"name": "contract_value_eur", "reason": "moet een getal zijn"}]


@pytest.mark.parametrize("field, value", [("reference_date", "20260301"), ("phase", " uitvoering"),
                                          ("themes", "arbeidsparticipatie "), ("procedure", "Europees")])
def test_the_form_reads_other_text_as_the_api_reads_json(client, field, value):
    response = client.get("/advies?" + urlencode([(field, value)]))
    assert response.status_code == 400
    form = problem(client.get("/advies.json?" + urlencode([(field, value)])), 400)["errors"]
    assert [e["name"] for e in form] == [f"{field}.0" if field == "themes" else field]
    api = problem(client.post("/api/v1/advice", json={field: [value] if field == "themes" else value}), 400)["errors"]
    assert api == form


@pytest.mark.parametrize("field, value", [("contract_value_eur", "1_000"), ("contract_value_eur", "5 x"),
                                          ("contract_value_eur", "nan"), ("contract_value_eur", "inf"),
                                          ("contract_value_eur", "1e400"), ("contract_value_eur", "0x10"),
                                          ("contract_value_eur", "450.00"), ("contract_value_eur", "1,5"),
                                          ("banenafspraak", "1"), ("banenafspraak", "yes")])
def test_the_form_refuses_ambiguous_text_with_an_example(client, field, value):
    assert client.get("/advies?" + urlencode([(field, value)])).status_code == 400
    form = problem(client.get("/advies.json?" + urlencode([(field, value)])), 400)["errors"]
    assert [e["name"] for e in form] == [field]
    assert ("bijvoorbeeld 450000" if field == "contract_value_eur" else "antwoord ja of nee") in form[0]["reason"]
    # JSON never converts text: the API refuses the string whatever it holds
    assert problem(client.post("/api/v1/advice", json={field: value}), 400)["errors"][0]["name"] == field


@pytest.mark.parametrize("field, value, parsed", [("contract_value_eur", "300000", 300000),
                                                  ("contract_value_eur", "€ 450.000", 450000),
                                                  ("contract_value_eur", "1.234,50", 1234.5),
                                                  ("contract_value_eur", "0", 0), ("banenafspraak", "ja", True),
                                                  ("banenafspraak", "false", False),
                                                  ("reference_date", "2026-03-01", "2026-03-01")])
def test_the_form_converts_text_as_documented(client, field, value, parsed):
    assert client.get("/advies?" + urlencode([(field, value)])).status_code == 200
    assert client.post("/api/v1/advice", json={field: parsed}).status_code == 200
    assert from_pairs([(field, value)]) == parse_situation({field: parsed})


@pytest.mark.parametrize("path", ["/advies.json", "/begrippen.json"])
def test_a_wrong_method_on_a_json_twin_is_a_problem_document(client, path):
    response = client.post(path, json={})
    body = problem(response, 405)
    assert response.headers["allow"] == "GET" and body["instance"] == path


def test_health_shows_no_server_paths(tmp_path):
    root = copy_kb(tmp_path)
    service = Service(root)
    client = TestClient(create_app(service=service))
    edit(root / "knowledge" / "glossary.yaml", "\n- id:", "\n- id: [kapot\n  x:")
    assert service.reload() is False
    response = client.get("/api/v1/health")
    errors = response.json()["errors"]
    assert errors and all(e.startswith("knowledge/glossary.yaml:") for e in errors)
    assert str(tmp_path) not in response.text and str(ROOT) not in response.text


# ---------------------------------------------------------------- 9. the compact view

def test_compact_view_of_a_rich_situation_is_under_6_kb(client, service):
    # onderhands below the threshold: both instruments the report names for comparing bidders apply
    tender = dict(EXAMPLE_TENDER, procedure="meervoudig_onderhands", contract_value_eur=100000)
    response = client.post("/api/v1/advice/compact", json=tender)
    assert response.status_code == 200
    # 6 KiB: the legal layer of issue 17 states more general caveats (threshold, cross-border interest,
    # lawyers), which the compact view keeps in full; the full view stays ten times larger
    assert len(response.content) < 6144, len(response.content)
    full = client.post("/api/v1/advice", json=tender)
    assert len(full.content) > 10 * len(response.content)
    assert len(response.json()["recommendations"]) >= 2


def test_compact_view_keeps_ranking_reasons_and_caveats(client, service):
    response = client.post("/api/v1/advice/compact", json=RICH)
    assert response.status_code == 200
    body = response.json()
    full = service.advisor.advise(parse_situation(RICH))
    assert set(body) == {"kb_version", "reference_date", "recommendations", "unmet_goals", "general_caveats"}
    assert [(r["instrument"], r["rank"], r["score"]) for r in body["recommendations"]] == [
        (r.instrument, r.rank, r.score) for r in full.recommendations]
    first, rec = body["recommendations"][0], full.recommendations[0]
    assert first["serves"] == list(rec.serves)
    assert first["reasons"] == [{"text": r.text, "points": r.points, "page": r.source.page} for r in rec.reasons]
    assert [(c["text"], c.get("page"), c.get("articles", [])) for c in first["caveats"]] == [
        (c.text, c.source.page, list(c.source.articles)) for c in rec.caveats]
    assert any(c.get("articles") for rec in body["recommendations"] for c in rec["caveats"])
    assert [u["goal"] for u in body["unmet_goals"]] == [u.goal for u in full.unmet_goals]
    assert len(body["general_caveats"]) == len(full.general_caveats)
    text = response.text
    for left_out in ('"trace"', '"not_recommended"', '"fit"', '"next_steps"', '"why_not"', '"derived"'):
        assert left_out not in text
    CompactAdvice.model_validate(body)


def test_the_full_view_is_unchanged(client, service):
    expected = service.advisor.advise_json(parse_situation(RICH))
    assert client.post("/api/v1/advice", json=RICH).text == expected
    batch = client.post("/api/v1/advice/batch", json={"situations": [RICH, {}]}).json()
    assert json.dumps(batch["results"][0]["advice"], ensure_ascii=False, separators=(",", ":")) == expected


def test_compact_view_in_a_batch(client, service):
    response = client.post("/api/v1/advice/batch/compact", json={"situations": [RICH, {"phase": "uitvoering"}]})
    assert response.status_code == 200
    body = response.json()
    assert body["kb_version"] == service.advisor.kb.version and len(body["results"]) == 2
    assert body["results"][0]["advice"] == compact(service.advisor.advise(parse_situation(RICH)))


def test_compact_is_a_neutral_function_for_other_shells(service):
    advice = service.advisor.advise(parse_situation(RICH))
    assert json.loads(compact_json(advice)) == compact(advice)
    assert CompactAdvice.model_validate(compact(advice)).recommendations[0].instrument == \
        advice.recommendations[0].instrument


def test_the_compact_view_is_documented_in_the_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    # an operation of its own, so that no 200 is a union of shapes (a generated client gets one type)
    for path, answer in [("/api/v1/advice", "Advice"), ("/api/v1/advice/compact", "CompactAdvice"),
                         ("/api/v1/advice/batch", "BatchAdvice"), ("/api/v1/advice/batch/compact", "CompactBatchAdvice")]:
        operation = schema["paths"][path]["post"]
        assert "parameters" not in operation
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{answer}"}
    assert {"CompactAdvice", "CompactRecommendation", "CompactReason", "CompactCaveat"} <= set(
        schema["components"]["schemas"])
    assert "503" in schema["paths"]["/api/v1/advice/batch"]["post"]["responses"]
    assert "more_errors" in schema["components"]["schemas"]["Problem"]["properties"]


# ---------------------------------------------------------------- 10. the accessibility statement

FOOTER_PAGES = ["/", "/advies?phase=uitvoering", "/instrumenten", "/instrumenten/pso", "/regels", "/artikelen",
                "/begrippen", "/toegankelijkheid", "/bestaat-niet", "/advies?phase=later"]


@pytest.mark.parametrize("path", FOOTER_PAGES)
def test_every_page_footer_links_the_accessibility_statement(client, path):
    text = client.get(path).text
    footer = text[text.index('<footer class="site-footer">'):]
    assert '<a href="/toegankelijkheid">Toegankelijkheidsverklaring</a>' in footer


def test_the_accessibility_statement_says_what_was_tested_and_how(client, service):
    response = client.get("/toegankelijkheid")
    assert response.status_code == 200 and response.headers["content-security-policy"]
    text = response.text
    assert "<h1>Toegankelijkheidsverklaring</h1>" in text and 'lang="nl"' in text
    for part in ("Status: voldoet gedeeltelijk", "WCAG 2.1", "axe-core", "toetsenbord", "Bekende beperkingen",
                 "Een probleem melden", "Nationale ombudsman", "niet systematisch getest met schermlezers"):
        assert part in text, part
    assert "voldoet volledig" not in text   # not claimed without a full audit
    with_contact = TestClient(create_app(Settings(contact="toegankelijkheid@example.nl"), service=service))
    assert 'href="mailto:toegankelijkheid@example.nl"' in with_contact.get("/toegankelijkheid").text


# ---------------------------------------------------------------- 11. the reverse-proxy example

def test_the_nginx_example_is_valid(tmp_path):
    import subprocess
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx and openssl are not installed (apt-get install nginx)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "advisor.key"), "-out", str(tmp_path / "advisor.pem")],
                   check=True, capture_output=True)
    text = (ROOT / "docs" / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for old, new in (("/etc/ssl/certs/advisor.pem", tmp_path / "advisor.pem"),
                     ("/etc/ssl/private/advisor.key", tmp_path / "advisor.key"), ("/var/log/nginx/", f"{tmp_path}/")):
        assert old in text
        text = text.replace(old, str(new))
    (tmp_path / "nginx.conf").write_text(text, encoding="utf-8")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
                             "-e", str(tmp_path / "error.log"), "-g", f"pid {tmp_path}/nginx.pid;"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "syntax is ok" in result.stderr, result.stderr
