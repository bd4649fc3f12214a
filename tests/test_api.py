"""The JSON API per endpoint: bodies, not just status codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from advisor.kb.models import Instrument

EXAMPLE = {"phase": "uitvoering", "goals": ["sr_monitoren"], "province": "groningen"}


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    assert response.headers["api-version"] == "1.0.0"
    if status != 304:
        assert response.headers["content-type"] == "application/json"
    return response.json() if status != 304 else None


def test_ping(client):
    assert ok(client.get("/api/v1/ping")) == {"pong": True}


def test_health(client, service):
    body = ok(client.get("/api/v1/health"))
    kb = service.advisor.kb
    assert body == {"status": "ok", "kb_version": kb.version, "counts": kb.counts(), "errors": [], "warnings": [],
                    "watching": False, "watcher_alive": False}
    assert body["counts"]["instruments"] == len(kb.instruments) > 0


def test_instruments_with_sources_and_page_map(client, service):
    body = ok(client.get("/api/v1/instruments"))
    assert body["kb_version"] == service.advisor.kb.version
    ids = [i["id"] for i in body["instruments"]]
    assert ids == [i.id for i in service.advisor.kb.instruments]
    assert "social-return-monitor-noord-nederland" in ids
    fields = set(Instrument.model_fields) - {"id", "source", "sources"}
    for item in body["instruments"]:
        instrument = service.advisor.kb.instrument(item["id"])
        assert item["source"] == {"page": instrument.source.page}
        assert set(item["pages"]) == fields
        assert item["pages"] == {f: instrument.page_of(f) for f in fields}
        for field, source in item["sources"].items():  # a field's own page wins over the section's
            assert item["pages"][field] == source["page"]
    assert any(item["sources"] for item in body["instruments"])


def test_one_instrument(client):
    listed = {i["id"]: i for i in ok(client.get("/api/v1/instruments"))["instruments"]}
    body = ok(client.get("/api/v1/instruments/social-return-monitor-noord-nederland"))
    assert body == listed["social-return-monitor-noord-nederland"]
    assert body["name"] and body["strengths"] and body["description"]


def test_rules(client, service):
    body = ok(client.get("/api/v1/rules"))
    kb = service.advisor.kb
    assert [r["id"] for r in body["rules"]] == [r.id for r in kb.rules]
    for rule in body["rules"]:
        assert rule["rationale"] and rule["source"] and rule["kind"] in ("exclude", "score", "caveat", "derive", "fit")
        assert rule["defined_in"].startswith("rules/") and rule["defined_in"].split(":")[1].isdigit()


def test_one_rule_with_conditions_as_given(client, service):
    body = ok(client.get("/api/v1/rules/thema-arbeidsparticipatie"))
    assert body["kind"] == "score" and body["points"] == service.advisor.kb.rule("thema-arbeidsparticipatie").points
    assert body["when"] == {"themes": {"contains": "arbeidsparticipatie"}}
    assert body["instruments"] == {"themes": {"contains": "arbeidsparticipatie"}}
    assert body["source"] == {"page": 14, "articles": [], "instrument_field": None}
    assert body["defined_in"] == "rules/fit.yaml:45"


def test_questions(client, service):
    body = ok(client.get("/api/v1/questions"))
    questionnaire = service.advisor.kb.questionnaire
    assert body["kb_version"] == service.advisor.kb.version
    assert [s["id"] for s in body["steps"]] == [s.id for s in questionnaire.steps]
    assert [q["field"] for q in body["questions"]] == [q.field for q in questionnaire.questions]
    assert body == {"kb_version": service.advisor.kb.version, **questionnaire.model_dump(mode="json")}


@pytest.mark.parametrize("day, decentral", [("2026-03-01", 216000), ("2025-06-01", 221000)])
def test_thresholds_on_a_date(client, day, decentral):
    body = ok(client.get("/api/v1/thresholds", params={"date": day}))
    assert body["date"] == day
    amounts = {t["id"].rsplit("-", 1)[0]: t["amount_eur"] for t in body["thresholds"]}
    assert amounts["decentraal"] == decentral
    assert len(body["thresholds"]) == 4
    for threshold in body["thresholds"]:
        assert threshold["valid_from"] <= day <= threshold["valid_to"]


def test_thresholds_default_to_today(client):
    body = ok(client.get("/api/v1/thresholds"))
    assert body["date"] == dt.date.today().isoformat()


def test_thresholds_outside_every_period_is_an_empty_list(client):
    assert ok(client.get("/api/v1/thresholds?date=1999-01-01"))["thresholds"] == []


def test_advice_ranks_and_explains(client, service):
    body = ok(client.post("/api/v1/advice", json=EXAMPLE))
    assert body["kb_version"] == service.advisor.kb.version
    assert body["situation"]["phase"] == "uitvoering" and body["situation"]["goals"] == ["sr_monitoren"]
    first = body["recommendations"][0]
    assert first["instrument"] == "social-return-monitor-noord-nederland" and first["rank"] == 1
    assert first["reasons"] and all(r["source"] and r["text"] for r in first["reasons"])
    assert body["trace"] and body["tie_break"]
    excluded = {n["instrument"] for n in body["not_recommended"]}
    assert not excluded & {r["instrument"] for r in body["recommendations"]}


def test_advice_equals_the_engine(client, service):
    from advisor.kb.situations import parse_situation
    expected = service.advisor.advise(parse_situation(EXAMPLE)).model_dump(mode="json")
    assert ok(client.post("/api/v1/advice", json=EXAMPLE)) == expected


def test_empty_situation_is_valid(client, service):
    body = ok(client.post("/api/v1/advice", json={}))
    # nothing known, nothing filtered: no recommendation, and every instrument explained, none excluded
    assert body["recommendations"] == [] and body["unmet_goals"] == []
    assert sorted(n["instrument"] for n in body["not_recommended"]) == sorted(i.id for i in service.advisor.kb.instruments)
    assert not any(n["excluded"] for n in body["not_recommended"])
    assert all(n["why_not"] for n in body["not_recommended"])


def test_batch_keeps_the_order(client):
    situations = [EXAMPLE, {"phase": "aanbesteding", "goals": ["inschrijvers_vergelijken"]}, {},
                  {"themes": ["diversiteit_inclusie"], "reference_date": "2026-03-01"}]
    body = ok(client.post("/api/v1/advice/batch", json={"situations": situations}))
    singles = [ok(client.post("/api/v1/advice", json=s)) for s in situations]
    assert [r["advice"] for r in body["results"]] == singles
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3] and body["failed"] == 0
    assert body["kb_version"] == singles[0]["kb_version"]


def test_a_batch_answers_per_situation_as_the_cli_does(client, advisor, tmp_path):
    from advisor.engine import batch as b

    situations = [EXAMPLE, {"phase": "x"}, {"contract_value_eur": "450.000"}, 7, {}]
    body = ok(client.post("/api/v1/advice/batch", json={"situations": situations}))
    assert body["failed"] == 3 and [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4]
    assert [sorted(r) for r in body["results"]] == [["advice", "index"], ["index", "problem"], ["index", "problem"],
                                                    ["index", "problem"], ["advice", "index"]]
    assert body["results"][0]["advice"] == ok(client.post("/api/v1/advice", json=EXAMPLE))
    for index in (1, 2):   # the problem of a situation is the 400 the single advice gives, its paths under its index
        single = client.post("/api/v1/advice", json=situations[index]).json()
        item = body["results"][index]["problem"]
        assert item["status"] == 400 and item["type"] == single["type"]
        assert item["errors"] == [{"name": f"situations.{index}.{e['name']}", "reason": e["reason"]}
                                  for e in single["errors"]]
    assert body["results"][3]["problem"]["errors"][0]["name"] == "situations.3"
    # advisor batch says the same of the same lines
    lines = tmp_path / "s.jsonl"
    lines.write_text("".join(json.dumps(s) + "\n" for s in situations), encoding="utf-8")
    records = [json.loads(text) for _, _, text in b.work(list(b.read_lines(lines, "jsonl")), "full", "jsonl", advisor)]
    assert [r["ok"] for r in records] == ["advice" in r for r in body["results"]]
    assert records[1]["problems"] == [f"{e['name'].removeprefix('situations.1.')}: {e['reason']}"
                                      for e in body["results"][1]["problem"]["errors"]]


def test_batch_of_a_thousand(client):
    body = ok(client.post("/api/v1/advice/batch", json={"situations": [EXAMPLE] * 1000}))
    assert len(body["results"]) == 1000 and body["failed"] == 0


def test_openapi_document(client):
    doc = ok(client.get("/api/v1/openapi.json"))
    assert doc["info"]["version"] == "1.0.0"
    paths = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert paths == {("/api/v1/" + p, m) for p, m in [
        ("ping", "get"), ("health", "get"), ("instruments", "get"), ("instruments/{instrument_id}", "get"),
        ("rules", "get"), ("rules/{rule_id}", "get"), ("articles", "get"), ("articles/{article_id}", "get"),
        ("questions", "get"), ("thresholds", "get"), ("advice", "post"), ("advice/compact", "post"),
        ("advice/batch", "post"), ("advice/batch/compact", "post")]}
    for item in doc["paths"].values():
        for method, operation in item.items():
            assert "422" not in operation["responses"]
            assert operation["responses"]["500"]["content"]["application/problem+json"]
            if method == "post":
                examples = operation["requestBody"]["content"]["application/json"]["examples"]
                assert examples and all("value" in e for e in examples.values())
    assert "64 KiB" in doc["info"]["description"] and "1 MiB" in doc["info"]["description"]


def test_docs_page(client):
    response = client.get("/docs")
    assert response.status_code == 200 and "/api/v1/openapi.json" in response.text
    assert response.headers["api-version"] == "1.0.0"


def test_docs_are_served_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    asset = client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
