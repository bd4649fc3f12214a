"""The shipped knowledge base against the report."""

import datetime as dt

import pytest
from kbcopy import copy_kb, edit

from advisor.kb.errors import KnowledgeBaseError
from advisor.kb.knowledge import load
from advisor.kb.models import Instrument

IDS = ["medewerkerstool", "impactcalculator", "social-handprint", "impactpad", "pso", "pso30plus",
       "code-sociale-ondernemingen", "rikx", "impactpakket", "wizzr", "social-return-monitor-interpactum",
       "social-return-monitor-noord-nederland", "mvi-zelfevaluatietool", "bouwblokkenmethode",
       "charter-diversiteit", "mkba"]

# Table 1, p. 13, in the matrix's own column order (medewerkerstool ... charter): the cost rows.
MATRIX_COST_OPDRACHTGEVER = "X X €€ X X X X €€ X €€€€ €€€ €€€ X onbekend X X".split()
MATRIX_COST_OPDRACHTNEMER = "X X € X €€ €€ €€ € X X X X n.v.t. onbekend X X".split()
MATRIX_COLUMNS = ["medewerkerstool", "impactcalculator", "social-handprint", "impactpad", "pso", "pso30plus",
                  "code-sociale-ondernemingen", "rikx", "impactpakket", "wizzr",
                  "social-return-monitor-interpactum", "social-return-monitor-noord-nederland",
                  "mvi-zelfevaluatietool", "mkba", "bouwblokkenmethode", "charter-diversiteit"]
SECTION_PAGES = dict(zip(IDS, [21, 25, 28, 31, 35, 39, 42, 46, 50, 54, 57, 60, 63, 67, 70, 73]))


def test_exactly_the_sixteen_instruments(advisor):
    assert [i.id for i in advisor.kb.instruments] == IDS


def test_cost_columns_equal_the_matrix(advisor):
    kb = advisor.kb
    assert [kb.instrument(i).cost.opdrachtgever for i in MATRIX_COLUMNS] == MATRIX_COST_OPDRACHTGEVER
    assert [kb.instrument(i).cost.opdrachtnemer for i in MATRIX_COLUMNS] == MATRIX_COST_OPDRACHTNEMER


def test_every_field_is_filled_and_has_a_page(advisor):
    for instrument in advisor.kb.instruments:
        assert instrument.source.page == SECTION_PAGES[instrument.id]
        for field in Instrument.model_fields:
            if field in ("source", "sources", "id"):
                continue
            assert 1 <= instrument.page_of(field) <= 75, (instrument.id, field)
        assert instrument.description and instrument.strengths and instrument.weaknesses
        assert instrument.sources["cost"].page == 13, instrument.id
        assert instrument.sources["phases_figure2"].page == 17, instrument.id


def test_phase_disagreements_are_explained(advisor):
    disagreements = [i for i in advisor.kb.instruments if set(i.phases_figure2) != set(i.phases_appendix)]
    assert disagreements, "the report has at least one disagreement between figure 2 and an appendix"
    for instrument in disagreements:
        assert instrument.phases_note and len(instrument.phases_note) > 30
        assert set(instrument.phases) <= set(instrument.phases_figure2) | set(instrument.phases_appendix) | {
            "aanbesteding"}


def test_region_limits(advisor):
    kb = advisor.kb
    assert kb.instrument("rikx").limits.municipalities == ("Rotterdam",)
    assert set(kb.instrument("social-return-monitor-noord-nederland").limits.provinces) == {
        "groningen", "friesland", "drenthe"}
    assert kb.instrument("pso30plus").limits.social_enterprises_only


def test_thresholds_by_date(advisor):
    rows = advisor.kb.legal.thresholds

    def amount(contract_type, authority, day):
        return [r.amount_eur for r in rows if contract_type in r.contract_types and authority in r.authorities
                and r.valid_from <= day <= r.valid_to]
    assert amount("diensten", "decentraal", dt.date(2025, 12, 31)) == [221000]
    assert amount("diensten", "decentraal", dt.date(2026, 1, 1)) == [216000]
    assert amount("leveringen", "centraal", dt.date(2026, 6, 1)) == [140000]
    assert amount("werken", "centraal", dt.date(2027, 12, 31)) == [5404000]
    assert amount("sociale_diensten", "decentraal", dt.date(2024, 1, 1)) == [750000]


def test_glossary_covers_the_terms_the_ui_uses(advisor):
    ids = {t.id for t in advisor.kb.glossary}
    assert {"theory-of-change", "input", "output", "outcome", "impact", "meten", "monitoren", "social-return",
            "sroi", "pso", "opdrachtgever", "opdrachtnemer", "inschrijver", "voorbehouden-opdracht"} <= ids


# ---- the expert review of issue 9 (reserved contracts, thresholds, KB data) ----

def test_article_2_82_is_summarised_in_full_and_2_82a_exists(advisor):
    kb = advisor.kb
    text = kb.article("aw2012-2.82").description
    for part in ("hoofddoel", "programma's voor beschermde arbeid", "30%", "aankondiging"):
        assert part in text, part
    reserved_services = kb.article("aw2012-2.82a").description
    assert "art. 77" in reserved_services and "drie jaar" in reserved_services and "geen 30%-eis" in reserved_services


def test_threshold_rows_cite_the_delegated_regulation_of_their_period(advisor):
    regulation = {2024: "eu-2023-2495", 2026: "eu-2025-2152"}
    for row in advisor.kb.legal.thresholds:
        if "sociale_diensten" in row.contract_types:
            assert "aw2012-2.38" in row.source.articles  # the 750,000 of art. 4(d) stays unchanged
        else:
            assert regulation[row.valid_from.year] in row.source.articles, row.id


def test_organisation_certificates_do_not_rest_on_the_labels_article(advisor):
    # PSO, PSO30+ and the Code judge the organisation, not the works, supplies or services (p. 10)
    assert "aw2012-2.78a" not in advisor.kb.rule("keurmerk-gelijkwaardig").source.articles
    assert "aw2012-2.78a" not in advisor.kb.rule("pso30plus-art-282").source.articles


def test_no_provider_the_report_does_not_name(advisor):
    # p. 23 and p. 27 only say results are kept in a Servates system
    assert advisor.kb.instrument("medewerkerstool").provider is None
    assert advisor.kb.instrument("impactcalculator").provider is None


def test_pso30plus_levels_conflict_is_recorded(advisor):
    pso30 = advisor.kb.instrument("pso30plus")
    assert pso30.levels == ("output",) and "input en output" in pso30.levels_note
    assert pso30.page_of("levels_note") == 39


def test_tender_uses_limited_as_the_report_says(advisor):
    kb = advisor.kb
    assert set(kb.instrument("pso").tender_uses_limited) == {"selectie_shortlist", "gunningscriterium"}
    assert kb.instrument("pso").page_of("tender_uses_note") == 36
    assert "bijzondere_uitvoeringsvoorwaarde" in kb.instrument("code-sociale-ondernemingen").tender_uses_limited
    assert kb.instrument("code-sociale-ondernemingen").page_of("tender_uses_note") == 43


def test_conditional_answers_are_coded_as_conditional(advisor):
    kb = advisor.kb
    assert kb.instrument("wizzr").banenafspraak == "beperkt"                    # p. 56
    assert (kb.instrument("mkba").banenafspraak, kb.instrument("mkba").diversity) == ("beperkt", "beperkt")  # p. 75
    assert kb.instrument("impactpad").banenafspraak == "beperkt"


def test_social_handprint_is_not_only_for_social_enterprises(advisor):
    handprint = advisor.kb.instrument("social-handprint")
    assert handprint.limits.social_enterprises_only is False and "mkb" in handprint.limits.note  # p. 20, 28


def test_a_rule_that_cites_one_instruments_page_for_all_is_an_error_at_its_source(tmp_path):
    # p. 21 is the Medewerkerstool's section: a rule about every instrument cannot cite it
    root = copy_kb(tmp_path)
    edit(root / "rules" / "fit.yaml", "  source: {instrument_field: banenafspraak}\n", "  source: {page: 21}\n",
         count=1)
    with pytest.raises(KnowledgeBaseError) as err:
        load(root)
    lines = err.value.lines()
    assert any("rules/fit.yaml:" in line and "cites p. 21 (the section of Medewerkerstool)" in line
               and "instrument_field" in line for line in lines), lines


def test_each_instruments_section_runs_to_the_next_one(advisor):
    from advisor.kb.citations import section_of
    sections = section_of(advisor.kb)
    assert sections["medewerkerstool"][0] == advisor.kb.instrument("medewerkerstool").source.page
    ordered = sorted(sections.values())
    assert all(end + 1 == start for (_, end), (start, _) in zip(ordered, ordered[1:]))
