"""The shipped knowledge base against the report."""

import datetime as dt

from advisor.models import Instrument

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
