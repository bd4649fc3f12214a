"""TypeScript clients: openapi-typescript (pinned in package.json, installed by `npm ci`) turns the published
OpenAPI into types with its default options, and README's TypeScript example compiles against them with
`tsc --strict`. Skipped with a reason without node_modules; .ci/run installs them (CI must run it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT

from advisor.serve.app import create_app

BIN = ROOT / "node_modules" / ".bin"
TOOLS = [BIN / "openapi-typescript", BIN / "tsc"]
NODE = shutil.which("node")

if NODE is None or not all(tool.exists() for tool in TOOLS):
    if os.environ.get("CI"):
        pytest.fail("CI must run the TypeScript test: .ci/run installs openapi-typescript and typescript (npm ci)",
                    pytrace=False)
    pytest.skip(f"openapi-typescript and typescript are not installed ({BIN}): run 'npm ci' in {ROOT}",
                allow_module_level=True)

TSC = ["--strict", "--noEmit", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler",
       "--lib", "es2022,dom"]


@pytest.fixture(scope="module")
def work(tmp_path_factory, service):
    """A folder holding advisor-api.ts, generated from the app's OpenAPI document with the tool's defaults."""
    folder = tmp_path_factory.mktemp("typescript")
    (folder / "openapi.json").write_text(json.dumps(create_app(service=service).openapi()), encoding="utf-8")
    result = subprocess.run([str(BIN / "openapi-typescript"), "openapi.json", "-o", "advisor-api.ts"], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def compile_ts(work, code: str) -> subprocess.CompletedProcess:
    (work / "client.ts").write_text(code, encoding="utf-8")
    return subprocess.run([str(BIN / "tsc"), *TSC, "client.ts"], cwd=work, capture_output=True, text=True,
                          timeout=300)


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- typescript example[^>]*-->\s*```ts\n(.*?)```", readme, re.S)
    assert found, "README.md lost its TypeScript example"
    return found[1]


def test_the_readme_example_compiles_with_strict_types(work):
    # with the README's code: every situation field optional, one shape per answer
    code = readme_example() + '''
const nothing: Situation = {};
const compact = {} as components["schemas"]["CompactAdvice"];
const first: string = compact.recommendations[0].instrument;
type BatchResult = components["schemas"]["BatchAdvice"]["results"][number];
const item: BatchResult = { index: 0 };
console.log(nothing, first, item.problem?.detail ?? item.advice?.kb_version);
'''
    result = compile_ts(work, code)
    assert result.returncode == 0, result.stdout + result.stderr


WRONG = ['advise({ phase: "later" });', 'advise({ fase: "uitvoering" });', 'advise({ contract_value_eur: "450.000" });']


def test_the_types_refuse_what_the_api_refuses(work):
    code = readme_example()
    result = compile_ts(work, code + "\n" + "\n".join(WRONG) + "\n")
    lines = code.count("\n") + 1
    failing = sorted({int(n) for n in re.findall(r"client\.ts\((\d+),\d+\): error TS", result.stdout)})
    assert failing == [lines + 1, lines + 2, lines + 3], result.stdout
