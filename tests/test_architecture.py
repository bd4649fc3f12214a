"""The layers of docs/architecture.md, read from the source: which module imports which (ast, so lazy
imports inside functions count too). A package imports only the packages below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "advisor"
LAYERS = ("kb", "engine", "present", "maintain", "serve", "cli")   # bottom to top
MODULES = {".".join(path.relative_to(PACKAGE).with_suffix("").parts): path for path in PACKAGE.rglob("*.py")
           if path.name != "__init__.py" and path.parent != PACKAGE}
WEB_STACK = ("fastapi", "starlette", "jinja2", "typer", "uvicorn")


def _package_of(module: str) -> str:
    return module.split(".")[0]


def _imports(name: str, top_level_only: bool = False) -> tuple[set[str], set[str]]:
    """(modules of this package, other top-level packages) that module `name` ('kb.models') imports."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    here = name.split(".")[:-1]
    own: set[str] = set()
    other: set[str] = set()

    def add(parts: list[str], names: list[str]) -> None:
        base = ".".join(parts)
        for n in names:   # `from .. import x` names a module; `from ..kb.models import Situation` does not
            own.add(f"{base}.{n}" if f"{base}.{n}".lstrip(".") in MODULES else base)

    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level:
            parts = here[:len(here) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            add(parts, [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "advisor":
                add(parts[1:], [a.name for a in node.names])
            else:
                other.add(parts[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "advisor" and len(parts) > 1:
                    own.add(".".join(parts[1:]))
                elif parts[0] != "advisor":
                    other.add(parts[0])
    return {m.lstrip(".") for m in own} & set(MODULES), other


GRAPH = {name: _imports(name)[0] for name in MODULES}
EXTERNAL = {name: _imports(name)[1] for name in MODULES}


def closure(start: str) -> set[str]:
    """Every module `start` imports, directly or through others (itself excluded)."""
    seen: set[str] = set()
    todo = list(GRAPH[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(GRAPH[name])
    return seen - {start}


def test_the_reader_finds_the_imports():
    # guards the test itself: a parser that found nothing would make every check below pass
    assert {"serve.api", "serve.web", "serve.problems", "serve.service"} <= GRAPH["serve.app"]
    assert "fastapi" in EXTERNAL["serve.app"] and "typer" in EXTERNAL["cli.main"]
    assert {"serve.settings", "present.text", "kb.situations"} <= closure("cli.main")
    assert {"kb.conditions", "kb.models"} <= closure("engine.compiling")


def test_every_module_lives_in_a_layer_package():
    assert {_package_of(m) for m in MODULES} == set(LAYERS)
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "__main__.py"]


@pytest.mark.parametrize("layer", LAYERS)
def test_a_package_imports_only_the_packages_below_it(layer):
    allowed = set(LAYERS[:LAYERS.index(layer) + 1])
    wrong = {f"{m} -> {i}" for m in MODULES if _package_of(m) == layer
             for i in GRAPH[m] if _package_of(i) not in allowed}
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("layer", LAYERS)
def test_each_package_says_what_it_holds_and_what_it_may_import(layer):
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8"))) or ""
    below = LAYERS[:LAYERS.index(layer)]
    assert doc and all(f"`{name}`" in doc for name in below) or (not below and "nothing else" in doc), doc


@pytest.mark.parametrize("pair", [("serve.api", "serve.web"), ("serve.web", "serve.api")])
def test_the_api_and_the_web_pages_never_import_one_another(pair):
    assert pair[1] not in closure(pair[0])


def test_only_the_assembly_module_wires_the_api_and_the_web_together():
    assert [name for name, imported in GRAPH.items() if {"serve.api", "serve.web"} <= imported] == ["serve.app"]
    assert [name for name, imported in GRAPH.items() if "serve.app" in imported] == []


@pytest.mark.parametrize("layer", ["kb", "engine"])
def test_the_kb_and_the_engine_import_no_web_stack(layer):
    stack = {name: EXTERNAL[name] & set(WEB_STACK) for name in MODULES
             if _package_of(name) == layer and EXTERNAL[name] & set(WEB_STACK)}
    assert not stack, stack


def test_knowledge_and_checking_import_no_cycle():
    assert "kb.knowledge" not in closure("kb.checking")


def test_module_level_imports_form_no_cycle():
    graph = {name: _imports(name, top_level_only=True)[0] for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            pytest.fail(f"import cycle: {' -> '.join(path[path.index(name):] + (name,))}")
        if name in done:
            return
        for other in graph[name]:
            visit(other, path + (name,))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_money_and_free_text_are_marked_on_the_model_not_named_in_the_modules():
    from advisor.kb.fields import FREE_TEXT_FIELDS, MONEY_FIELDS, SITUATION_FIELDS

    assert SITUATION_FIELDS["contract_value_eur"].money and not SITUATION_FIELDS["contract_value_eur"].free_text
    assert SITUATION_FIELDS["municipality"].free_text and not SITUATION_FIELDS["municipality"].money
    assert MONEY_FIELDS == {"contract_value_eur"} and FREE_TEXT_FIELDS == ("municipality",)
    for name in ("engine.compiling", "engine.explaining", "engine.explanations", "engine.wishes", "kb.wording",
                 "kb.situations", "serve.web", "present.webview"):
        text = MODULES[name].read_text(encoding="utf-8")
        assert "CASELESS = {" not in text and '== "municipality"' not in text and '== "contract_value_eur"' not in text
        assert '("municipality",)' not in text and 'in ("municipality"' not in text, name


def test_every_imported_package_is_a_declared_dependency():
    """A third-party module imported anywhere under src/advisor belongs to a distribution pyproject.toml declares
    (rich, imported by `advisor batch`, once was not)."""
    import importlib.metadata
    import re
    import sys
    import tomllib

    ROOT = Path(__file__).resolve().parents[1]

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-")
                for spec in project["dependencies"]}
    owners = importlib.metadata.packages_distributions()
    missing = set()
    for path in (ROOT / "src" / "advisor").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "advisor":
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if not dists & declared:
                    missing.add(f"{path.name}: {top} ({', '.join(sorted(dists))})")
    assert not missing, sorted(missing)


def test_the_architecture_page_places_every_module():
    """docs/architecture.md's table of layers names each module, so a newcomer finds its folder there."""
    page = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    layers = {line.split("|")[1].strip(" `"): line for line in page.splitlines()
              if line.startswith("| `") and line.split("|")[1].strip(" `") in LAYERS}
    assert set(layers) == set(LAYERS)
    missing = [m for m in MODULES if f"`{m.split('.', 1)[1]}`" not in layers[_package_of(m)]]
    assert not missing, missing
