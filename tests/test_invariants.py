"""The KB's invariants are checked by `advisor check` (goal matrix, section pages, threshold table), so
a maintainer editing a copy hears of a break there; and a KB with a 17th instrument works end to end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from kbcopy import ROOT, copy_kb, edit
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.engine.advising import Advisor
from advisor.kb.errors import KnowledgeBaseError
from advisor.kb.invariants import THRESHOLD_NOTICE_DAYS, invariant_notes
from advisor.kb.knowledge import load
from advisor.kb.models import Situation

runner = CliRunner()


def test_the_shipped_kb_keeps_every_invariant(advisor):
    last = max(t.valid_to for t in advisor.kb.legal.thresholds)
    notes = invariant_notes(advisor.kb, on=last - dt.timedelta(days=THRESHOLD_NOTICE_DAYS + 1))
    assert notes == []


def test_a_rule_serving_a_goal_with_an_instrument_the_matrix_does_not_name_is_an_error(tmp_path):
    root = copy_kb(tmp_path)
    line = edit(root / "knowledge" / "goal_matrix.yaml",
                "    - {instrument: mkba, phases: [voorbereiding], pages: [73], note: \"Kosten",
                "    - {instrument: mkba, phases: [voorbereiding], pages: [73], note: \"Kosten")
    text = (root / "knowledge" / "goal_matrix.yaml").read_text(encoding="utf-8").splitlines()
    del text[line - 1]   # the report's naming of the MKBA for 'waarde in euro' is gone
    (root / "knowledge" / "goal_matrix.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--no-scenarios", "--kb", str(root)])
    assert result.exit_code == 1
    assert "error: rule 'waarde-in-euro-mkba' serves goal 'waarde_in_euro' with mkba, which knowledge/goal_matrix.yaml " \
           "does not name for it" in result.output
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors and all("rules/goals.yaml:" in line and "with mkba," in line for line in errors)
    assert f"{len(errors)} invariant(s) broken" in result.output


def test_two_instruments_on_one_section_page_is_an_error(tmp_path):
    # move one instrument's section onto another's page; most such moves already fail to load (a rule citing
    # the moved section's page then cites another instrument's: citations.py), so take the first that loads
    kb = load(ROOT)
    for number, first in enumerate(kb.instruments[1:]):
        second = kb.instruments[0]
        root = copy_kb(tmp_path / str(number))
        edit(root / "knowledge" / "instruments.yaml", f"  source: {{page: {second.source.page}}}",
             f"  source: {{page: {first.source.page}}}")
        try:
            moved = load(root)
        except KnowledgeBaseError:
            continue
        [note] = invariant_notes(moved, on=dt.date(2026, 1, 1))
        assert note.error and note.file.endswith("instruments.yaml")
        assert f"section page {first.source.page} is the section of" in str(note)
        assert {first.id, second.id} & set(re.findall(r"'([\w-]+)'", str(note)))
        return
    pytest.fail("no instrument's section could be moved onto another's page without another error first")


def test_the_threshold_table_warns_before_it_runs_out(advisor):
    kb = advisor.kb
    last = max(t.valid_to for t in kb.legal.thresholds)
    assert invariant_notes(kb, on=last - dt.timedelta(days=THRESHOLD_NOTICE_DAYS + 1)) == []
    [soon] = invariant_notes(kb, on=last - dt.timedelta(days=30))
    assert not soon.error and soon.file.endswith("legal.yaml")
    assert f"ends on {last.isoformat()}, in 30 days" in soon.message
    [ended] = invariant_notes(kb, on=last + dt.timedelta(days=1))
    assert not ended.error and f"ended on {last.isoformat()}" in ended.message


def _seventeenth(root):
    """A 17th instrument: a regional MKBA, copied from the MKBA, with its own page and goal-matrix rows."""
    path = root / "knowledge" / "instruments.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("- id: mkba\n"):]
    block = block[:block.find("\n- id: ", 1) + 1] if "\n- id: " in block[1:] else block
    copy = block.replace("- id: mkba\n", "- id: mkba-regionaal\n", 1).replace(
        "  name: Maatschappelijke kosten-batenanalyse (MKBA)\n", "  name: Regionale MKBA\n", 1)
    page = load(root).instrument("mkba").source.page
    copy = copy.replace(f"  source: {{page: {page}}}", f"  source: {{page: {page + 1}}}", 1)
    path.write_text(text.rstrip("\n") + "\n\n" + copy, encoding="utf-8")
    matrix = root / "knowledge" / "goal_matrix.yaml"
    lines = matrix.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        out.append(line)
        if "{instrument: mkba," in line:
            out.append(line.replace("{instrument: mkba,", "{instrument: mkba-regionaal,"))
    matrix.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_a_seventeenth_instrument_passes_check_test_and_the_advice(tmp_path):
    root = copy_kb(tmp_path)
    _seventeenth(root)
    kb = load(root)
    assert len(kb.instruments) == 17 and kb.instrument("mkba-regionaal").name == "Regionale MKBA"
    check = runner.invoke(app, ["check", "--kb", str(root)])
    assert check.exit_code == 0, check.output
    assert check.output.startswith(f"ok: {len(kb.instruments)} instruments")
    tested = runner.invoke(app, ["test", "--kb", str(root)])
    assert tested.exit_code == 0, tested.output
    assert f"{len(kb.scenarios)} scenario’s: {len(kb.scenarios)} geslaagd" in tested.output
    advice = Advisor(kb).advise(Situation(phase="voorbereiding", goals=("waarde_in_euro",)))
    listed = [r.instrument for r in advice.recommendations] + [n.instrument for n in advice.not_recommended]
    assert sorted(listed) == sorted(i.id for i in kb.instruments)
    assert "mkba-regionaal" in [r.instrument for r in advice.recommendations]
    shown = runner.invoke(app, ["advise", "--kb", str(root), "-s", "phase=voorbereiding", "-s", "goals=waarde_in_euro",
                                "--top", "17"])
    assert shown.exit_code == 0 and "Regionale MKBA" in shown.output
