"""Issue 22: `advisor batch` never aborts on a line. Every line is answered or reported with its number
(good + bad = lines read); a BOM is skipped; CSV quoting errors, extra columns and a repeated header are
reported at their line; a run that stops early has its own exit code; CSV cells never start a formula."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from advisor.cli.main import STOPPED_EARLY, app
from advisor.engine import batch

runner = CliRunner()
GOOD = '{"phase": "uitvoering", "goals": ["sr_monitoren"]}'
PATHOLOGICAL = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep_object": '{"phase": ' + "[" * 5000 + "]" * 5000 + "}",
    "digits": '{"contract_value_eur": ' + "9" * 5000 + "}",
    "many_keys": json.dumps({f"k{i}": 1 for i in range(20_000)}),
}


def run(tmp_path, data: bytes, name: str = "in.jsonl", *args):
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "uit"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--no-progress", "--kb", str(ROOT), *args])
    return result, out.read_text(encoding="utf-8") if out.exists() else ""


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("kind", sorted(PATHOLOGICAL))
def test_a_pathological_line_is_reported_and_the_rest_answered(tmp_path, kind):
    lines = [GOOD.encode()] * 3 + [PATHOLOGICAL[kind].encode()] + [GOOD.encode()] * 3
    result, text = run(tmp_path, b"\n".join(lines) + b"\n")
    assert result.exit_code == 1, result.output
    found = records(text)
    assert [r["line"] for r in found] == list(range(1, 8))
    assert [r["ok"] for r in found] == [True] * 3 + [False] + [True] * 3
    assert found[3]["problems"]
    assert "7 regels gelezen: 6 goed, 1 met fouten" in result.output


def test_lines_nested_just_below_the_json_limit_reach_worker_processes(tmp_path):
    deep = ['{"phase": ' + "[" * depth + "]" * depth + "}" for depth in (500, 990)]
    result, text = run(tmp_path, "\n".join([GOOD, *deep, GOOD]).encode() + b"\n", "in.jsonl",
                       "--view", "compact", "--workers", "2")
    assert result.exit_code == 1, result.output
    assert [r["ok"] for r in records(text)] == [True, False, False, True]
    assert "4 regels gelezen: 2 goed, 2 met fouten" in result.output


def test_invalid_utf8_is_the_problem_of_its_own_line(tmp_path):
    result, text = run(tmp_path, GOOD.encode() + b"\n" + b'{"municipality": "\xff\xfe"}\n' + GOOD.encode() + b"\n")
    found = records(text)
    assert [r["ok"] for r in found] == [True, False, True]
    assert found[1]["problems"][0].startswith("geen geldige UTF-8")
    assert result.exit_code == 1 and "3 regels gelezen: 2 goed, 1 met fouten" in result.output


def test_one_bad_line_among_thousands_loses_nothing(tmp_path):
    lines = [GOOD] * 2000
    lines[1000] = PATHOLOGICAL["deep"]
    result, text = run(tmp_path, ("\n".join(lines) + "\n").encode(), "in.jsonl", "--view", "compact")
    found = records(text)
    assert len(found) == 2000 and sum(r["ok"] for r in found) == 1999 and found[1000]["line"] == 1001
    assert "2000 regels gelezen: 1999 goed, 1 met fouten" in result.output


def test_a_bom_is_skipped_in_csv_and_jsonl(tmp_path):
    result, text = run(tmp_path, "\ufeffphase,goals\nuitvoering,sr_monitoren\n".encode(), "in.csv", "-f", "csv")
    assert result.exit_code == 0, text
    result, text = run(tmp_path, ("\ufeff" + GOOD + "\n").encode())
    assert result.exit_code == 0 and records(text)[0]["ok"]


def test_csv_quoting_errors_are_reported_where_the_record_starts(tmp_path):
    data = 'phase,municipality\nuitvoering,"Ede\nuitvoering,Ede\nuitvoering,"Ede"x\n'
    result, text = run(tmp_path, data.encode(), "in.csv")
    found = records(text)
    assert [(r["line"], r["ok"]) for r in found] == [(2, False), (3, True), (4, False)]
    assert "aanhalingsteken" in found[0]["problems"][0]


def test_csv_extra_columns_and_a_repeated_header_line_are_reported(tmp_path):
    data = "phase,goals\nuitvoering,sr_monitoren,extra\nphase,goals\nuitvoering,sr_monitoren\n"
    result, text = run(tmp_path, data.encode(), "in.csv")
    found = records(text)
    assert [(r["line"], r["ok"]) for r in found] == [(2, False), (3, False), (4, True)]
    assert "3 velden, maar de kop heeft 2 kolommen" in found[0]["problems"][0]
    assert "de kop staat hier nog eens" in found[1]["problems"][0]


def test_a_column_named_twice_is_reported_on_every_line(tmp_path):
    result, text = run(tmp_path, b"phase,goals,phase\nuitvoering,sr_monitoren,aanbesteding\n", "in.csv")
    found = records(text)
    assert not found[0]["ok"] and "'phase' staat meer dan één keer in de kop (regel 1)" in found[0]["problems"][0]
    assert "1 regels gelezen: 0 goed, 1 met fouten" in result.output


def test_a_csv_field_over_128_kib_is_one_bad_line(tmp_path):
    data = b"phase,municipality\n" + b"uitvoering," + b"a" * 200_000 + b"\n" + b"uitvoering,Ede\n"
    result, text = run(tmp_path, data, "in.csv")
    found = records(text)
    assert [(r["line"], r["ok"]) for r in found] == [(2, False), (3, True)]
    assert "KiB" in found[0]["problems"][0]


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\tx", "\rx"])
def test_no_csv_cell_starts_a_formula(tmp_path, name):
    header = io.StringIO()
    csv.writer(header).writerow([name, "phase"])
    result, text = run(tmp_path, (header.getvalue() + "1,uitvoering\n").encode(), "in.csv", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["status"] == "fout"
    if not name[0].isspace():   # a header name is stripped: a tab or CR never reaches the cell
        assert rows[0]["problems"].startswith("'" + name[0])
    for row in rows:
        for value in row.values():
            assert not (value or "").startswith(batch.FORMULA), row


def test_neutral_prefixes_text_only():
    assert batch.neutral("=1+1") == "'=1+1" and batch.neutral("-x") == "'-x" and batch.neutral("Ede") == "Ede"
    assert batch.neutral(-5) == -5


def test_a_run_that_stops_early_says_where_and_exits_3(tmp_path, monkeypatch):
    real = batch.work
    calls = []

    def failing(lines, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(lines, *args, **kwargs)

    monkeypatch.setattr(batch, "work", failing)
    result, text = run(tmp_path, ("\n".join([GOOD] * (batch.CHUNK + 5)) + "\n").encode(), "in.jsonl",
                       "--view", "compact")
    assert result.exit_code == STOPPED_EARLY == 3
    assert f"gestopt na regel {batch.CHUNK}" in result.output and "No space left" in result.output
    assert f"{batch.CHUNK} regels gelezen: {batch.CHUNK} goed, 0 met fouten" in result.output
    assert len(text.splitlines()) == batch.CHUNK
