"""One input contract everywhere: the same situation through every entry point gives the same advice,
or the same problems (situations: one reader for JSON/YAML data, one converter for text).

JSON entry points: POST /api/v1/advice, the library (`advisor.read_situation`, data and text), a file for
`advisor advise`, a line of `advisor batch` (.jsonl). Text entry points: the form's JSON twin
(/advies.json), `advisor advise -s`, a row of `advisor batch` (.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import read_situation
from advisor.cli.main import _situation
from advisor.engine import batch as b
from advisor.kb.errors import SituationError
from advisor.kb.situations import LIST_FIELDS, to_pairs
from advisor.kb.vocab import Goal, Phase, Procedure, Province, SituationTheme, values

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

good_values = {
    "phase": st.sampled_from(values(Phase)), "province": st.sampled_from(values(Province)),
    "procedure": st.sampled_from(values(Procedure)),
    "themes": st.lists(st.sampled_from(values(SituationTheme)), unique=True, max_size=2),
    "goals": st.lists(st.sampled_from(values(Goal)), unique=True, max_size=2),
    "contract_value_eur": st.integers(0, 10**9 * 100).map(lambda cents: cents / 100),
    "banenafspraak": st.booleans(), "municipality": st.sampled_from(["Rotterdam", "Zwolle"]),
    "reference_date": st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
}
# What JSON may hold that the contract refuses: strings for numbers and booleans, unknown values and keys.
bad_values = {
    "phase": st.sampled_from(["Uitvoering", "later", 3]), "contract_value_eur": st.sampled_from(["450.000", "1_000",
                                                                                                 -5, True]),
    "banenafspraak": st.sampled_from(["yes", "ja", 1, "true"]), "goals": st.sampled_from(["sr_monitoren", ["x"]]),
    "phse": st.just("uitvoering"), "reference_date": st.sampled_from(["01-03-2026", 20260301]),
}
good = st.fixed_dictionaries({}, optional=good_values)
bad = st.fixed_dictionaries({}, optional=good_values).flatmap(
    lambda base: st.fixed_dictionaries({}, optional=bad_values).filter(bool).map(lambda worse: {**base, **worse}))


def api(client, data):
    response = client.post("/api/v1/advice", json=data)
    if response.status_code == 200:
        return "advice", response.json()
    assert response.status_code == 400, response.text
    return "problems", [f"{e['name']}: {e['reason']}" for e in response.json()["errors"]]


def library(advisor, data, text=False):
    try:
        situation = read_situation(json.dumps(data) if text else data)
    except SituationError as err:
        return "problems", [f"{path}: {message}" for path, message in err.errors]
    return "advice", json.loads(advisor.advise_json(situation))


def cli_file(advisor, data, tmp_path: Path, capsys):
    path = tmp_path / "situation.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return cli_read(advisor, lambda: _situation(path, []), capsys)


def cli_read(advisor, read, capsys):
    capsys.readouterr()
    try:
        situation = read()
    except typer.Exit as stop:
        assert stop.exit_code == 1
        return "problems", capsys.readouterr().err.splitlines()[:-1]   # the last line is the count
    return "advice", json.loads(advisor.advise_json(situation))


def batch_line(advisor, path: Path, kind: str):
    [(_, _, text)] = b.work(list(b.read_lines(path, kind)), "full", "jsonl", advisor)
    record = json.loads(text)
    return ("advice", record["advice"]) if record["ok"] else ("problems", record["problems"])


@SETTINGS
@given(data=good | bad)
def test_json_entry_points_agree(client, advisor, tmp_path, capsys, data):
    expected = api(client, data)
    assert library(advisor, data) == expected
    assert library(advisor, data, text=True) == expected
    assert cli_file(advisor, data, tmp_path, capsys) == expected
    line = tmp_path / "situations.jsonl"
    line.write_text(json.dumps(data) + "\n", encoding="utf-8")
    assert batch_line(advisor, line, "jsonl") == expected


def as_csv(pairs: list[tuple[str, str]]) -> str:
    row: dict[str, str] = {}
    for key, value in pairs:
        row[key] = f"{row[key]};{value}" if key in row else value
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(row) or ["phase"], lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return buffer.getvalue()


text_values = {
    **{name: strategy.map(lambda v: [str(x) for x in v] if isinstance(v, list) else str(v))
       for name, strategy in good_values.items() if name not in ("contract_value_eur", "banenafspraak")},
    "contract_value_eur": st.sampled_from(["450000", "€ 450.000", "450.000,00", "€450.000,-", "450.00", "1,5",
                                           "4.50.000", "1_000"]),
    "banenafspraak": st.sampled_from(["ja", "nee", "True", "false", "yes", "1"]),
    "phase": st.sampled_from(values(Phase) + ("later",)),
}


@SETTINGS
@given(data=st.fixed_dictionaries({}, optional=text_values))
def test_text_entry_points_agree(client, advisor, tmp_path, capsys, data):
    pairs = [(key, item) for key, value in data.items() for item in (value if isinstance(value, list) else [value])]
    response = client.get("/advies.json?" + urlencode(pairs))
    if response.status_code == 200:
        expected = "advice", response.json()
    else:
        assert response.status_code == 400, response.text
        expected = "problems", [f"{e['name']}: {e['reason']}" for e in response.json()["errors"]]
    flags = [f"{key}={value}" for key, value in pairs]
    assert cli_read(advisor, lambda: _situation(None, flags), capsys) == expected
    if pairs:   # an empty CSV row is no situation (it is skipped)
        table = tmp_path / "situations.csv"
        table.write_text(as_csv(pairs), encoding="utf-8")
        assert batch_line(advisor, table, "csv") == expected
    if expected[0] == "advice":   # the permalink reads back to the same situation
        again = client.get("/advies.json?" + urlencode(to_pairs(read_situation(expected[1]["situation"]))))
        assert again.json() == expected[1]


@pytest.mark.parametrize("line, problem", [
    ('{"phase": "uitvoering", "phase": "aanbesteding"}', "phase: komt meer dan één keer voor in dit object"),
    ('{"contract_value_eur": "1_000", "banenafspraak": "yes"}', "contract_value_eur: moet een getal zijn"),
])
def test_a_batch_line_is_read_as_the_api_reads_a_body(client, advisor, tmp_path, line, problem):
    path = tmp_path / "s.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    kind, problems = batch_line(advisor, path, "jsonl")
    assert kind == "problems" and problem in problems
    api_errors = client.post("/api/v1/advice", content=line, headers={"Content-Type": "application/json"}).json()
    assert problems == [f"{e['name']}: {e['reason']}" for e in api_errors["errors"]]


def test_a_csv_column_given_twice_is_refused(advisor, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("phase,phase\nuitvoering,aanbesteding\n", encoding="utf-8")
    # reported where the mistake is: the header line (issue 22), for every row under it
    assert batch_line(advisor, path, "csv") == ("problems", ["kolom 'phase' staat meer dan één keer in de kop (regel 1)"])


def test_list_fields_are_known():
    assert {"themes", "goals", "levels"} <= LIST_FIELDS


def test_a_csv_saved_by_excel_reads_its_dutch_amounts(advisor, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("\ufeffphase,contract_value_eur,banenafspraak\naanbesteding,€ 450.000,ja\n", encoding="utf-8")
    kind, advice = batch_line(advisor, path, "csv")
    assert kind == "advice"
    assert (advice["situation"]["contract_value_eur"], advice["situation"]["banenafspraak"]) == (450000, True)
