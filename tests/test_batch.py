"""`advisor batch`: JSON Lines and CSV in, JSON Lines or a CSV summary out, bad lines reported by number."""

from __future__ import annotations

import csv
import io
import json

from conftest import ROOT
from typer.testing import CliRunner

from advisor.cli.main import app

runner = CliRunner()
LINES = ['{"phase": "uitvoering", "goals": ["sr_monitoren"], "province": "groningen"}',
         '{"phase": "later"}',
         "",
         "geen json",
         '{"phase": "aanbesteding", "goals": ["inschrijvers_vergelijken"]}']


def run(tmp_path, *args, name="in.jsonl", text="\n".join(LINES) + "\n"):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "uit"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--no-progress", "--kb", str(ROOT), *args])
    return result, out.read_text(encoding="utf-8")


def test_jsonl_reports_bad_lines_by_number_and_keeps_going(tmp_path, advisor):
    result, text = run(tmp_path)
    assert result.exit_code == 1 and "4 regels gelezen: 2 goed, 2 met fouten" in result.output
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 4, 5] and [r["ok"] for r in records] == [True, False, False, True]
    assert "phase: onbekende waarde 'later'" in records[1]["problems"][0]
    assert records[2]["problems"][0].startswith("geen geldige JSON")
    assert records[0]["advice"]["recommendations"][0]["instrument"] == "social-return-monitor-noord-nederland"
    assert "trace" in records[0]["advice"]            # the full view by default


def test_compact_view_and_workers_give_the_same_records_in_order(tmp_path):
    _, single = run(tmp_path, "--view", "compact")
    result, double = run(tmp_path, "--view", "compact", "--workers", "2")
    assert single == double and result.exit_code == 1
    first = json.loads(single.splitlines()[0])["advice"]
    # under 6 KiB: the compact view keeps the general caveats whole, and issue 17 added legal ones
    assert "trace" not in first and "fit" not in first["recommendations"][0] and len(single.splitlines()[0]) < 6144


def test_csv_in_with_lists_and_csv_summary_out(tmp_path):
    text = "phase,goals,budget_opdrachtgever\nuitvoering,sr_monitoren;sr_waarderen,geen\nvoorbereiding,,ruim\n"
    result, out = run(tmp_path, "-f", "csv", name="in.csv", text=text)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["line"] for r in rows] == ["2", "3"] and rows[0]["status"] == "ok"
    assert rows[0]["top1"] == "bouwblokkenmethode" and int(rows[0]["score1"]) > 0
