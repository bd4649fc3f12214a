"""One table of output formats (present/formats.py), read by the command line and the web pages alike."""

from __future__ import annotations

import io
import zipfile

import pytest
from kbcopy import ROOT
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.present.formats import FORMATS, WEB_FORMATS

runner = CliRunner()
ANSWERS = [("phase", "aanbesteding"), ("goals", "inschrijvers_vergelijken"), ("contract_type", "diensten"),
           ("contract_value_eur", "150000"), ("procedure", "meervoudig_onderhands")]
QUERY = "&".join(f"{k}={v}" for k, v in ANSWERS)
FLAGS = [arg for k, v in ANSWERS for arg in ("-s", f"{k}={v}")]


def test_every_web_format_is_a_page_and_the_page_links_them_all(client):
    page = client.get("/advies?" + QUERY).text
    for suffix, form in WEB_FORMATS.items():
        assert f'href="/advies.{suffix}?' in page and form.title in page
        answer = client.get(f"/advies.{suffix}?{QUERY}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(form.media_type.split(";")[0])


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if f.web and not f.binary])
def test_the_command_line_and_the_web_give_the_same_text(client, name, monkeypatch):
    monkeypatch.delenv("ADVISOR_BASE_URL", raising=False)
    form = FORMATS[name]
    made = runner.invoke(app, ["advise", "--kb", str(ROOT), "-f", name, *FLAGS])
    assert made.exit_code == 0, made.output
    web = client.get(f"/advies.{form.suffix}?{QUERY}").text
    if name == "json":   # people get it indented on the command line, programs compact on the web
        import json
        assert json.loads(made.output) == json.loads(web)
    else:
        assert made.output == web


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if f.binary])
def test_a_document_needs_a_file_and_is_one(tmp_path, name):
    refused = runner.invoke(app, ["advise", "--kb", str(ROOT), "-f", name, *FLAGS])
    assert refused.exit_code == 2 and "-o" in refused.output
    target = tmp_path / f"advies.{FORMATS[name].suffix}"
    made = runner.invoke(app, ["advise", "--kb", str(ROOT), "-f", name, "-o", str(target), "--kenmerk", "INK-7", *FLAGS])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:   # both are zip packages
        assert any("INK-7" in archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                   if n.endswith(".xml"))


def test_an_unknown_format_names_the_known_ones():
    made = runner.invoke(app, ["advise", "--kb", str(ROOT), "-f", "pdf", *FLAGS])
    assert made.exit_code == 2 and all(name in made.output for name in FORMATS)
