"""Running the worked scenarios of a KB: `advisor test`, `advisor check` and the pytest items alike.

Modelled on OpenFisca's `openfisca test`: a command for the people who write the KB, not for the
developers. Each scenario is run against the KB it lives in and reported at its `file:line` with what
was expected and what came, so a maintainer who adds a case to a copy of the KB sees it fail there
and then, without Python. The pytest suite (tests/test_scenarios.py) calls `run_one` too, so the
command and the tests can never disagree.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..kb.errors import AdvisorError
from ..kb.scenarios import Scenario
from ..kb.situations import parse_situation
from .expectations import failures

if TYPE_CHECKING:
    from ..engine.advising import Advisor
    from ..kb.kbtypes import KB

__all__ = ["Outcome", "select", "run_one", "run_all", "report_lines"]


@dataclass(frozen=True)
class Outcome:
    """One scenario run: where it is written, and every expectation the advice did not meet."""
    index: int              # position in kb.scenarios
    name: str
    file: str
    line: int
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _location(kb: KB, index: int) -> tuple[str, int]:
    doc, position = kb.scenario_docs[index]
    path = Path(doc.file)
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = str(path)
    return shown, doc.line((position,))


def select(kb: KB, pattern: Optional[str] = None) -> list[int]:
    """Indexes of the scenarios whose name or file matches `pattern` (a case-insensitive substring,
    or a glob like 'drempel*'); all of them without a pattern."""
    chosen = []
    for index, scenario in enumerate(kb.scenarios):
        file = Path(kb.scenario_docs[index][0].file).name
        if pattern is None or any(pattern.lower() in text.lower() or fnmatch.fnmatch(text.lower(), pattern.lower())
                                  for text in (scenario.name, file)):
            chosen.append(index)
    return chosen


def run_one(advisor: Advisor, index: int) -> Outcome:
    """Run scenario `index` of the advisor's own KB."""
    kb = advisor.kb
    scenario: Scenario = kb.scenarios[index]
    file, line = _location(kb, index)
    try:
        situation = parse_situation(scenario.situation)
    except AdvisorError as err:   # `check` reports this at its line too; here the run cannot start
        return Outcome(index, scenario.name, file, line, (f"situation: {err}",))
    advice = advisor.advise(situation)
    return Outcome(index, scenario.name, file, line, tuple(failures(advice, scenario.expect)))


def run_all(advisor: Advisor, pattern: Optional[str] = None) -> list[Outcome]:
    return [run_one(advisor, index) for index in select(advisor.kb, pattern)]


def report_lines(outcomes: list[Outcome]) -> list[str]:
    """'file:line: scenario 'name' faalt: expected ..., got ...' for every failure, one line each."""
    lines = []
    for outcome in outcomes:
        for failure in outcome.failures:
            lines.append(f"{outcome.where}: scenario '{outcome.name}' faalt: {failure}")
    return lines


def summary(outcomes: list[Outcome]) -> str:
    failed = sum(not o.passed for o in outcomes)
    n = len(outcomes)
    return (f"{n} scenario{'' if n == 1 else '’s'}: {n - failed} geslaagd, {failed} gefaald"
            if n else "geen scenario’s gekozen")
