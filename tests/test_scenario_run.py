"""`advisor test`: the scenarios of any KB, each failure at its file:line with what was expected and
what came; `advisor check` runs them too (unless --no-scenarios)."""

from __future__ import annotations

import json

from kbcopy import copy_kb
from typer.testing import CliRunner

from advisor.cli.main import app

runner = CliRunner()
WRONG = ("- name: Monitoren in Groningen, verkeerd verwacht\n  source: {page: 62}\n  situation:\n"
         "    phase: uitvoering\n    goals: [sr_monitoren]\n    province: groningen\n"
         "  expect:\n    first: mkba\n")


def test_a_new_scenario_that_expects_the_wrong_first_fails_at_its_line(tmp_path):
    root = copy_kb(tmp_path)
    (root / "knowledge" / "scenarios" / "nieuw.yaml").write_text(WRONG, encoding="utf-8")
    result = runner.invoke(app, ["test", "--kb", str(root)])
    assert result.exit_code == 1, result.output
    failing = [line for line in result.output.splitlines() if "faalt" in line]
    assert len(failing) == 1
    assert failing[0].split(": scenario")[0].endswith("nieuw.yaml:1")
    assert "first: expected mkba, ranking is ['social-return-monitor-noord-nederland'" in failing[0]
    assert "1 gefaald" in result.output
    check = runner.invoke(app, ["check", "--kb", str(root)])
    assert check.exit_code == 1 and "nieuw.yaml:1: scenario 'Monitoren in Groningen" in check.output
    assert "1 scenario check(s) failed" in check.output
    skipped = runner.invoke(app, ["check", "--no-scenarios", "--kb", str(root)])
    assert skipped.exit_code == 0 and "(not run: --no-scenarios)" in skipped.output


def test_k_selects_by_name_or_file_and_json_lists_each(tmp_path):
    root = copy_kb(tmp_path)
    (root / "knowledge" / "scenarios" / "nieuw.yaml").write_text(WRONG, encoding="utf-8")
    result = runner.invoke(app, ["test", "--kb", str(root), "-k", "drempel", "--format", "json"])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["ok"] and data["scenarios"]
    assert all("drempel" in s["name"].lower() for s in data["scenarios"])
    by_file = runner.invoke(app, ["test", "--kb", str(root), "-k", "nieuw.yaml"])
    assert by_file.exit_code == 1 and "1 scenario: 0 geslaagd, 1 gefaald" in by_file.output
    none = runner.invoke(app, ["test", "--kb", str(root), "-k", "bestaat-niet"])
    assert none.exit_code == 1 and "geen scenario past" in none.output


def test_the_shipped_scenarios_pass(advisor):
    from advisor.maintain.scenario_run import run_all
    outcomes = run_all(advisor)
    assert len(outcomes) == len(advisor.kb.scenarios) and all(o.passed for o in outcomes)
