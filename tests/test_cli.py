"""The command line: exit codes, path:line errors, advice output."""

import json

from kbcopy import ROOT, copy_kb, edit
from typer.testing import CliRunner

from advisor.cli.main import app

runner = CliRunner()


def test_check_passes_on_the_shipped_kb(advisor):
    result = runner.invoke(app, ["check", "--kb", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {len(advisor.kb.instruments)} instruments")


def test_check_reports_every_error_and_exits_1(tmp_path):
    root = copy_kb(tmp_path)
    line = edit(root / "knowledge/instruments.yaml", "  phases: [", "  phase: [")
    result = runner.invoke(app, ["check", "--kb", str(root)])
    assert result.exit_code == 1
    assert f"instruments.yaml:{line}: instrument 'medewerkerstool': field 'phase' is not allowed here" in result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].endswith("file")  # "N errors in 1 file"


def test_advise_json_from_flags():
    result = runner.invoke(app, ["advise", "--kb", str(ROOT), "-s", "phase=uitvoering", "-s", "goals=sr_monitoren",
                                 "-s", "province=groningen", "--format", "json"])
    assert result.exit_code == 0, result.output
    advice = json.loads(result.output)
    assert advice["recommendations"][0]["instrument"] == "social-return-monitor-noord-nederland"


def test_advise_text_from_yaml_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("goals: [eigen_mvi_prestaties]\n", encoding="utf-8")
    result = runner.invoke(app, ["advise", str(path), "--kb", str(ROOT)])
    assert result.exit_code == 0
    assert "1. MVI-zelfevaluatietool" in result.output
    assert "Waarom niet?" in result.output


def test_advise_rejects_bad_situation_in_dutch():
    result = runner.invoke(app, ["advise", "--kb", str(ROOT), "-s", "phase=later"])
    assert result.exit_code == 1
    assert "phase: onbekende waarde 'later'" in result.output


def test_rules_list_and_one():
    listing = runner.invoke(app, ["rules", "--kb", str(ROOT)])
    assert "fase-past-niet" in listing.output
    one = runner.invoke(app, ["rules", "pso30plus-art-282", "--kb", str(ROOT)])
    assert "Motivering:" in one.output and "aw2012-2.82" in one.output
    assert runner.invoke(app, ["rules", "keurmerk", "--kb", str(ROOT)]).exit_code == 1


def test_check_json_lists_problems(tmp_path):
    root = copy_kb(tmp_path)
    edit(root / "knowledge/instruments.yaml", "  levels: [outcome]", "  levels: [outcom]")
    result = runner.invoke(app, ["check", "--kb", str(root), "--format", "json"])
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["ok"] is False and body["errors"][0]["message"].startswith("instrument 'medewerkerstool'")
