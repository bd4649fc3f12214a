"""Safe stamping: a stamp leaves every other byte of the file as it was (whatever its indentation),
an empty reviewer is refused, a broken result is never written, and the installed package's own
copy of the KB is never written into."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from kbcopy import copy_kb
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.kb.knowledge import load
from advisor.kb.reviews import meaning_hash
from advisor.maintain.stamping import Stamp, StampError, apply, writable_root

runner = CliRunner()
DAY = dt.date(2026, 6, 1)


def _reindent(text: str, width: int) -> str:
    """The same YAML with every block indented `width` spaces a level instead of 2."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        if body.startswith("- ") and depth == 0:
            body = "-" + " " * (width - 1) + body[2:]
        out.append(" " * (depth * width) + body)
    return "".join(out)


def test_four_space_rules_file_is_stamped_at_its_own_indentation(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules" / "goals.yaml"
    path.write_text(_reindent(path.read_text(encoding="utf-8"), 4), encoding="utf-8")
    before = load(root)   # valid, and `check` is ok with it
    result = runner.invoke(app, ["review", "sr-monitoren", "--by", "Mr. A. Jurist", "--on", "2026-06-01",
                                 "--kb", str(root)])
    assert result.exit_code == 0, result.output
    after_kb = load(root)
    assert after_kb.rule("sr-monitoren").review.by == "Mr. A. Jurist"
    lines = path.read_text(encoding="utf-8").splitlines()
    added = [line for line in lines if "review:" in line]
    assert len(added) == 1 and added[0].startswith("    review: {by:")
    assert [line for line in lines if line != added[0]] == _reindent(
        (Path(__file__).parents[1] / "rules" / "goals.yaml").read_text(encoding="utf-8"), 4).splitlines()
    assert [r.id for r in after_kb.rules] == [r.id for r in before.rules]


def test_restamping_replaces_the_stamp_and_keeps_comments(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules" / "goals.yaml"
    original = path.read_text(encoding="utf-8")
    kb = load(root)
    apply(kb, [Stamp("sr-monitoren", "A", DAY), Stamp("vergelijken-pso30plus", "A", DAY)])
    apply(load(root), [Stamp("sr-monitoren", "B. de Vries: jurist", DAY + dt.timedelta(days=1))])
    text = path.read_text(encoding="utf-8")
    assert text.count("review:") == 2 and '"B. de Vries: jurist"' in text
    assert [line for line in text.splitlines() if "review:" not in line] == original.splitlines()
    rule = load(root).rule("sr-monitoren")
    assert rule.review.by == "B. de Vries: jurist" and rule.review.hash == meaning_hash(rule)


def test_empty_reviewer_is_refused_and_nothing_written(tmp_path):
    root = copy_kb(tmp_path)
    before = (root / "rules" / "goals.yaml").read_bytes()
    for name in ("", "   "):
        result = runner.invoke(app, ["review", "sr-monitoren", "--by", name, "--kb", str(root)])
        assert result.exit_code == 2 and "reviewer's name" in result.output
    with pytest.raises(StampError, match="reviewer's name"):
        apply(load(root), [Stamp("sr-monitoren", " ", DAY)])
    assert (root / "rules" / "goals.yaml").read_bytes() == before
    assert runner.invoke(app, ["check", "--no-scenarios", "--kb", str(root)]).exit_code == 0


def test_a_batch_with_one_bad_stamp_writes_nothing(tmp_path):
    root = copy_kb(tmp_path)
    files = {p: p.read_bytes() for p in (root / "rules").glob("*.yaml")}
    with pytest.raises(StampError, match="unknown rule"):
        apply(load(root), [Stamp("sr-monitoren", "A", DAY), Stamp("bestaat-niet", "A", DAY)])
    assert {p: p.read_bytes() for p in (root / "rules").glob("*.yaml")} == files


def test_the_installed_package_copy_is_never_the_target(monkeypatch, tmp_path):
    import advisor.kb.paths as paths
    monkeypatch.delenv("ADVISOR_KB", raising=False)
    monkeypatch.setattr(paths, "SHIPPED", tmp_path / "site-packages" / "advisor" / "_shipped")
    with pytest.raises(StampError, match="--kb"):
        writable_root(None)
    assert writable_root(tmp_path) == tmp_path
    monkeypatch.setenv("ADVISOR_KB", str(tmp_path))
    assert writable_root(None) == tmp_path
    monkeypatch.delenv("ADVISOR_KB")
    result = runner.invoke(app, ["review", "sr-monitoren", "--by", "A"])
    assert result.exit_code == 2 and "installed package" in result.output
