"""Issue 22: validation whose cost is bounded by what it reports, huge numbers refused on every route,
documents and Markdown safe for any free text, headers on every response (errors included), and no
caching of what carries the user's answers."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from advisor.kb.errors import MAX_ERRORS
from advisor.kb.models import Situation
from advisor.serve import validation
from advisor.serve.app import create_app

JSON = {"content-type": "application/json"}


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


@pytest.fixture
def seen_by_pydantic(monkeypatch):
    """The JSON texts pydantic is asked to validate, and the errors it was asked to build."""
    record = {"texts": [], "built": 0}
    real = validation.Situation

    class Watched:
        model_fields = real.model_fields

        @staticmethod
        def model_validate_json(text, **kwargs):
            record["texts"].append(text)
            return real.model_validate_json(text, **kwargs)

    real_add = validation.Collected.add_error

    def add_error(self, err, prefix, root):
        if not self.full:
            record["built"] += err.error_count()
        return real_add(self, err, prefix, root)

    monkeypatch.setattr(validation, "Situation", Watched)
    monkeypatch.setattr(validation.Collected, "add_error", add_error)
    return record


# ---------------------------------------------------------------- 1. bounded validation

def batch_errors(answer: dict) -> tuple[list[dict], int]:
    """The errors described across a batch's per-situation problems, and how many more were counted."""
    problems = [item["problem"] for item in answer["results"] if "problem" in item]
    return [e for p in problems for e in p["errors"]], sum(p.get("more_errors", 0) for p in problems)


def test_a_1_mib_batch_of_200_000_errors_costs_what_50_cost(client, seen_by_pydantic):
    situations = [{f"k{j}": 1 for j in range(200)} for _ in range(1000)]
    body = json.dumps({"situations": situations}, separators=(",", ":")).encode()
    assert len(body) < 1024 * 1024 * 2
    response = client.post("/api/v1/advice/batch", content=body, headers=JSON)
    if len(body) > 1024 * 1024:   # the limit holds first; the same work inside the limit:
        problem(response, 413)
        situations = situations[:400]
        response = client.post("/api/v1/advice/batch", json={"situations": situations})
    answer = response.json()
    assert response.status_code == 200 and answer["failed"] == len(situations)   # each situation answered on its own
    described, more = batch_errors(answer)
    total = 200 * len(situations)
    # the items share MAX_ERRORS described problems, each later one names its first; the rest are counted, exactly
    assert len(described) == MAX_ERRORS + len(situations) - 1 and len(described) + more == total
    assert described[0] == {"name": "situations.0.k0", "reason": "onbekend veld"}
    # pydantic built the errors of the first situation only, each one shown a bounded part
    assert seen_by_pydantic["built"] <= MAX_ERRORS
    assert max(len(text) for text in seen_by_pydantic["texts"]) < 2_000


def test_one_situation_with_thousands_of_keys_is_shown_to_pydantic_in_part(client, seen_by_pydantic):
    found = problem(client.post("/api/v1/advice", json={f"x{i}": 1 for i in range(3000)}), 400)
    assert len(found["errors"]) == 50 and found["more_errors"] == 2950
    assert max(len(text) for text in seen_by_pydantic["texts"]) < 2_000


def test_long_lists_and_deep_nesting_are_refused_before_pydantic(client, seen_by_pydantic):
    found = problem(client.post("/api/v1/advice", json={"goals": ["sr_monitoren"] * 1000}), 400)
    assert found["errors"] == [{"name": "goals", "reason": f"te veel elementen: hoogstens {validation.LIST_CAP}"}]
    nested: list = []
    for _ in range(500):
        nested = [nested]
    found = problem(client.post("/api/v1/advice", json={"themes": nested}), 400)
    assert [e["name"] for e in found["errors"]] == ["themes.0"]
    assert max(len(text) for text in seen_by_pydantic["texts"]) < 200
    found = problem(client.post("/api/v1/advice/batch", json={"situations": [{}] * 1001}), 400)
    assert found["errors"] == [{"name": "situations", "reason": "te veel elementen: hoogstens 1000"}]


def test_the_batch_envelope_is_checked_in_bounded_time(client):
    found = problem(client.post("/api/v1/advice/batch", json={f"x{i}": 1 for i in range(3000)}), 400)
    assert {"name": "situations", "reason": "is verplicht"} in found["errors"]
    assert len(found["errors"]) == MAX_ERRORS and found["more_errors"] == 3001 - MAX_ERRORS
    found = problem(client.post("/api/v1/advice/batch", json={"situations": {"a": 1}}), 400)
    assert found["errors"] == [{"name": "situations", "reason": "moet een lijst zijn"}]


def test_valid_batches_still_come_back_whole(client):
    batch = [{"phase": "uitvoering", "goals": ["sr_monitoren"]}, {"reference_date": "2026-03-01"}]
    response = client.post("/api/v1/advice/batch/compact", json={"situations": batch})
    answer = response.json()
    assert response.status_code == 200 and answer["failed"] == 0
    assert [item["index"] for item in answer["results"]] == [0, 1] and all("advice" in i for i in answer["results"])


# ---------------------------------------------------------------- 4. huge numbers, every route

HUGE = ["1" + "0" * 320, "9" * 5000, "1e400"]


@pytest.mark.parametrize("number", HUGE)
def test_a_number_beyond_a_float_is_400_on_every_route(client, number):
    for path in ("/advies", "/advies.json", "/advies.md", "/advies.odt", "/advies.docx"):
        response = client.get(f"{path}?contract_value_eur={number}")
        assert response.status_code == 400, (path, response.status_code)
        # the form's converter (textvalues) refuses what it cannot read as an amount, with an example
        assert "getal" in response.text or "geen bedrag" in response.text
    body = problem(client.post("/api/v1/advice", content=f'{{"contract_value_eur": {number}}}', headers=JSON), 400)
    assert body["errors"] == [{"name": "contract_value_eur", "reason": "moet een getal zijn"}]


# ---------------------------------------------------------------- 5. and 11. exports of any free text

def test_noncharacters_in_the_municipality_never_break_a_document(client):
    for kind in ("docx", "odt"):
        response = client.get(f"/advies.{kind}?phase=uitvoering&municipality=Ede%EF%BF%BE%EF%BF%BFx")
        assert response.status_code == 200, kind
        text = zipfile.ZipFile(io.BytesIO(response.content)).read(
            "word/document.xml" if kind == "docx" else "content.xml").decode()
        assert "Edex" in text and "\ufffe" not in text and "\uffff" not in text


def test_the_document_filter_strips_what_xml_1_0_forbids():
    from advisor.present.documents import clean
    assert clean("a\x00b\x1fc\ud800d\ufffee\uffff\tf\U0001F600") == "abcde\tf\U0001F600"


@pytest.mark.parametrize("place", ["http://evil.example/x", "https://evil.example", "www.evil.example",
                                   "WWW.evil.example", "mailto:a@evil.example", "Ede a@evil.example"])
def test_bare_urls_in_the_municipality_never_become_links_in_markdown(client, place):
    from markdown_it import MarkdownIt
    response = client.get("/advies.md", params={"phase": "uitvoering", "municipality": place})
    assert response.status_code == 200
    html = MarkdownIt("gfm-like").render(response.text)   # linkify: GitHub's autolinks of bare URLs
    assert "evil.example" in html and not re.search(r'href="[^"]*evil', html), html


# ---------------------------------------------------------------- 10. headers on every response

def test_a_500_carries_the_headers_of_every_response(service):
    app = create_app(service=service)

    @app.get("/api/v1/boom")
    async def boom():
        raise RuntimeError("boom")

    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["api-version"] and response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/advies?phase=uitvoering", "/advies.json?phase=uitvoering",
                                  "/advies.md?phase=uitvoering", "/advies.odt?phase=uitvoering",
                                  "/advies.docx?phase=uitvoering", "/?phase=uitvoering",
                                  "/advies?phase=onzin", "/advies.json?phase=onzin", "/advies.md?phase=onzin",
                                  "/advies.docx?phase=onzin"])
def test_pages_and_exports_with_the_users_answers_are_never_stored(client, path):
    response = client.get(path)
    assert response.headers["cache-control"] == "no-store", path
    assert response.headers["x-content-type-options"] == "nosniff"


def test_situation_model_is_unchanged_by_the_bounds():
    assert validation.FIELDS == frozenset(Situation.model_fields)


# ---------------------------------------------------------------- 7. YAML aliases

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_is_refused_at_its_first_alias():
    from advisor.kb.loading import YamlError, parse_yaml
    with pytest.raises(YamlError) as raised:
        parse_yaml(BOMB, "rules/bom.yaml")
    assert str(raised.value).startswith("rules/bom.yaml:2: aliases")
    with pytest.raises(YamlError, match=":2: aliases"):
        parse_yaml("a: &x 1\nb: *x\n", "k.yaml")
    assert parse_yaml("a: '&x *y'\nb: [1, 2]\n", "k.yaml").data == {"a": "&x *y", "b": [1, 2]}


def test_advisor_check_names_the_alias_in_a_rules_file(tmp_path):
    from kbcopy import copy_kb
    from typer.testing import CliRunner

    from advisor.cli.main import app
    root = copy_kb(tmp_path)
    (root / "rules" / "zz_bom.yaml").write_text(BOMB, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--kb", str(root)])
    assert result.exit_code == 1 and "zz_bom.yaml:2: aliases ('*name') are not supported" in result.output


# ---------------------------------------------------------------- 13. a symlink loop under --watch

def test_a_symlink_loop_in_the_kb_shows_in_health(tmp_path):
    import os

    from kbcopy import copy_kb

    from advisor.serve.service import Service
    root = copy_kb(tmp_path)
    service = Service(root)
    os.symlink("loop.yaml", root / "rules" / "loop.yaml")
    try:
        assert service.reload() is False   # what the watcher runs; it raised from Path.resolve() before
        assert service.status == "degraded"
        assert any(e.startswith("rules/loop.yaml:1: ") for e in service.errors), service.errors
        health = TestClient(create_app(service=service)).get("/api/v1/health").json()
        assert health["status"] == "degraded" and health["errors"] == service.errors
    finally:
        service.stop()


def test_a_watcher_that_keeps_failing_shows_in_health(tmp_path):
    import threading

    from kbcopy import copy_kb

    from advisor.serve.service import Service
    failed = threading.Event()

    def broken():
        failed.set()
        raise RuntimeError("Symlink loop from 'rules/x'")

    service = Service(copy_kb(tmp_path))
    service.watch(changes=broken)
    try:
        assert failed.wait(5)
        for _ in range(50):
            if service.status == "degraded":
                break
            threading.Event().wait(0.02)
        assert service.status == "degraded" and service.watcher_alive
        assert any("watcher failed (RuntimeError)" in note for note in service.notes())
    finally:
        service.stop()


def test_counting_past_the_first_50_of_each_situation_is_exact(client, seen_by_pydantic):
    one = {"goals": [0] * 66, "themes": [0, "sr_monitoren"], "levels": ["onzin"], "x": 1}
    response = client.post("/api/v1/advice/batch", json={"situations": [one] * 300})
    assert response.status_code == 200 and response.json()["failed"] == 300
    described, more = batch_errors(response.json())
    assert len(described) == MAX_ERRORS + 299 and more == 300 * (66 + 2 + 1 + 1) - len(described)   # "sr_monitoren" is no theme
    assert seen_by_pydantic["built"] <= 2 * (66 + 3)
