"""Shared fixtures, and the hook that turns tests/scenarios/*.yaml into test items."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.engine import Advisor

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
    from advisor.service import Service
    return Service(ROOT)


@pytest.fixture(scope="module")
def client(service):
    """A TestClient on the whole app (API and web pages)."""
    from fastapi.testclient import TestClient

    from advisor.api import create_app
    return TestClient(create_app(service=service), raise_server_exceptions=False)


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "scenarios":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        from advisor.loading import read_yaml
        doc = read_yaml(self.path)
        for index, case in enumerate(doc.data or []):
            yield ScenarioItem.from_parent(self, name=case.get("name", f"case {index + 1}"), case=case,
                                           line=doc.line((index,)))


class ScenarioItem(pytest.Item):
    def __init__(self, *, case: dict, line: int, **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.line = line

    def runtest(self) -> None:
        from scenarios import check
        _, failures = check(_shared_advisor(), self.case)
        if failures:
            raise ScenarioFailure(failures)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return f"{self.path.name}:{self.line}: {self.name}\n  " + "\n  ".join(excinfo.value.failures)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.line - 1, f"scenario: {self.name}"


class ScenarioFailure(Exception):
    def __init__(self, failures):
        super().__init__("; ".join(failures))
        self.failures = failures
