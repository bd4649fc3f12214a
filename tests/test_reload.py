"""KB reload behind the API: a good edit is picked up, a broken edit keeps the last good KB serving."""

from __future__ import annotations

import logging
import re
import time

from fastapi.testclient import TestClient
from kbcopy import copy_kb, edit

from advisor.serve.app import create_app
from advisor.serve.service import Service
from advisor.serve.settings import Settings

RULE = "thema-arbeidsparticipatie"
POINTS = "  instruments: {themes: {contains: arbeidsparticipatie}}\n  points: 10\n"


def test_good_edit_then_broken_edit_then_fix(tmp_path, caplog):
    root = copy_kb(tmp_path)
    service = Service(root)
    client = TestClient(create_app(service=service), raise_server_exceptions=False)
    before = client.get("/api/v1/health").json()
    assert before["status"] == "ok" and before["errors"] == []
    tag = client.get(f"/api/v1/rules/{RULE}").headers["etag"]
    assert client.get(f"/api/v1/rules/{RULE}").json()["points"] == 10

    # a good edit: new points, new kb_version, new ETag
    edit(root / "rules" / "fit.yaml", POINTS, POINTS.replace("10", "15"))
    assert service.reload() is True
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["kb_version"] != before["kb_version"]
    response = client.get(f"/api/v1/rules/{RULE}", headers={"If-None-Match": tag})
    assert response.status_code == 200 and response.json()["points"] == 15
    good = health["kb_version"]
    advice = client.post("/api/v1/advice", json={"themes": ["arbeidsparticipatie"]}).json()
    assert advice["kb_version"] == good
    assert any(r["rule"] == RULE and r["points"] == 15 for rec in advice["recommendations"] for r in rec["reasons"])

    # a broken edit (YAML syntax error): reload fails, the last good KB keeps serving
    line = edit(root / "knowledge" / "glossary.yaml", "\n- id:", "\n- id: [kapot\n  x:")
    with caplog.at_level(logging.ERROR, logger="advisor"):
        assert service.reload() is False
    health = client.get("/api/v1/health").json()
    assert health["status"] == "degraded" and health["kb_version"] == good
    assert health["errors"] and all(re.match(r"^.+\.yaml:\d+: .+", e) for e in health["errors"])
    assert any(e.split(":")[0].endswith("knowledge/glossary.yaml") and int(e.split(":")[1]) >= line
               for e in health["errors"])
    assert health["errors"][0] in caplog.text and "still serving " + good in caplog.text
    assert client.get(f"/api/v1/rules/{RULE}").json()["points"] == 15
    assert client.post("/api/v1/advice", json={}).json()["kb_version"] == good

    # fixing the file brings the status back to ok
    edit(root / "knowledge" / "glossary.yaml", "\n- id: [kapot\n  x:", "\n- id:")
    assert service.reload() is True
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["errors"] == [] and health["kb_version"] == good


def test_watch_reloads_on_a_file_change(tmp_path):
    root = copy_kb(tmp_path)
    service = Service(root)
    with TestClient(create_app(Settings(watch=True), service=service)) as client:  # lifespan starts the watcher
        version = client.get("/api/v1/health").json()["kb_version"]
        time.sleep(0.5)  # let the watcher start
        edit(root / "rules" / "fit.yaml", POINTS, POINTS.replace("10", "20"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and client.get("/api/v1/health").json()["kb_version"] == version:
            time.sleep(0.1)
        assert client.get(f"/api/v1/rules/{RULE}").json()["points"] == 20
    assert service._stop.is_set()  # the lifespan stopped the watcher
