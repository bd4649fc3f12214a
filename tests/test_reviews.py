"""Review stamps: `advisor review` writes them without disturbing the file, `advisor check` warns
when a rule changed after its review, and the review state reaches /regels, the API and the advice."""

from __future__ import annotations

from conftest import ROOT
from kbcopy import copy_kb, edit
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
from advisor.kb.models import Situation
from advisor.kb.reviews import meaning_hash

runner = CliRunner()


def stamp(root, rule_id="sr-monitoren", on="2026-11-20"):
    return runner.invoke(app, ["review", rule_id, "--by", "Mr. A. Jurist", "--on", on, "--kb", str(root)])


def test_review_writes_one_line_and_leaves_the_rest_of_the_file(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules" / "goals.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    result = stamp(root)
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line not in before]
    assert len(after) == len(before) + 1 and len(added) == 1
    assert added[0].startswith('  review: {by: "Mr. A. Jurist", on: 2026-11-20, hash: ')
    assert [line for line in after if line != added[0]] == before   # comments and order stay
    rule = load(root).rule("sr-monitoren")
    assert rule.review.by == "Mr. A. Jurist" and rule.review.hash == meaning_hash(rule)
    again = stamp(root, on="2026-11-21")                               # a new stamp replaces the old one
    assert again.exit_code == 0 and path.read_text(encoding="utf-8").count("review:") == 1


def test_comments_and_key_order_do_not_change_the_meaning(tmp_path):
    root = copy_kb(tmp_path)
    stamp(root)
    edit(root / "rules" / "goals.yaml", "- id: sr-monitoren\n  kind: score\n",
         "- id: sr-monitoren\n  # een opmerking\n  kind: score\n")
    result = runner.invoke(app, ["check", "--kb", str(root)])
    assert result.exit_code == 0 and "changed after its review" not in result.output


def test_a_change_after_review_is_a_warning_and_strict_fails(tmp_path):
    root = copy_kb(tmp_path)
    stamp(root)
    edit(root / "rules" / "goals.yaml", "  points: 40\n  serves: [sr_monitoren]",
                "  points: 35\n  serves: [sr_monitoren]")
    result = runner.invoke(app, ["check", "--kb", str(root)])
    assert result.exit_code == 0
    assert "warning: rule 'sr-monitoren' changed after its review by Mr. A. Jurist on 2026-11-20" in result.output
    strict = runner.invoke(app, ["check", "--strict", "--kb", str(root)])
    assert strict.exit_code == 1 and "error: rule 'sr-monitoren' changed after its review" in strict.output
    assert "error: rule 'fase-past-niet' is not reviewed" in strict.output
    advisor = Advisor.from_root(root)
    advice = advisor.advise(Situation(phase="uitvoering", goals=("sr_monitoren",)))
    reasons = [r for rec in advice.recommendations for r in rec.reasons if r.rule == "sr-monitoren"]
    assert reasons and all(r.review.startswith("gewijzigd na beoordeling") for r in reasons)


def test_review_state_on_the_rules_page_the_api_and_the_advice(tmp_path):
    from fastapi.testclient import TestClient

    from advisor.serve.app import create_app
    from advisor.serve.service import Service
    root = copy_kb(tmp_path)
    stamp(root)
    client = TestClient(create_app(service=Service(root)))
    page = client.get("/regels").text
    assert "Beoordeeld door Mr. A. Jurist op 20-11-2026" in page and "Niet beoordeeld" in page
    api = client.get("/api/v1/rules/sr-monitoren").json()
    assert api["review_state"] == "beoordeeld door Mr. A. Jurist op 20-11-2026"
    assert api["review"] == {"by": "Mr. A. Jurist", "on": "2026-11-20", "hash": api["review"]["hash"]}
    advice = client.post("/api/v1/advice", json={"phase": "uitvoering", "goals": ["sr_monitoren"]}).json()
    states = {r["rule"]: r["review"] for rec in advice["recommendations"] for r in rec["reasons"]}
    assert states["sr-monitoren"] == "beoordeeld door Mr. A. Jurist op 20-11-2026"
    assert {v for k, v in states.items() if k != "sr-monitoren"} == {"niet beoordeeld"}


def test_unknown_rule_and_bad_date(tmp_path):
    root = copy_kb(tmp_path)
    assert "did you mean 'sr-monitoren'" in stamp(root, rule_id="sr-monitor").output
    assert stamp(root, on="20-11-2026").exit_code == 2


def test_docs_rules_md_is_current():
    result = runner.invoke(app, ["docs", "--check", "--kb", str(ROOT), "--out", str(ROOT / "docs")])
    assert result.exit_code == 0, f"{result.output} (run: advisor docs)"


def test_review_hashes_did_not_change_when_rules_got_a_model_per_kind():
    # Hashes computed by the single Rule model of before (every field of every kind, with defaults): a
    # stamp made then must still read as current.
    from pydantic import TypeAdapter

    from advisor.kb.rule_models import Rule
    rules = {
        "de7bda096f7a": {"id": "s", "kind": "score", "title": "t", "when": {"goals": {"contains": "sr_monitoren"}},
                         "points": 40, "serves": ["sr_monitoren"], "text": "x", "rationale": "r",
                         "source": {"page": 15}},
        "ad6f08157fd9": {"id": "e", "kind": "exclude", "title": "t", "when": {"phase": "uitvoering"},
                         "instruments": {"id": "pso"}, "text": "x", "rationale": "r", "source": {"page": 17}},
        "0fdac41b8ad0": {"id": "c", "kind": "caveat", "general": True, "title": "t", "text": "x", "rationale": "r",
                         "source": {"articles": ["aw2012-2.82"]}},
        "caf5af42c917": {"id": "f", "kind": "fit", "title": "t", "when": {"phase": {"exists": True}},
                         "answer": "phase", "verdict": "voldoet", "text": "x", "rationale": "r",
                         "source": {"page": 17}},
        "d5a809566875": {"id": "d", "kind": "derive", "title": "t", "when": {"contract_value_eur": {"gte": 1}},
                         "derive": {"fact": "groot", "label": "groot"}, "rationale": "r", "source": {"page": 20}},
    }
    parse = TypeAdapter(Rule).validate_python
    assert {expected: meaning_hash(parse(raw)) for expected, raw in rules.items()} == {h: h for h in rules}
