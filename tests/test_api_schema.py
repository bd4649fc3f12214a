"""Schemathesis against the app's own OpenAPI document: no 5xx, and every response conforms to it."""

from __future__ import annotations

import pytest
import schemathesis
from conftest import ROOT
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from advisor.serve.app import create_app
from advisor.serve.settings import Settings

app = create_app(Settings(kb=ROOT))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
CALLS: list[int] = []


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case):
    # A batch reads each situation on its own: a situation that breaks the schema is a `problem` item of a
    # 200, not a 400 for the whole batch (documented on the operation; tests/test_api.py checks the items).
    per_item = case.path.startswith("/api/v1/advice/batch")
    response = case.call_and_validate(excluded_checks=[negative_data_rejection] if per_item else None)
    CALLS.append(response.status_code)
    assert response.status_code < 500
    version = response.headers.get("api-version")
    assert (version[0] if isinstance(version, list) else version) == "1.0.0"


def test_schemathesis_sent_a_few_hundred_requests():
    # Runs after the parametrized test in file order (pytest keeps definition order).
    if not CALLS:
        pytest.skip("run together with test_api_conforms_to_its_openapi")
    assert len(CALLS) >= 300, len(CALLS)

