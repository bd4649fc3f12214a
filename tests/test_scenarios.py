"""Every worked scenario of the KB (knowledge/scenarios/*.yaml) as its own test, named file:line.

The run is `scenario_run.run_one`, the same code `advisor test` and `advisor check` use, so the test
suite and the maintainer's command can never disagree about a scenario.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from advisor.kb.knowledge import load
from advisor.maintain.scenario_run import run_one

KB = load(ROOT)
CASES = [(f"{doc.file.rsplit('/', 1)[-1]}:{doc.line((index,))}: {scenario.name}", n)
         for n, (scenario, (doc, index)) in enumerate(zip(KB.scenarios, KB.scenario_docs))]


@pytest.mark.parametrize("number", [n for _, n in CASES], ids=[name for name, _ in CASES])
def test_scenario(advisor, number):
    outcome = run_one(advisor, number)
    assert outcome.name == advisor.kb.scenarios[number].name
    assert outcome.passed, "\n  ".join([f"{outcome.where}: {outcome.name}"] + list(outcome.failures))
