"""Clients generate from the published OpenAPI: openapi-python-client turns /api/v1/openapi.json into a complete
client without a warning, and that client asks a live server for an advice (README, "Generated client")."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from conftest import ROOT

from advisor.kb.situations import parse_situation
from advisor.serve.app import create_app
from advisor.serve.service import Service

if importlib.util.find_spec("openapi_python_client") is None:
    if os.environ.get("CI"):
        pytest.fail("CI must run the client test: pip install openapi-python-client", pytrace=False)
    pytest.skip("openapi-python-client is not installed (pip install openapi-python-client)", allow_module_level=True)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import uvicorn

SITUATION = {"phase": "uitvoering", "goals": ["sr_monitoren"], "province": "groningen", "reference_date": "2026-03-01"}


@pytest.fixture(scope="module")
def service() -> Service:
    return Service(ROOT)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, service):
    """The client package, generated from the app's own OpenAPI document and imported."""
    work = tmp_path_factory.mktemp("client")
    (work / "openapi.json").write_text(json.dumps(create_app(service=service).openapi()), encoding="utf-8")
    (work / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")   # no formatter needed to import it
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(work / "openapi.json"),
         "--meta", "none", "--output-path", str(work / "advisor_client"), "--config", str(work / "config.yaml"),
         "--fail-on-warning"],
        capture_output=True, text=True, timeout=300, cwd=work)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(work))
    try:
        yield importlib.import_module("advisor_client")
    finally:
        sys.path.remove(str(work))
        for name in [n for n in sys.modules if n == "advisor_client" or n.startswith("advisor_client.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def base_url(service):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(service=service), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-client-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_every_operation_is_generated(generated, service):
    from pathlib import Path
    package = Path(generated.__file__).parent
    made = sorted(path.stem for path in package.glob("api/*/*.py") if path.stem != "__init__")
    published = sorted(operation["operationId"] for item in create_app(service=service).openapi()["paths"].values()
                       for operation in item.values())
    assert made == published and "advice" in made and "advice_batch" in made


def test_the_generated_client_asks_a_live_server_for_an_advice(generated, base_url, service):
    from advisor_client import Client
    from advisor_client.api.advies import advice, advice_batch
    from advisor_client.models import Advice, BatchRequest, SituationInput

    client = Client(base_url=base_url, raise_on_unexpected_status=True)
    result = advice.sync(client=client, body=SituationInput.from_dict(SITUATION))
    assert isinstance(result, Advice)
    expected = service.advisor.advise(parse_situation(SITUATION))
    assert result.recommendations[0].instrument == "social-return-monitor-noord-nederland"
    assert [(r.instrument, r.rank, r.score) for r in result.recommendations] == \
        [(r.instrument, r.rank, r.score) for r in expected.recommendations]
    assert result.to_dict() == expected.model_dump(mode="json")   # every field read back as served

    batch = advice_batch.sync(client=client, body=BatchRequest.from_dict({"situations": [SITUATION, {},
                                                                                          {"phase": "x"}]}))
    assert [r.index for r in batch.results] == [0, 1, 2] and batch.failed == 1
    assert [r.advice.to_dict() for r in batch.results[:2]] == [result.to_dict(), service.advisor.advise(
        parse_situation({})).model_dump(mode="json")]
    problem = batch.results[2].problem
    assert problem.status == 400 and [e.name for e in problem.errors] == ["situations.2.phase"]


def test_the_compact_view_has_a_type_of_its_own(generated, base_url):
    from advisor_client import Client
    from advisor_client.api.advies import advice_compact
    from advisor_client.models import CompactAdvice, SituationInput

    result = advice_compact.sync(client=Client(base_url=base_url), body=SituationInput.from_dict(SITUATION))
    assert isinstance(result, CompactAdvice)
    assert result.recommendations[0].instrument == "social-return-monitor-noord-nederland"


def test_the_client_reads_the_problem_of_invalid_input(generated, base_url):
    from advisor_client import Client
    from advisor_client.api.advies import advice
    from advisor_client.models import Problem

    response = advice.sync_detailed(client=Client(base_url=base_url),
                                    body=generated.models.SituationInput.from_dict({"municipality": "Regel\neinde"}))
    assert response.status_code == 400
    assert isinstance(response.parsed, Problem)
    assert [(e.name, e.reason) for e in response.parsed.errors] == [("municipality", "bevat ongeldige tekens")]


def test_the_readme_example_runs_against_the_live_server(generated, base_url, service, capsys):
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- generated client example[^>]*-->\s*```python\n(.*?)```", readme, re.S)
    assert block, "README.md lost its 'Generated client' example"
    code = block[1].replace("http://127.0.0.1:8000", base_url)
    # the example type-checks as written: no union left for the reader to narrow by hand
    work = Path(generated.__file__).parent.parent
    (work / "readme_example.py").write_text(block[1], encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent",
                              "readme_example.py"], cwd=work, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    situation = {"phase": "uitvoering", "goals": ["sr_monitoren"], "province": "groningen"}
    expected = service.advisor.advise(parse_situation(situation)).recommendations[:3]
    assert printed == [f"{r.rank} {r.name} {r.score}" for r in expected] and len(printed) >= 2
