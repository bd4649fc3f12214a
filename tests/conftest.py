"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.engine.advising import Advisor

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return _shared_advisor()


_ADVISOR: list[Advisor] = []


def _shared_advisor() -> Advisor:
    if not _ADVISOR:
        _ADVISOR.append(Advisor.from_root(ROOT))
    return _ADVISOR[0]


@pytest.fixture(scope="module")
def service():
    """The running Advisor behind the shells, on the shipped KB."""
    from advisor.serve.service import Service
    return Service(ROOT)


@pytest.fixture(scope="module")
def client(service):
    """A TestClient on the whole app (API and web pages)."""
    from fastapi.testclient import TestClient

    from advisor.serve.app import create_app
    return TestClient(create_app(service=service), raise_server_exceptions=False)


@pytest.fixture(scope="session")
def uncached_advisor(advisor) -> Advisor:
    """The same KB without the advice cache: every call runs the engine."""
    return Advisor(advisor.kb, cache_size=0)
