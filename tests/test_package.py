"""The package as an embedder installs it: a wheel built with `python -m build` (sdist, then the wheel
from the sdist) and a plain `pip install .`, each into a fresh venv and run from a folder outside the
repository: `advisor check`, `advisor advise` and `advisor serve` must find the KB, the templates and
the static files inside the installed package.

The venvs see the already installed dependencies (`--system-site-packages`), but advisor itself comes
from the wheel: the tests check where it is imported from. About 20 s; ADVISOR_SKIP_PACKAGE_TESTS=1
skips them (or `-m "not package"`).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

import advisor
from advisor import Advisor, Situation

ROOT = Path(__file__).resolve().parents[1]
BIN = "Scripts" if os.name == "nt" else "bin"
DIST = "sociale-impact-advisor"   # the distribution name (pyproject.toml); the import package is advisor

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(os.environ.get("ADVISOR_SKIP_PACKAGE_TESTS") == "1",
                       reason="ADVISOR_SKIP_PACKAGE_TESTS=1: building and installing the package skipped"),
]


def _run(args: list, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                            timeout=timeout)
    command = " ".join(str(a) for a in args)
    assert result.returncode == 0, f"{command} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def _clean_env() -> dict[str, str]:
    """The environment without anything that points advisor at this checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ADVISOR_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


class Install:
    def __init__(self, venv: Path, outside: Path):
        self.venv = venv
        self.python = venv / BIN / "python"
        self.advisor = venv / BIN / "advisor"
        self.outside = outside

    def run(self, *args, timeout: float = 120) -> subprocess.CompletedProcess:
        return _run(list(args), cwd=self.outside, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", dist, ROOT], cwd=dist)
    wheels = list(dist.glob(f"{DIST.replace('-', '_')}-*.whl"))
    assert len(wheels) == 1 and list(dist.glob(f"{DIST.replace('-', '_')}-*.tar.gz")), \
        sorted(p.name for p in dist.iterdir())
    return wheels[0]


def test_the_wheel_is_typed(wheel):
    with zipfile.ZipFile(wheel) as archive:
        assert "advisor/py.typed" in archive.namelist()


@pytest.fixture(scope="module", params=["wheel", "pip install ."])
def install(request, tmp_path_factory) -> Install:
    venv = tmp_path_factory.mktemp("venv")
    outside = tmp_path_factory.mktemp("elsewhere")
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv], cwd=outside)
    target = request.getfixturevalue("wheel") if request.param == "wheel" else ROOT
    # the outer pip installs into the venv (no ensurepip); dependencies are found, advisor is new there
    _run([sys.executable, "-m", "pip", "--python", venv / BIN / "python", "install", "--quiet", target],
         cwd=outside, timeout=300)
    return Install(venv, outside)


def test_advisor_is_imported_from_the_install_with_its_files(install):
    code = ("import json, importlib.metadata, advisor, advisor.kb.paths as p; print(json.dumps({'file': advisor.__file__, "
            "'version': advisor.__version__, 'metadata': importlib.metadata.version('sociale-impact-advisor'), "
            "'folders': [str(f) for f in (p.SHIPPED, p.KNOWLEDGE, p.RULES, p.TEMPLATES, p.STATIC)]}))")
    found = json.loads(install.run(install.python, "-c", code).stdout)
    site = Path(found["file"]).parent
    assert site.is_relative_to(install.venv), found["file"]
    assert found["version"] == found["metadata"] == advisor.__version__
    assert [Path(f) for f in found["folders"]] == [site / "_shipped" / f
                                                   for f in ("", "knowledge", "rules", "templates", "static")]
    for folder in ("knowledge", "rules", "templates", "static"):
        shipped = sorted(p.relative_to(site / "_shipped" / folder) for p in (site / "_shipped" / folder).rglob("*")
                         if p.is_file())
        assert shipped == sorted(p.relative_to(ROOT / folder) for p in (ROOT / folder).rglob("*")
                                 if p.is_file() and "__pycache__" not in p.parts), folder


def test_check_validates_the_shipped_kb_from_any_folder(install):
    out = install.run(install.advisor, "check").stdout
    assert out.startswith(f"ok: {len(Advisor.default().kb.instruments)} instruments")
    # the same files as this checkout's KB: the version is a hash of their contents
    assert out.rstrip().endswith(f"kb_version {Advisor.default().kb.version}")


def test_advise_from_any_folder(install):
    out = install.run(install.advisor, "advise", "-s", "phase=uitvoering", "-s", "goals=sr_monitoren",
                      "-s", "reference_date=2026-06-01", "--format", "json").stdout
    installed = json.loads(out)
    here = Advisor.default().advise(Situation(phase="uitvoering", goals=("sr_monitoren",),
                                              reference_date="2026-06-01"))
    assert [r["name"] for r in installed["recommendations"]] == [r.name for r in here.recommendations]
    assert installed["recommendations"][0]["name"] == here.recommendations[0].name
    text = install.run(install.advisor, "advise", "-s", "phase=uitvoering", "-s", "goals=sr_monitoren").stdout
    # the reader's text: the first instrument's card by name, its score only in the appendix for lawyers
    assert f"\n1. {here.recommendations[0].name}\n" in text and "Bijlage: details voor juristen" in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), response.headers.get("content-type", "")


def test_serve_renders_pages_and_static_files_from_the_install(install):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(install.advisor), "serve", "--port", str(port)], cwd=install.outside,
                              env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body, _ = _get(f"{base}/api/v1/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, f"advisor serve stopped:\n{server.stdout.read()}"
                assert time.monotonic() < deadline, "advisor serve did not answer within 60 s"
                time.sleep(0.2)
        health = json.loads(body)
        assert status == 200 and (health["status"], health["kb_version"]) == ("ok", Advisor.default().kb.version)

        status, body, kind = _get(f"{base}/")
        assert status == 200 and kind.startswith("text/html")
        assert b"<form" in body and b"/static/advisor.css" in body   # templates/vragenlijst.html with base.html

        first = Advisor.default().advise(Situation(phase="uitvoering", goals=("sr_monitoren",))).recommendations[0]
        status, body, kind = _get(f"{base}/advies?phase=uitvoering&goals=sr_monitoren")
        assert status == 200 and kind.startswith("text/html")
        assert first.name.encode() in body

        for name in ("advisor.css", "advisor.js"):
            status, body, _ = _get(f"{base}/static/{name}")
            assert status == 200 and body == (ROOT / "static" / name).read_bytes()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
