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
from advisor import paths
from advisor.errors import KnowledgeBaseError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = re.compile(r"<!-- library example[^>]*-->\s*```python\n(?P<code>.*?)```\s*```text\n(?P<output>.*?)```"
                     r"\s*<!-- /library example -->", re.S)


def test_the_package_exports_the_library_api():
    from advisor import Advice, Advisor, Situation
    from advisor.advice import Advice as advice_model
    from advisor.engine import Advisor as engine_advisor
    from advisor.models import Situation as situation_model

    assert (Advisor, Situation, Advice) == (engine_advisor, situation_model, advice_model)
    assert set(advisor.__all__) == {"Advisor", "Situation", "Advice", "CompactAdvice", "read_situation", "AdvisorError",
                                    "KnowledgeBaseError", "SituationError", "__version__"}
    for name in advisor.__all__:
        assert getattr(advisor, name) is not None
    assert {"Advisor", "Situation", "Advice"} <= set(dir(advisor))
    with pytest.raises(AttributeError, match="no attribute 'Advisorr'"):
        advisor.Advisorr  # noqa: B018


def test_importing_the_package_does_not_load_the_engine():
    code = "import sys, advisor; print(advisor.__version__, 'advisor.engine' in sys.modules, 'durable' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [advisor.__version__, "False", "False"]


def test_the_version_has_one_source():
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", advisor.__version__)
    # pyproject.toml reads it from the module (hatchling's dynamic version), so the installed metadata agrees
    assert importlib.metadata.version("advisor") == advisor.__version__
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
