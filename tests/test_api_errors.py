"""Every error path of the API answers application/problem+json; caching and CORS headers."""

from __future__ import annotations

import json

from conftest import ROOT
from fastapi.testclient import TestClient

from advisor.serve.app import create_app
from advisor.serve.service import Service
from advisor.serve.settings import Settings

JSON = {"content-type": "application/json"}


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["api-version"] == "1.0.0"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_every_error_path(client):
    # 400: invalid values, every problem at once, Dutch messages and field paths
    body = problem(client.post("/api/v1/advice", json={
        "phase": "bouwfase", "goals": ["sr_monitoren", "geluk"], "contract_value_eur": -1, "kleur": "rood"}), 400)
    assert body["type"] == "urn:advisor:problem:invalid-input"
    reasons = {e["name"]: e["reason"] for e in body["errors"]}
    assert set(reasons) == {"phase", "goals.1", "contract_value_eur", "kleur"}
    assert reasons["phase"].startswith("onbekende waarde 'bouwfase'; kies uit:")
    assert reasons["contract_value_eur"] == "moet minstens 0 zijn"
    assert reasons["kleur"].startswith("onbekend veld")

    # 400: strict JSON types (no coercion of "5" into a number)
    body = problem(client.post("/api/v1/advice", json={"contract_value_eur": "5", "banenafspraak": 1}), 400)
    assert {e["name"] for e in body["errors"]} == {"contract_value_eur", "banenafspraak"}

    # 400: a key given twice, NaN, control characters in free text
    twice = b'{"phase": "uitvoering", "phase": "aanbesteding"}'
    body = problem(client.post("/api/v1/advice", content=twice, headers=JSON), 400)
    assert body["errors"] == [{"name": "phase", "reason": "komt meer dan één keer voor in dit object"}]
    body = problem(client.post("/api/v1/advice", content=b'{"contract_value_eur": NaN}', headers=JSON), 400)
    assert body["errors"] == [{"name": "contract_value_eur", "reason": "moet een getal zijn"}]
    assert problem(client.post("/api/v1/advice", json={"municipality": "a\nb"}), 400)["errors"] == [
        {"name": "municipality", "reason": "bevat ongeldige tekens"}]

    # 400: many problems: the first 50, and the count of the rest
    body = problem(client.post("/api/v1/advice", json={f"x{i}": 1 for i in range(80)}), 400)
    assert len(body["errors"]) == 50 and body["more_errors"] == 30

    # 400: a body that is not an object
    assert problem(client.post("/api/v1/advice", json=[1]), 400)["errors"] == [
        {"name": "situation", "reason": "moet een object zijn"}]

    # 400: malformed JSON, and an empty body
    for raw in (b'{"phase": ', b"", b"[" * 10_000):
        body = problem(client.post("/api/v1/advice", content=raw, headers=JSON), 400)
        assert body["errors"][0]["name"] == "body" and body["errors"][0]["reason"].startswith("geen geldige JSON")

    # a bad situation in a batch is a problem of its own, naming its index (the batch answers 200)
    body = client.post("/api/v1/advice/batch", json={"situations": [{}, {}, {}, {"phase": "x"}]}).json()
    assert [e["name"] for e in body["results"][3]["problem"]["errors"]] == ["situations.3.phase"]
    # 400: a batch body that is wrong as a whole
    body = problem(client.post("/api/v1/advice/batch", json={"situaties": []}), 400)
    assert {e["name"] for e in body["errors"]} == {"situaties", "situations"}

    # 400: more than 1000 situations (the body itself is under 1 MiB)
    body = problem(client.post("/api/v1/advice/batch", json={"situations": [{}] * 1001}), 400)
    assert body["errors"] == [{"name": "situations", "reason": "te veel elementen: hoogstens 1000"}]

    # 400: a query parameter that is not a date
    for day in ("gisteren", "2026-02-30", "2026-3-1"):
        body = problem(client.get("/api/v1/thresholds", params={"date": day}), 400)
        assert body["errors"] == [{"name": "date", "reason": "moet een datum zijn (JJJJ-MM-DD)"}]

    # 404: unknown ids and paths, and a trailing slash (no redirect)
    assert "geen-instrument" in problem(client.get("/api/v1/instruments/geen-instrument"), 404)["detail"]
    assert "geen-regel" in problem(client.get("/api/v1/rules/geen-regel"), 404)["detail"]
    for path in ("/api/v1/onbekend", "/api/v2/instruments", "/api/v1/instruments/",
                 "/api/v1/instruments/wizzr/", "/api/v1/health/"):
        response = client.get(path, follow_redirects=False)
        assert problem(response, 404)["instance"] == path
    problem(client.post("/api/v1/advice/", json={}, follow_redirects=False), 404)

    # 405, with Allow
    response = client.delete("/api/v1/instruments")
    problem(response, 405)
    assert response.headers["allow"] == "GET"
    assert problem(client.get("/api/v1/advice"), 405)["detail"].endswith("Toegestaan: POST.")
    assert problem(client.post("/advies.json"), 405)["detail"].endswith("Toegestaan: GET.")   # a JSON twin too

    # 413: declared too large, and streamed too large without a Content-Length
    problem(client.post("/api/v1/advice", content=b" " * (64 * 1024 + 1), headers=JSON), 413)
    problem(client.post("/api/v1/advice/batch", content=b" " * (1024 * 1024 + 1), headers=JSON), 413)

    def chunks():
        for _ in range(100):
            yield b" " * 1024

    response = client.post("/api/v1/advice", content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert "64 KiB" in problem(response, 413)["detail"]
    # a batch of 1001 that is also larger than 1 MiB is refused for its size
    big = json.dumps({"situations": [{"municipality": "x" * 100, "goals": ["sr_monitoren"] * 60}] * 1001})
    assert len(big) > 1024 * 1024
    problem(client.post("/api/v1/advice/batch", content=big, headers=JSON), 413)

    # 415: no or a wrong content type
    problem(client.post("/api/v1/advice", content=b"{}"), 415)
    problem(client.post("/api/v1/advice", content=b"{}", headers={"content-type": "text/plain"}), 415)
    problem(client.post("/api/v1/advice/batch", data={"situations": "x"}), 415)

    # 503: too many batches at once (tests/test_hardening.py fills the slots)
    gate = client.app.state.batch_gate
    while gate.try_enter():
        pass
    try:
        response = client.post("/api/v1/advice/batch", json={"situations": [{}]})
        problem(response, 503)
        assert response.headers["retry-after"].isdigit()
    finally:
        for _ in range(gate.limit):
            gate.leave()


def test_a_crash_is_a_500_problem_without_traceback(monkeypatch):
    service = Service(ROOT)
    client = TestClient(create_app(service=service), raise_server_exceptions=False)

    def boom(situation):
        raise RuntimeError("geheime details uit de stack")

    monkeypatch.setattr(service.advisor, "advise_json", boom)
    body = problem(client.post("/api/v1/advice", json={}), 500)
    assert "geheime" not in json.dumps(body)


def tags_of(client) -> str:
    return client.get("/api/v1/instruments").headers["etag"]


def test_etag_and_304(client, service):
    for path in ("/api/v1/instruments", "/api/v1/instruments/wizzr", "/api/v1/rules",
                 "/api/v1/rules/fase-past-niet", "/api/v1/questions", "/api/v1/thresholds?date=2026-03-01"):
        first = client.get(path)
        tag = first.headers["etag"]
        assert first.status_code == 200 and tag.startswith('"') and first.headers["cache-control"] == "public, no-cache"
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag and again.headers["api-version"] == "1.0.0"
        assert client.get(path, headers={"If-None-Match": f'"other", W/{tag}'}).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    tags = {client.get(p).headers["etag"] for p in ("/api/v1/instruments", "/api/v1/rules",
                                                    "/api/v1/thresholds?date=2026-03-01",
                                                    "/api/v1/thresholds?date=2025-03-01")}
    assert len(tags) == 4
    head = client.head("/api/v1/instruments")  # HEAD: the GET headers without the body
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == tags_of(client)
    # not cached: the advice, health
    assert "etag" not in client.post("/api/v1/advice", json={}).headers
    assert client.get("/api/v1/health").headers["cache-control"] == "no-store"


def test_cors_is_off_by_default_but_open_for_the_openapi_document(client):
    origin = {"Origin": "https://gemeente.example"}
    assert "access-control-allow-origin" not in client.get("/api/v1/instruments", headers=origin).headers
    response = client.get("/api/v1/openapi.json", headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/api/v1/openapi.json", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    problem(client.options("/api/v1/advice", headers={**origin, "Access-Control-Request-Method": "POST"}), 405)


def test_configured_cors_origins(service):
    client = TestClient(create_app(Settings(cors_origins=["https://gemeente.example"]), service=service))
    allowed = {"Origin": "https://gemeente.example"}
    response = client.get("/api/v1/instruments", headers=allowed)
    assert response.headers["access-control-allow-origin"] == "https://gemeente.example"
    assert "API-Version" in response.headers["access-control-expose-headers"]
    preflight = client.options("/api/v1/advice", headers={
        **allowed, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://gemeente.example"
    other = client.get("/api/v1/instruments", headers={"Origin": "https://elders.example"})
    assert "access-control-allow-origin" not in other.headers
    assert client.get("/api/v1/openapi.json", headers={"Origin": "https://elders.example"}).headers[
        "access-control-allow-origin"] == "*"
