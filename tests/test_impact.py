"""`advisor diff` and `advisor coverage`: the grid, the grouped diff of two KBs (folders and git
revisions), and the coverage report (text, Markdown, JSON, SVG)."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from kbcopy import ROOT, copy_kb, edit
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.kb.knowledge import load
from advisor.kb.models import Situation
from advisor.kb.vocab import Goal, Phase, values
from advisor.maintain.impact import (
    REFERENCE_DATE,
    coverage,
    coverage_markdown,
    coverage_svg,
    describe,
    grid,
    small_grid,
)

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"
# rule sr-monitoren in rules/goals.yaml: its instruments line makes the edit land on its points only
SR_POINTS = ("  instruments: {value_forms: {contains: sr_realisatie}}\n  points: 40\n",
             "  instruments: {value_forms: {contains: sr_realisatie}}\n  points: 5\n")


def _diff(*args):
    return runner.invoke(app, ["diff", *args, "--grid", "small"])


@pytest.fixture(scope="module")
def sr_weaker(tmp_path_factory):
    """A copy of the KB where rule sr-monitoren gives 5 points instead of 40."""
    root = copy_kb(tmp_path_factory.mktemp("kb"))
    edit(root / "rules/goals.yaml", *SR_POINTS)
    return root


# ---------------------------------------------------------------- the grid

def test_grid_spans_every_phase_and_goal_at_one_date(advisor):
    situations = grid(advisor.kb)
    assert 1000 <= len(situations) <= 2000
    assert len(set(situations)) == len(situations)
    assert {s.reference_date for s in situations} == {REFERENCE_DATE}
    pairs = {(s.phase, s.goals) for s in situations}
    assert {(p, (g,)) for p in (None, *values(Phase)) for g in values(Goal)} <= pairs
    assert any(s.contract_type == "sociale_diensten" and s.procedure == "meervoudig_onderhands"
               and s.contract_value_eur == 800000 for s in situations)
    assert any(s.role == "jurist" for s in situations) and any(s.budget_opdrachtgever == "geen" for s in situations)
    assert len(small_grid(advisor.kb)) < 100


def test_describe_is_compact():
    situation = Situation(phase="aanbesteding", goals=("inschrijvers_vergelijken",), reference_date=REFERENCE_DATE)
    assert describe(situation) == "fase=aanbesteding, doelen=inschrijvers_vergelijken"
    assert describe(Situation(contract_value_eur=300000.0, banenafspraak=True)) == "waarde=300000, banenafspraak=ja"
    assert describe(Situation(reference_date=REFERENCE_DATE)) == "(niets ingevuld)"


# ---------------------------------------------------------------- diff of folders

def test_diff_of_the_kb_with_itself_reports_nothing():
    result = _diff(str(ROOT), str(ROOT), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["advice_changed"] is False and report["changed_situations"] == 0
    for key in ("files", "rules", "instruments", "thresholds", "top3", "recommended", "caveats", "other", "scenarios"):
        assert report[key] == [], key
    assert report["situations"] == len(small_grid(load(ROOT))) and report["scenario_count"] > 0
    text = _diff(str(ROOT), str(ROOT))
    assert text.exit_code == 0
    assert "geen advies veranderd" in text.output and "Top 3" not in text.output


def test_diff_names_the_changed_rule_and_the_situations_it_moves(sr_weaker):
    result = _diff(str(ROOT), str(sr_weaker))
    assert result.exit_code == 1, result.output
    assert "gewijzigd   sr-monitoren (score, rules/goals.yaml:" in result.output
    assert "punten: 40 → 5" in result.output and "points" not in result.output
    top3 = result.output.split("Top 3 veranderd", 1)[1]
    assert "(regel sr-monitoren: 40 → 5 punten)" in top3
    # situations in the questionnaire's words, not codes
    assert "doelen: Social return van opdrachtnemers monitoren" in top3 and "sr_monitoren" not in top3
    assert "Geen advies veranderd" not in result.output


def test_diff_as_json_groups_the_moves_with_their_rule(sr_weaker):
    result = _diff(str(ROOT), str(sr_weaker), "-f", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["schema_version"] == 2 and report["advice_changed"] is True
    assert report["files"] == [{"path": "rules/goals.yaml", "change": "changed"}]
    [rule] = report["rules"]
    assert (rule["id"], rule["change"], rule["fields"]) == ("sr-monitoren", "changed",
                                                             [{"field": "points", "old": 40, "new": 5,
                                                               "label": "punten"}])
    moved = [g for g in report["top3"] if "sr-monitoren" in g["rules"]]
    assert moved, report["top3"]
    for group in moved:
        assert group["count"] >= len(group["examples"]) >= 1
        assert all("Social return van opdrachtnemers monitoren" in e["situation"] and e["before"] != e["after"]
                   for e in group["examples"])
    counts = [g["count"] for g in report["top3"]]
    assert counts == sorted(counts, reverse=True)   # largest first
    assert 0 < report["changed_situations"] <= report["situations"] + report["scenario_count"]
    # the headline's breakdown adds up, and names the top-3 changes with examples
    assert sum(report["changes"].values()) == report["changed_situations"]
    assert report["changes"]["top3"] >= len(report["top3_examples"]) > 0
    assert all(e["before"] != e["after"] for e in report["top3_examples"])


def test_diff_as_markdown_is_ready_for_a_review(sr_weaker):
    result = _diff(str(ROOT), str(sr_weaker), "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout.startswith("## advisor diff: ")
    assert "| `sr-monitoren` | gewijzigd | score | rules/goals.yaml:" in result.stdout
    assert "### Top 3 veranderd" in result.stdout
    assert "(regel sr-monitoren: 40 → 5 punten)" in result.stdout


def test_a_metadata_change_is_listed_but_changes_no_advice(tmp_path):
    root = copy_kb(tmp_path)
    edit(root / "rules/goals.yaml", "  title: Social return monitoren\n", "  title: Social return volgen\n")
    edit(root / "rules/goals.yaml", SR_POINTS[0], SR_POINTS[0] + "  review: {by: Jurist, on: 2026-01-05, "
                                                                 "hash: 0123456789ab}\n")
    result = _diff(str(ROOT), str(root), "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [rule] = report["rules"]
    assert rule["id"] == "sr-monitoren" and [f["field"] for f in rule["fields"]] == ["title"]   # no 'review'
    assert report["advice_changed"] is False and report["top3"] == [] and report["caveats"] == []


def test_a_changed_caveat_text_is_reported_per_instrument(tmp_path):
    root = copy_kb(tmp_path)
    edit(root / "rules/legal.yaml", "{instrument} registreert wat opdrachtnemers aanleveren",
         "{instrument} registreert slechts wat opdrachtnemers aanleveren")
    report = json.loads(_diff(str(ROOT), str(root), "-f", "json").stdout)
    changed = [g for g in report["caveats"] if g["kind"] == "caveat_changed"]
    assert changed and all(g["rules"] == ["monitor-waarderingsmethode"] for g in changed)
    assert all("registreert slechts" in g["new_text"] and "registreert wat" in g["old_text"] for g in changed)
    assert report["top3"] == [] and report["advice_changed"] is True
    # only the wording changed: the headline says so, and nothing else
    assert report["changes"] == {"top3": 0, "scores": 0, "wording": report["changed_situations"], "other": 0}


REWORDED = ("{instrument} registreert wat opdrachtnemers aanleveren",
            "{instrument} registreert slechts wat opdrachtnemers zelf aanleveren")


def test_a_lawyer_sees_old_and_new_wording_side_by_side(tmp_path):
    root = copy_kb(tmp_path)
    edit(root / "rules/legal.yaml", *REWORDED)
    markdown = _diff(str(ROOT), str(root), "--format", "markdown").stdout
    rule = markdown.split("#### `monitor-waarderingsmethode`: tekst", 1)[1].split("###", 1)[0]
    old = next(line for line in rule.splitlines() if line.startswith("- **oud:**"))
    new = next(line for line in rule.splitlines() if line.startswith("- **nieuw:**"))
    assert REWORDED[0] in old and REWORDED[1] in new and old.endswith("(p. 15).") and new.endswith("(p. 15).")
    assert "registreert **slechts** wat opdrachtnemers **zelf** aanleveren" in rule
    caveats = markdown.split("### Kanttekeningen", 1)[1]
    assert "WIZZR registreert wat opdrachtnemers aanleveren" in caveats   # the old caveat, not cut short
    assert "WIZZR registreert slechts wat opdrachtnemers zelf aanleveren" in caveats
    assert "alleen anders verwoord" in markdown.split("###", 1)[0]
    text = _diff(str(ROOT), str(root)).output
    assert "tekst: anders verwoord (hieronder)" in text and f"tekst, oud:   {REWORDED[0]}" in text


def test_scenarios_new_removed_and_turned(tmp_path):
    root = copy_kb(tmp_path)
    scenarios = root / "knowledge" / "scenarios"
    (scenarios / "nieuw.yaml").write_text(
        "- name: Nieuw en goed\n  source: {page: 62}\n  situation: {phase: uitvoering, goals: [sr_monitoren], "
        "province: groningen}\n  expect: {first: social-return-monitor-noord-nederland}\n"
        "- name: Nieuw en fout\n  source: {page: 62}\n  situation: {phase: uitvoering, goals: [sr_monitoren], "
        "province: groningen}\n  expect: {first: mkba}\n", encoding="utf-8")
    first = load(root).scenarios[0]
    path = next(p for p in scenarios.glob("*.yaml") if f"- name: {first.name}\n" in p.read_text(encoding="utf-8"))
    edit(path, f"- name: {first.name}\n", "- name: Hernoemd\n")
    report = json.loads(_diff(str(ROOT), str(root), "-f", "json").stdout)
    status = {s["name"]: s["status"] for s in report["scenarios"]}
    assert status["Nieuw en goed"] == "nieuw (slaagt)" and status["Nieuw en fout"] == "nieuw (faalt)"
    assert status[first.name] == "verwijderd" and status["Hernoemd"] == "nieuw (slaagt)"
    text = _diff(str(ROOT), str(root)).output
    assert "Nieuw en fout: nieuw (faalt)" in text and "mislukt → geslaagd" not in text
    turned = copy_kb(tmp_path / "turned")
    edit(turned / "rules/goals.yaml", *SR_POINTS)
    report = json.loads(_diff(str(ROOT), str(turned), "-f", "json").stdout)
    assert any(s["status"] == "slaagde → faalt" and s["failures"] for s in report["scenarios"])
    back = json.loads(_diff(str(turned), str(ROOT), "-f", "json").stdout)
    assert any(s["status"] == "faalde → slaagt" and not s["failures"] for s in back["scenarios"])


def test_a_broken_or_missing_kb_exits_2(tmp_path):
    root = copy_kb(tmp_path / "kb")
    line = edit(root / "rules/goals.yaml", SR_POINTS[0], SR_POINTS[0].replace("points:", "pionts:")) + 1
    result = _diff(str(ROOT), str(root))
    assert result.exit_code == 2
    assert f"rules/goals.yaml:{line}: rule 'sr-monitoren': field 'pionts'" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- diff of git revisions

def _git(repo, *args):
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A fresh git repository holding the KB in two commits: as shipped, then sr-monitoren at 5 points."""
    repo = tmp_path / "repo"
    repo.mkdir()
    copy_kb(repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "knowledge", "rules")
    _git(repo, "commit", "-q", "-m", "KB")
    edit(repo / "rules/goals.yaml", *SR_POINTS)
    _git(repo, "commit", "-q", "-am", "sr-monitoren weaker")
    monkeypatch.chdir(repo)
    return repo


def test_diff_between_two_revisions(repo):
    result = _diff("HEAD~1", "HEAD")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("advisor diff: HEAD~1 (")
    assert "sr-monitoren (score, rules/goals.yaml:" in result.output and "punten: 40 → 5" in result.output
    assert "(regel sr-monitoren: 40 → 5 punten)" in result.output
    # a revision against the working folder: the same change
    assert _diff("HEAD~1", ".").exit_code == 1
    assert _diff("HEAD", ".").exit_code == 0


def test_an_unknown_revision_exits_2(repo):
    result = _diff("no-such-rev", "HEAD")
    assert result.exit_code == 2
    assert "onbekende revisie of map: 'no-such-rev'" in result.output


def test_a_broken_revision_is_reported_at_its_path_and_line(repo):
    line = edit(repo / "rules/goals.yaml", SR_POINTS[1], SR_POINTS[1].replace("points:", "pionts:")) + 1
    _git(repo, "commit", "-q", "-am", "typo")
    result = _diff("HEAD~1", "HEAD")
    assert result.exit_code == 2
    assert f"HEAD:rules/goals.yaml:{line}: rule 'sr-monitoren'" in result.output
    assert "advisor-diff-" not in result.output   # no temporary folder in the message


def test_outside_a_repository_a_name_that_is_no_folder_exits_2(tmp_path, monkeypatch):
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = _diff("HEAD~1", str(ROOT))
    assert result.exit_code == 2
    assert "'HEAD~1' is geen map" in result.output


# ---------------------------------------------------------------- coverage

@pytest.fixture(scope="module")
def small_coverage(advisor):
    return coverage(advisor, small_grid(advisor.kb))


def test_coverage_counts_agree_with_the_advice(advisor, small_coverage):
    situations = small_grid(advisor.kb)
    advices = [advisor.advise(s) for s in situations]
    assert small_coverage.situations == len(situations)
    assert [i.id for i in small_coverage.instruments] == [i.id for i in advisor.kb.instruments]
    assert sum(i.first for i in small_coverage.instruments) == sum(1 for a in advices if a.recommendations)
    assert sum(i.top3 for i in small_coverage.instruments) == sum(len(a.recommendations[:3]) for a in advices)
    for item in small_coverage.instruments:
        assert item.first <= item.top3 <= item.recommended
    assert set(small_coverage.never_recommended) == {i.id for i in small_coverage.instruments if not i.recommended}
    unmet = {g.goal: g.unmet for g in small_coverage.goals}
    assert unmet == {g: sum(1 for a in advices for u in a.unmet_goals if u.goal == g) for g in values(Goal)}


def test_coverage_names_the_rules_that_never_fire(advisor):
    situation = Situation(phase="uitvoering", goals=("sr_monitoren",), reference_date=REFERENCE_DATE)
    fired = {f.rule for f in advisor.advise(situation).trace}
    result = coverage(advisor, [situation])
    assert {r.id for r in result.silent_rules} == {r.id for r in advisor.kb.rules} - fired
    assert "sr-monitoren" in fired and "sr-monitoren" not in {r.id for r in result.silent_rules}


def test_coverage_command_names_every_instrument(advisor):
    names = [i.name for i in advisor.kb.instruments]
    text = runner.invoke(app, ["coverage", "--kb", str(ROOT), "--grid", "small"])
    assert text.exit_code == 0, text.output
    rows = text.stdout.splitlines()
    assert all(any(row.startswith(name + " ") for row in rows) for name in names)
    assert "Regels die nooit vuren" in text.stdout and "Doelen zonder aanbeveling" in text.stdout
    markdown = runner.invoke(app, ["coverage", "--kb", str(ROOT), "--grid", "small", "-f", "markdown"])
    assert markdown.exit_code == 0
    assert "| instrument | eerste | top 3 | aanbevolen |" in markdown.stdout
    assert all(f"| {name} |" in markdown.stdout for name in names)
    data = json.loads(runner.invoke(app, ["coverage", "--kb", str(ROOT), "--grid", "small", "-f", "json"]).stdout)
    assert [i["id"] for i in data["instruments"]] == [i.id for i in advisor.kb.instruments]


def test_coverage_svg_is_an_accessible_chart(advisor, small_coverage):
    result = runner.invoke(app, ["coverage", "--kb", str(ROOT), "--grid", "small", "-f", "svg"])
    assert result.exit_code == 0
    svg = ET.fromstring(result.stdout)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and "top 3" in title.text and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    labels = {t.text for t in svg.iter(f"{SVG}text")}
    assert {i.name for i in advisor.kb.instruments} <= labels
    assert not list(svg.iter(f"{SVG}script"))
    pso = next(i for i in small_coverage.instruments if i.id == "pso")
    assert f"{pso.name}: {pso.first} keer eerste, {pso.top3} keer in de top 3" in desc.text


def test_coverage_renderings_escape_kb_text(small_coverage):
    first = small_coverage.instruments[0]
    odd = small_coverage.model_copy(update={"instruments": (first.model_copy(update={"name": "A <b> & | C"}),)
                                            + small_coverage.instruments[1:]})
    svg = ET.fromstring(coverage_svg(odd))
    assert "A <b> & | C" in {t.text for t in svg.iter(f"{SVG}text")}
    assert "| A <b> & \\| C |" in coverage_markdown(odd)


def test_coverage_is_shown_with_the_rules(client, service):
    page = client.get("/regels").text
    assert 'href="/regels/dekking"' in page
    coverage = client.get("/regels/dekking")
    assert coverage.status_code == 200
    for instrument in service.advisor.kb.instruments:
        assert instrument.name in coverage.text
    assert 'src="/regels/dekking.svg"' in coverage.text and "Regels die nooit vuren" in coverage.text
    chart = client.get("/regels/dekking.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    import xml.etree.ElementTree as ET
    assert ET.fromstring(chart.text).find("{http://www.w3.org/2000/svg}title") is not None
