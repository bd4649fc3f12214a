"""The layers of DESIGN.md section 2, read from the source: which module imports which (ast, so lazy
imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "advisor"
MODULES = {path.stem: path for path in PACKAGE.glob("*.py")}
SHELLS = ("api", "web", "cli")
CORE = ("compiling", "engine", "explaining")
WEB_STACK = ("fastapi", "starlette", "jinja2", "typer", "uvicorn")


def _imports(path: Path, top_level_only: bool = False) -> tuple[set[str], set[str]]:
    """(modules of this package, other top-level packages) that `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    own: set[str] = set()
    other: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                own |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
            elif node.level == 0 and node.module:
                parts = node.module.split(".")
                if parts[0] == "advisor":
                    own |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
                else:
                    other.add(parts[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "advisor" and len(parts) > 1:
                    own.add(parts[1])
                elif parts[0] != "advisor":
                    other.add(parts[0])
    return own & set(MODULES), other


GRAPH = {name: _imports(path)[0] for name, path in MODULES.items()}
EXTERNAL = {name: _imports(path)[1] for name, path in MODULES.items()}


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
    assert {"api", "web", "problems", "service"} <= GRAPH["app"]
    assert "fastapi" in EXTERNAL["app"] and "typer" in EXTERNAL["cli"]
    assert {"settings", "render", "situations"} <= closure("cli")


@pytest.mark.parametrize("shell", SHELLS)
def test_shells_never_import_one_another(shell):
    reached = closure(shell)
    others = {s for s in SHELLS if s != shell} | {"app"}
    assert not reached & others, f"{shell} imports {sorted(reached & others)}"


def test_only_the_assembly_module_wires_the_api_and_the_web_together():
    assert [name for name, imported in GRAPH.items() if {"api", "web"} <= imported] == ["app"]
    assert [name for name, imported in GRAPH.items() if "app" in imported] == []


@pytest.mark.parametrize("core", CORE)
def test_the_core_imports_no_shell_and_no_web_stack(core):
    reached = closure(core) | {core}
    assert not reached & set(SHELLS + ("app", "problems", "webview", "render"))
    stack = {name: EXTERNAL[name] & set(WEB_STACK) for name in reached if EXTERNAL[name] & set(WEB_STACK)}
    assert not stack, stack


def test_knowledge_and_checking_import_no_cycle():
    assert "knowledge" not in closure("checking")


def test_module_level_imports_form_no_cycle():
    graph = {name: _imports(path, top_level_only=True)[0] for name, path in MODULES.items()}
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
    from advisor.fields import FREE_TEXT_FIELDS, MONEY_FIELDS, SITUATION_FIELDS

    assert SITUATION_FIELDS["contract_value_eur"].money and not SITUATION_FIELDS["contract_value_eur"].free_text
    assert SITUATION_FIELDS["municipality"].free_text and not SITUATION_FIELDS["municipality"].money
    assert MONEY_FIELDS == {"contract_value_eur"} and FREE_TEXT_FIELDS == ("municipality",)
    for name in ("compiling", "explaining", "wishes", "wording", "situations", "web", "webview"):
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
