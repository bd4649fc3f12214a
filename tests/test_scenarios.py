"""Every worked scenario of the KB (knowledge/scenarios/*.yaml) as its own test, named file:line."""

from __future__ import annotations

import pytest

from advisor.knowledge import load
from advisor.scenarios import failures
from advisor.situations import parse_situation

from conftest import ROOT

KB = load(ROOT)
CASES = [(f"{doc.file.rsplit('/', 1)[-1]}:{doc.line((index,))}: {scenario.name}", n)
         for n, (scenario, (doc, index)) in enumerate(zip(KB.scenarios, KB.scenario_docs))]


@pytest.mark.parametrize("number", [n for _, n in CASES], ids=[name for name, _ in CASES])
def test_scenario(advisor, number):
    scenario = advisor.kb.scenarios[number]
    advice = advisor.advise(parse_situation(scenario.situation))
    found = failures(advice, scenario.expect)
    assert not found, "\n  ".join([CASES[number][0]] + found)
