"""The library API for embedders: `from advisor import Advisor, Situation, Advice`, `__version__`,
`Advisor.default()`, and the README's example run as written."""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import advisor
from advisor.kb import paths
from advisor.kb.errors import KnowledgeBaseError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = re.compile(r"<!-- library example[^>]*-->\s*```python\n(?P<code>.*?)```\s*```text\n(?P<output>.*?)```"
                     r"\s*<!-- /library example -->", re.S)


def test_the_package_exports_the_library_api():
    from advisor import Advice, Advisor, Situation
    from advisor.engine.advice import Advice as advice_model
    from advisor.engine.advising import Advisor as engine_advisor
    from advisor.kb.models import Situation as situation_model

    assert (Advisor, Situation, Advice) == (engine_advisor, situation_model, advice_model)
    assert set(advisor.__all__) == {"Advisor", "Situation", "Advice", "CompactAdvice", "read_situation", "AdvisorError",
                                    "KnowledgeBaseError", "SituationError", "__version__"}
    for name in advisor.__all__:
        assert getattr(advisor, name) is not None
    assert {"Advisor", "Situation", "Advice"} <= set(dir(advisor))
    with pytest.raises(AttributeError, match="no attribute 'Advisorr'"):
        advisor.Advisorr  # noqa: B018


def test_importing_the_package_does_not_load_the_engine():
    code = "import sys, advisor; print(advisor.__version__, 'advisor.engine.advising' in sys.modules, 'durable' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [advisor.__version__, "False", "False"]


def test_the_version_has_one_source():
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", advisor.__version__)
    # pyproject.toml reads it from the module (hatchling's dynamic version), so the installed metadata agrees
    assert importlib.metadata.version("sociale-impact-advisor") == advisor.__version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and 'path = "src/advisor/__init__.py"' in pyproject
    assert not re.search(r"(?m)^version\s*=", pyproject)


def test_the_default_advisor_runs_on_the_shipped_kb(monkeypatch):
    from advisor import Advisor, Situation

    monkeypatch.delenv("ADVISOR_KB", raising=False)
    default = Advisor.default()
    assert default.kb.root == paths.SHIPPED
    advice = default.advise(Situation(phase="uitvoering", goals=("sr_monitoren",)))
    assert advice.kb_version == default.kb.version
    assert advice.recommendations and all("sr_monitoren" in r.serves for r in advice.recommendations)


def test_the_default_advisor_follows_advisor_kb(tmp_path, monkeypatch):
    from advisor import Advisor

    for folder in ("knowledge", "rules"):
        shutil.copytree(paths.SHIPPED / folder, tmp_path / folder)
    monkeypatch.setenv("ADVISOR_KB", str(tmp_path))
    assert Advisor.default().kb.root == tmp_path
    (tmp_path / "rules" / "goals.yaml").write_text("- id: [broken\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as raised:
        Advisor.default()
    assert [line for line in raised.value.lines() if "rules/goals.yaml:2: YAML syntax error" in line]


def test_in_a_checkout_the_shipped_files_are_the_checkouts_own():
    # an editable install imports advisor from src/, which has no _shipped/: edits to the checkout show at once
    if paths.SHIPPED != paths.CHECKOUT:
        pytest.skip(f"advisor runs from an installed copy ({paths.SHIPPED}), not from this checkout")
    assert paths.SHIPPED == ROOT
    assert (paths.KNOWLEDGE, paths.RULES, paths.TEMPLATES, paths.STATIC) == (
        ROOT / "knowledge", ROOT / "rules", ROOT / "templates", ROOT / "static")
    assert all(folder.is_dir() for folder in (paths.KNOWLEDGE, paths.RULES, paths.TEMPLATES, paths.STATIC))


def test_the_readme_example_runs_as_shown(monkeypatch):
    monkeypatch.delenv("ADVISOR_KB", raising=False)
    found = EXAMPLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md: no python block followed by a text block between the library example markers"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(found["code"], "README.md (library example)", "exec"), {"__name__": "readme_example"})
    assert printed.getvalue() == found["output"]


def test_a_knowledge_base_error_reads_well_on_its_own(tmp_path):
    from advisor import Advisor

    with pytest.raises(KnowledgeBaseError) as raised:
        Advisor.from_root(tmp_path)
    text = str(raised.value)
    assert text.splitlines()[0] == "1 error in 1 file:"
    assert f"{tmp_path}:1: no 'knowledge' folder here: expected a folder holding knowledge/ and rules/" in text
    assert "--kb" not in text   # a library user has no command line


def test_read_situation_reads_json_data_and_text_as_the_api_does(monkeypatch):
    from advisor import Situation, SituationError, read_situation

    assert read_situation({"phase": "uitvoering"}) == read_situation('{"phase": "uitvoering"}') == \
        Situation(phase="uitvoering")
    with pytest.raises(SituationError) as raised:
        read_situation('{"contract_value_eur": "450.000", "phase": "x", "phase": "uitvoering"}')
    assert str(raised.value) == "phase: komt meer dan één keer voor in dit object; contract_value_eur: moet een getal zijn"
    with pytest.raises(Exception, match="valid number"):   # the model itself never reads '450.000' as 450.0
        Situation.model_validate({"contract_value_eur": "450.000"})


def test_compact_advice_is_typed_and_is_what_the_api_serves(advisor):
    from advisor import CompactAdvice, Situation

    situation = Situation(phase="uitvoering", goals=("sr_monitoren",))
    view = advisor.compact(situation)
    assert isinstance(view, CompactAdvice)
    assert [r.instrument for r in view.recommendations] == \
        [r.instrument for r in advisor.advise(situation).recommendations]
    assert CompactAdvice.model_validate_json(advisor.compact_json(situation)) == view


EMBEDDER = '''
from advisor import Advice, Advisor, CompactAdvice, Situation, read_situation


def top(advisor: Advisor, data: dict[str, object]) -> list[str]:
    situation: Situation = read_situation(data)
    advice: Advice = advisor.advise(situation)
    view: CompactAdvice = advisor.compact(situation)
    return [rec.name for rec in advice.recommendations] + [rec.instrument for rec in view.recommendations]
'''


def test_an_embedder_type_checks_with_mypy_strict(tmp_path):
    # py.typed: without it mypy reports 'module is installed, but missing library stubs or py.typed marker'
    (tmp_path / "embedder.py").write_text(EMBEDDER, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "embedder.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
