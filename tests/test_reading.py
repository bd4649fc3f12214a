"""The advice as a reader receives it (issue: short first, each caveat once, documents a team files): every
view of every worked scenario holds no raw {placeholder}, no repository path, no doubled page reference and
no sentence of eight words or more twice; the short advice comes first; the documents carry what a team files.
Generic properties, so they keep holding when the rule texts change."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from urllib.parse import parse_qsl, urlencode

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from advisor.kb.models import Situation
from advisor.kb.situations import from_pairs, to_pairs
from advisor.present.reading import Said, reading
from advisor.present.text import advice_text
from advisor.present.textcheck import (
    READER_SITUATIONS,
    above_why_not,
    docx_text,
    html_text,
    odt_text,
    repeated_sentences,
    slips,
    words,
)
from advisor.serve.app import create_app
from advisor.serve.settings import Settings

EXAMPLE = READER_SITUATIONS["voorbeeld (vergelijken en monitoren, Europees, Groningen)"]
ORDINARY_LIMIT = 900   # words above 'Waarom niet?' on the page, as a reader first sees it


def _queries(service) -> list[str]:
    scenarios = [urlencode(to_pairs(Situation.model_validate(s.situation))) for s in service.advisor.kb.scenarios]
    return list(READER_SITUATIONS.values()) + scenarios


def _views(client, service, query: str, documents: bool = True) -> dict[str, str]:
    """The views of one advice; the documents (the same blocks as the Markdown, slower to build) on request."""
    advice = service.advisor.advise(from_pairs(parse_qsl(query)))
    views = {"page": html_text(client.get("/advies?" + query).text), "markdown": client.get("/advies.md?" + query).text,
             "text": advice_text(advice, service.advisor.kb)}
    if documents:
        views["docx"] = docx_text(client.get("/advies.docx?" + query).content)
        views["odt"] = odt_text(client.get("/advies.odt?" + query).content)
    return views


def test_the_checks_can_fail():
    # guards the checks themselves: each one finds what it looks for
    said = "Dit is een zin van ruim acht woorden die twee keer staat."
    assert repeated_sentences(f"{said}\nIets anders.\n{said}")
    assert slips("Het rapport noemt {instrument} niet (zie knowledge/legal.yaml). Zo (p. 16). (p. 16)") == [
        "raw placeholder {instrument}", "repository path knowledge/legal.yaml", "doubled page reference '(p. 16). (p. 16'"]
    assert not repeated_sentences("Medewerkerstool, Impactpad, PSO 30+ certificaat, Social Handprint, Rikx\n" * 2)


def test_said_points_back_instead_of_repeating():
    said = Said()
    said.claim("Vraag niet uitsluitend om het keurmerk als bewijs van sociale inzet.", "kanttekening 2")
    told = said.tell("Vraag het certificaat. Vraag niet uitsluitend om het keurmerk als bewijs van sociale inzet.",
                     "bij PSO")
    assert told == "Vraag het certificaat. (zie kanttekening 2)"


def test_every_view_of_every_scenario_reads_cleanly(client, service):
    problems = []
    for query in _queries(service):
        for view, text in _views(client, service, query, documents=query in READER_SITUATIONS.values()).items():
            problems += [f"{view} ?{query}: {p}" for p in slips(text)]
            problems += [f"{view} ?{query}: said {n}x: {s}" for s, n in repeated_sentences(text).items()]
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} in all)"


def test_the_short_advice_comes_first_in_every_view(client, service):
    views = _views(client, service, EXAMPLE)
    for view, text in views.items():
        assert "Advies in het kort" in text, view
        assert text.index("Advies in het kort") < text.index("Uw antwoorden") < len(above_why_not(text)) < len(text), view
        assert "juridisch beoordeeld" in text.split("Uw antwoorden")[0], view   # the review line, once, at the top
        assert text.count("juridisch beoordeeld") == 1, view
    assert "niet beoordeeld" not in above_why_not(views["page"])   # per-rule state only in the details


def test_the_summary_is_in_the_json_and_not_in_the_compact_view(client):
    situation = dict(parse_qsl(EXAMPLE))
    situation["goals"] = ["inschrijvers_vergelijken", "sr_monitoren"]
    situation["contract_value_eur"] = 450000
    full = client.post("/api/v1/advice", json=situation).json()
    summary = full["summary"]
    assert [i["instrument"] for i in summary["instruments"]] == [r["instrument"] for r in full["recommendations"][:3]]
    assert summary["contract_value"] == "€ 450.000"
    assert summary["review"]["rules"] == len({f["rule"] for f in full["trace"]})
    assert summary["warning"] is None or summary["warning"]["source"]["articles"]
    assert {u["goal"] for u in summary["unmet_goals"]} == {u["goal"] for u in full["unmet_goals"]}
    compact = client.post("/api/v1/advice/compact", json=situation)
    assert compact.status_code == 200 and compact.json()["recommendations"]
    assert "summary" not in compact.json()


def test_each_caveat_once_and_steps_point_to_it(service):
    advice = service.advisor.advise(from_pairs(parse_qsl(EXAMPLE)))
    read = reading(advice, service.advisor.kb)
    texts = [c.text for c in read.caveats]
    assert len(texts) == len(set(texts))
    numbers = {c.number for c in read.caveats}
    for card in read.cards:
        assert set(card.caveats) <= numbers
        for step in card.steps:
            assert set(step.caveats) <= numbers
            assert not any(c.text[:60] in step.text for c in read.caveats if len(c.text) > 60)
    # every caveat of a recommended instrument lands in one numbered caveat (or its fit, when it only repeats it)
    named = {(rule, i) for c in read.caveats for rule in c.rules for i in c.instruments}
    for rec in advice.recommendations:
        for caveat in rec.caveats:
            assert (caveat.rule, rec.instrument) in named or any(caveat.text.endswith(f.reason) for f in rec.fit)


def test_a_caveat_for_several_instruments_is_stated_once_naming_them(service):
    # reserved contracts: the certificate caveats hold for several instruments at once
    groups = []
    for query in _queries(service):
        read = reading(service.advisor.advise(from_pairs(parse_qsl(query))), service.advisor.kb)
        groups += [c for c in read.caveats if len(c.instruments) > 1]
    assert groups, "no scenario has a caveat shared by two recommended instruments: this test checks nothing"
    for group in groups:
        assert not any(name in group.text for name in group.names) or len(group.names) == 1


def test_ordinary_situations_stay_short_above_why_not(client):
    for name, query in READER_SITUATIONS.items():
        page = html_text(client.get("/advies?" + query).text, folded=False)
        counted = words(above_why_not(page))
        assert counted < ORDINARY_LIMIT, f"{name}: {counted} words above 'Waarom niet?'"


def test_why_not_is_one_short_line_per_reason(client, service):
    advice = service.advisor.advise(from_pairs(parse_qsl(EXAMPLE)))
    read = reading(advice, service.advisor.kb)
    assert sum(len(line.instruments) for line in read.why_not) == len(advice.not_recommended)
    assert all(words(line.text) <= 45 for line in read.why_not)
    page = html_text(client.get("/advies?" + EXAMPLE).text)
    why_not = page[page.index("\nWaarom niet?"):page.index("Details voor juristen")]
    assert "inschrijvers vergelijken op sociale impact" not in why_not.lower()   # no goal label repeated


def test_documents_carry_what_a_team_files(service):
    client = TestClient(create_app(Settings(base_url="https://keuzehulp.example.nl"), service=service))
    filing = {"opdracht": "Schoonmaak stadhuis", "kenmerk": "INK-2026-042", "behandelaar": "J. de Vries"}
    query = EXAMPLE + "&" + urlencode(filing)
    import docx
    from odf.opendocument import load

    document = docx.Document(io.BytesIO(client.get("/advies.docx?" + query).content))
    assert document.core_properties.author.startswith("advisor")
    header = document.sections[0].header.paragraphs[0].text
    assert "Schoonmaak stadhuis" in header and "INK-2026-042" in header
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and service.advisor.kb.version in footer
    body = docx_text(client.get("/advies.docx?" + query).content)
    assert "J. de Vries" in body and "vervangt geen juridisch advies" in body and "juridisch beoordeeld" in body
    assert "Online: https://keuzehulp.example.nl/advies?" in body
    assert len(document.tables) >= 4   # filing fields, answers, the top side by side, the appendix
    odt = load(io.BytesIO(client.get("/advies.odt?" + query).content))
    styles = odt.stylesxml() if hasattr(odt, "stylesxml") else ""
    assert "page-number" in styles and "page-count" in styles and "INK-2026-042" in styles
    assert "advisor" in odt.metaxml()
    # bad filing fields are a problem, not a document
    bad = client.get("/advies.docx?" + EXAMPLE + "&kenmerk=" + "x" * 300)
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_lays_out_the_document_with_page_numbers(client, tmp_path):
    """One render (LibreOffice is slow to start): the Word document as a PDF, several pages, and where poppler's
    pdftotext is there too, the header with the kenmerk and the footer 'pagina 1 van N' as LibreOffice filled it."""
    source = tmp_path / "advies.docx"
    source.write_bytes(client.get("/advies.docx?" + EXAMPLE + "&kenmerk=INK-2026-042").content)
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, timeout=180)
    pdf = (tmp_path / "advies.pdf").read_bytes()
    assert done.returncode == 0 and pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages >= 2
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "advies.pdf"), "-"], capture_output=True,
                              text=True, timeout=60).stdout
        first = text.split("\f")[0]
        assert "INK-2026-042" in first and f"pagina 1 van {pages}" in first and "Advies in het kort" in first
        assert "juridisch beoordeeld" in first and "vervangt geen juridisch advies" in first


def test_the_advice_page_has_a_form_for_the_filing_fields(service):
    """Opdracht, kenmerk and behandelaar without JavaScript: a GET form whose hidden fields carry the answers, so
    submitting it asks for the document with the fields filled in (and the ODF button for the other format)."""
    from test_web import parse

    client = TestClient(create_app(service=service))
    doc = parse(client.get("/advies?" + EXAMPLE).text)
    form = doc.find("form", class_="archief-form")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/advies.docx"
    assert [b.attrs.get("formaction") for b in form.find_all("button")] == [None, "/advies.odt"]
    pairs = [(i.attrs["name"], i.attrs.get("value", "")) for i in form.find_all("input")]
    hidden = [(i.attrs["name"], i.attrs["value"]) for i in form.find_all("input") if i.attrs["type"] == "hidden"]
    assert sorted(hidden) == sorted(parse_qsl(EXAMPLE))   # the answers, as the page's own permalink holds them
    for field in ("opdracht", "kenmerk", "behandelaar"):
        box = form.find("input", id=f"archief-{field}")
        assert box.attrs["type"] == "text" and form.find("label", for_=f"archief-{field}")
    filled = {"opdracht": "Schoonmaak stadhuis", "kenmerk": "INK-2026-042", "behandelaar": "J. de Vries"}
    query = urlencode([(k, filled.get(k, v)) for k, v in pairs])   # what the browser sends
    import docx
    document = docx.Document(io.BytesIO(client.get("/advies.docx?" + query).content))
    assert "INK-2026-042" in document.sections[0].header.paragraphs[0].text
    assert "J. de Vries" in docx_text(client.get("/advies.docx?" + query).content)
    assert client.get("/advies.odt?" + query).headers["content-type"] == "application/vnd.oasis.opendocument.text"
