"""From advice to action: the practical rows in the KB, 'Aan de slag' per recommendation, and the
advice as an ODF or Word document."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlencode

import docx
import pytest
from conftest import ROOT
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odt
from typer.testing import CliRunner

from advisor.cli.main import app
from advisor.kb.models import Situation

SECTIONS = [21, 25, 28, 31, 35, 39, 42, 46, 50, 54, 57, 60, 63, 67, 70, 73, 76]
ROWS = ["responsible", "deliverables.inschrijvers", "deliverables.opdrachtnemers", "contract_monitoring",
        "evidence", "registration", "indicators"]
TENDER = {"phase": "aanbesteding", "goals": ["inschrijvers_vergelijken"], "procedure": "europees",
          "contract_type": "diensten", "contract_value_eur": 300000, "reference_date": "2026-03-01"}
# below the threshold and onderhands: the instruments the report names for comparing apply, with steps
ONDERHANDS = dict(TENDER, procedure="meervoudig_onderhands", contract_value_eur=100000)


def row(instrument, path):
    value = instrument.practice
    for part in path.split("."):
        value = getattr(value, part)
    return value


def test_every_instrument_has_the_practical_rows_within_its_appendix_section(advisor):
    for n, instrument in enumerate(advisor.kb.instruments):
        for path in ROWS:
            found = row(instrument, path)
            assert found.text or found.note, (instrument.id, path)
            assert SECTIONS[n] <= found.page < SECTIONS[n + 1], (instrument.id, path, found.page)
        assert instrument.practice.indicators.policy_goals in ("ja", "nee", "beperkt", "onbekend")


def test_tender_phase_steps_say_what_to_ask_where_it_may_go_and_who_assesses(advisor):
    # procedure still open: the PSO's criterion uses hold only under conditions (p. 36)
    advice = advisor.advise(Situation(**dict(TENDER, procedure=None, contract_value_eur=None)))
    pso = next(r for r in advice.recommendations if r.instrument == "pso")
    steps = {s.step: s for s in pso.next_steps}
    assert list(steps) == ["uitvragen", "plek-in-aanbesteding", "beoordelen"]
    assert steps["uitvragen"].text == advisor.kb.instrument("pso").practice.deliverables.inschrijvers.text
    assert steps["uitvragen"].source.page == advisor.kb.instrument("pso").practice.deliverables.inschrijvers.page
    # the step asks for what the caveat beside it allows: the certificate or equivalent proof (p. 10)
    assert "gelijkwaardig bewijs" in steps["uitvragen"].text
    where = steps["plek-in-aanbesteding"]
    assert "Als selectie of shortlist of gunningscriterium alleen onder voorwaarden" in where.text
    assert where.source.page == 36
    assert {c.rule for c in where.caveats} >= {"gebruik-in-aanbesteding-beperkt", "prestatie-instrument-geen-criterium"}
    assert {c.rule for c in steps["uitvragen"].caveats} >= {"keurmerk-gelijkwaardig"}
    assert "Inspanning (opdrachtgever)" in steps["beoordelen"].text


def test_a_european_procedure_rules_out_the_pso_as_criterion_so_it_serves_no_comparison(advisor):
    advice = advisor.advise(Situation(**TENDER))
    assert "pso" not in [r.instrument for r in advice.recommendations]
    pso = next(n for n in advice.not_recommended if n.instrument == "pso")
    assert any("alleen bij onderhandse gunning" in w.text for w in pso.why_not)
    # no step anywhere lists a use the procedure rules out
    for recommendation in advice.recommendations:
        for step in recommendation.next_steps:
            assert "onderhands" not in step.text.split("Niet als")[0], (recommendation.instrument, step.text)
    assert any("plan van aanpak" in c.text for c in advice.general_caveats)


def test_above_the_threshold_an_onderhandse_procedure_does_not_revive_the_pso_criterion(advisor):
    advice = advisor.advise(Situation(**dict(TENDER, procedure="meervoudig_onderhands")))
    assert "pso" not in [r.instrument for r in advice.recommendations]
    pso = next(n for n in advice.not_recommended if n.instrument == "pso")
    assert not any(r.rule == "onderhands-pso" for r in pso.why_not)
    procedure_fit = next(f for f in pso.fit if f.answer == "procedure")
    assert procedure_fit.verdict == "voldoet_niet"


def test_execution_phase_steps_say_what_the_contractor_delivers_and_how_to_monitor(advisor):
    advice = advisor.advise(Situation(phase="uitvoering", goals=("sr_monitoren",), role="contractmanager"))
    first = advice.recommendations[0]
    instrument = advisor.kb.instrument(first.instrument)
    steps = {s.step: s for s in first.next_steps}
    assert list(steps) == ["aanleveren", "monitoren", "bewijs", "vastleggen"]
    assert steps["monitoren"].text == instrument.practice.contract_monitoring.text
    assert steps["aanleveren"].text.startswith(instrument.practice.deliverables.opdrachtnemers.text)
    assert {c.rule for c in steps["monitoren"].caveats} == {"monitor-waarderingsmethode", "sancties-consequent-uitvoering"}
    assert all(not r.next_steps for r in advice.recommendations[3:])


def docx_text(data: bytes) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    body = "\n".join(p.text for p in document.paragraphs)
    body += "\n".join(cell.text for table in document.tables for r in table.rows for cell in r.cells)
    return headings, body


def odt_text(data: bytes) -> tuple[list[str], str]:
    document = load_odt(io.BytesIO(data))
    return [teletype.extractText(h) for h in document.getElementsByType(odf_text.H)], teletype.extractText(document.text)


@pytest.mark.parametrize("kind, read", [("docx", docx_text), ("odt", odt_text)])
def test_documents_hold_the_advice_and_show_user_text_literally(client, service, kind, read):
    nasty = "<script>alert(1)</script> [Klik](https://evil.example) **vet**"
    query = urlencode(dict(ONDERHANDS, goals="inschrijvers_vergelijken", municipality=nasty))
    response = client.get(f"/advies.{kind}?{query}")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    assert response.headers["content-type"].startswith({"docx": "application/vnd.openxmlformats", "odt":
                                                        "application/vnd.oasis.opendocument.text"}[kind])
    assert zipfile.is_zipfile(io.BytesIO(response.content))
    headings, body = read(response.content)
    for heading in ("Advies in het kort", "Uw antwoorden", "Aanbevolen instrumenten", "Aan de slag", "Kanttekeningen",
                    "Waarom niet?", "Bronnen", "Bijlage: details voor juristen en beheerders"):
        assert heading in headings, heading
    assert headings.index("Advies in het kort") < headings.index("Uw antwoorden")
    advice = service.advisor.advise(Situation(**dict(ONDERHANDS, municipality=nasty)))
    top = advice.recommendations[0]
    assert any(h.startswith(f"1. {top.name}") for h in headings)
    assert top.caveats[0].text in body
    assert nasty in body                       # as typed: no markup interpreted, nothing dropped
    assert "Geen vaste link" in body           # no base URL configured: a note instead of a useless relative link
    assert "juridisch beoordeeld" in body and "vervangt geen juridisch advies" in body
    assert advice.kb_version in body and "art. 2.115 Aanbestedingswet 2012" in body


def test_document_with_invalid_answers_is_a_problem(client):
    response = client.get("/advies.docx?phase=later")
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"


def test_advice_page_links_the_documents(client):
    page = client.get("/advies?" + urlencode(dict(ONDERHANDS, goals="inschrijvers_vergelijken"))).text
    assert 'href="/advies.odt?' in page and 'href="/advies.docx?' in page and "Aan de slag" in page


def test_cli_writes_documents_and_needs_a_file(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["advise", "--kb", str(ROOT), "-s", "phase=uitvoering", "--format", "odt"]).exit_code == 2
    target = tmp_path / "advies.docx"
    result = runner.invoke(app, ["advise", "--kb", str(ROOT), "-s", "phase=uitvoering", "-s", "goals=sr_monitoren",
                                 "--format", "docx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    headings, _ = docx_text(target.read_bytes())
    assert "Aan de slag" in headings
