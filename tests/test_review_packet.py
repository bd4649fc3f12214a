"""The review packet a lawyer reads on paper, and the verdicts coming back: every row checked before
any stamp is written."""

from __future__ import annotations

import io
import zipfile

from kbcopy import copy_kb, edit
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
from advisor.kb.reviews import is_current, meaning_hash
from advisor.maintain.review_packet import packet_document, pending, to_markdown

runner = CliRunner()


def _review(root, *args):
    return runner.invoke(app, ["review", *args, "--kb", str(root)])


def test_packet_lists_every_rule_needing_review_with_what_a_lawyer_reads(advisor):
    items = pending(advisor)
    assert [i.rule.id for i in items] == [r.id for r in advisor.kb.rules if not is_current(r)]
    text = to_markdown(packet_document(advisor, items))
    assert f"{len(items)} van de {len(advisor.kb.rules)} regels" in text
    item = next(i for i in items if i.rule.id == "sr-monitoren")
    section = text.split("(sr-monitoren)")[1].split("\n### ")[0]
    # the text as an advice shows it (instrument named, no placeholder), conditions in words, source, scenarios
    assert item.seen and all("{" not in t for t in item.seen) and item.seen[0] in section
    assert "{instrument}" not in text
    assert "doelen bevat" in section.lower() and f"p. {item.rule.source.page}" in section
    assert f"Kenmerk: {meaning_hash(item.rule)}" in section and "☐ akkoord" in section
    assert f"Scenario’s waarin de regel werkt ({len(item.scenarios)})" in section and item.scenarios
    article_rule = next(i for i in items if i.rule.source.articles)
    article = advisor.kb.article(article_rule.rule.source.articles[0])
    assert article.description[:40] in to_markdown(packet_document(advisor, [article_rule]))


def test_packet_as_docx_odt_and_csv(tmp_path):
    root = copy_kb(tmp_path)
    for fmt in ("docx", "odt"):
        out = tmp_path / f"pakket.{fmt}"
        result = _review(root, "--pending", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as z:
            body = z.read("word/document.xml" if fmt == "docx" else "content.xml").decode()
        assert "sr-monitoren" in body and "Regels ter beoordeling" in body
    assert _review(root, "--pending", "--format", "docx").exit_code == 2   # a document needs -o
    form = _review(root, "--pending", "--format", "csv").output.splitlines()
    assert form[0] == "regel,oordeel,opmerking,kenmerk" and len(form) == 1 + len(load(root).rules)


def test_verdicts_back_stamp_the_agreed_and_report_the_rest(tmp_path):
    root = copy_kb(tmp_path)
    kb = load(root)
    mark = meaning_hash(kb.rule("sr-monitoren"))
    verdicts = tmp_path / "oordelen.csv"
    verdicts.write_text("regel,oordeel,opmerking,kenmerk\n"
                        f"sr-monitoren,akkoord,,{mark}\n"
                        "vergelijken-pso30plus,niet akkoord,art. 2.82 klopt niet\n"
                        "eu-drempel,,\n", encoding="utf-8")
    result = _review(root, "--from", str(verdicts), "--by", "Mr. A. Jurist", "--on", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "1 akkoord" in result.output and "niet akkoord (Mr. A. Jurist): art. 2.82 klopt niet" in result.output
    after = load(root)
    assert is_current(after.rule("sr-monitoren")) and after.rule("sr-monitoren").review.by == "Mr. A. Jurist"
    assert after.rule("vergelijken-pso30plus").review is None and after.rule("eu-drempel").review is None
    assert "sr-monitoren" not in [i.rule.id for i in pending(Advisor.from_root(root))]


def test_bad_verdicts_are_all_reported_and_nothing_is_written(tmp_path):
    root = copy_kb(tmp_path)
    files = {p: p.read_bytes() for p in (root / "rules").glob("*.yaml")}
    verdicts = tmp_path / "oordelen.yaml"
    verdicts.write_text("- {regel: sr-monitoren, oordeel: akkoord}\n"
                        "- {regel: sr-monitor, oordeel: akkoord}\n"
                        "- {regel: vergelijken-pso30plus, oordeel: misschien}\n"
                        "- {regel: eu-drempel, oordeel: niet akkoord}\n"
                        "- {regel: sr-monitoren, oordeel: akkoord}\n", encoding="utf-8")
    result = _review(root, "--from", str(verdicts), "--by", "A")
    assert result.exit_code == 1
    assert "oordelen.yaml:2: unknown rule 'sr-monitor' (did you mean 'sr-monitoren'?)" in result.output
    assert "oordelen.yaml:3: rule 'vergelijken-pso30plus': oordeel 'misschien'" in result.output
    assert "oordelen.yaml:4: rule 'eu-drempel': 'niet akkoord' needs an opmerking" in result.output
    assert "oordelen.yaml:5: rule 'sr-monitoren' has a verdict already (line 1)" in result.output
    assert {p: p.read_bytes() for p in (root / "rules").glob("*.yaml")} == files
    assert _review(root, "--from", str(verdicts), "--by", "").exit_code == 2


def test_a_verdict_on_a_rule_changed_after_the_packet_is_refused(tmp_path):
    root = copy_kb(tmp_path)
    mark = meaning_hash(load(root).rule("sr-monitoren"))
    edit(root / "rules" / "goals.yaml", "  points: 40\n  serves: [sr_monitoren]", "  points: 35\n  serves: [sr_monitoren]")
    verdicts = tmp_path / "oordelen.csv"
    verdicts.write_text(f"regel;oordeel;opmerking;kenmerk\nsr-monitoren;akkoord;;{mark}\n", encoding="utf-8")
    result = _review(root, "--from", str(verdicts), "--by", "A")
    assert result.exit_code == 1 and "oordelen.csv:2: rule 'sr-monitoren' changed after the review packet" in result.output
    assert load(root).rule("sr-monitoren").review is None


def test_rules_page_filters_by_review_state_and_searches(tmp_path):
    from fastapi.testclient import TestClient

    from advisor.serve.app import create_app
    from advisor.serve.service import Service
    root = copy_kb(tmp_path)
    assert _review(root, "sr-monitoren", "--by", "A").exit_code == 0
    assert _review(root, "vergelijken-pso30plus", "--by", "A").exit_code == 0
    edit(root / "rules" / "goals.yaml", "  points: 40\n  serves: [sr_monitoren]", "  points: 35\n  serves: [sr_monitoren]")
    client = TestClient(create_app(service=Service(root)))
    kb = load(root)

    def shown(query: str) -> list[str]:
        page = client.get("/regels" + query)
        assert page.status_code == 200
        return [part.split('"', 1)[0] for part in page.text.split('<article class="regel" id="regel-')[1:]]

    assert len(shown("")) == len(kb.rules)
    assert shown("?staat=gewijzigd") == ["sr-monitoren"]
    unreviewed = shown("?staat=niet_beoordeeld")
    assert len(unreviewed) == len(kb.rules) - 2 and "sr-monitoren" not in unreviewed
    assert set(shown("?staat=open")) == set(unreviewed) | {"sr-monitoren"}
    found = shown("?zoek=ja/nee-certificaat")
    assert "vergelijken-pso30plus" in found and len(found) < len(kb.rules)
    assert all("ja/nee-certificaat" in (kb.rule(r).title + kb.rule(r).rationale + (getattr(kb.rule(r), "text", None) or "")).lower()
               or "ja/nee-certificaat" in r for r in found)
    page = client.get("/regels?staat=gewijzigd&zoek=monitor").text
    assert "1 van de" in page and 'value="gewijzigd" selected' in page and 'value="monitor"' in page
    assert len(shown("?staat=bestaat-niet")) == len(kb.rules)   # an unknown state filters nothing
