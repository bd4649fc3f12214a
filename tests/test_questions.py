"""knowledge/questions.yaml is checked against the situation model, with file:line errors."""

import pytest
from kbcopy import copy_kb, edit

from advisor.kb.errors import KnowledgeBaseError
from advisor.kb.knowledge import load
from advisor.kb.models import Situation


def problems_after(tmp_path, *edits) -> list[str]:
    root = copy_kb(tmp_path)
    for old, new in edits:
        edit(root / "knowledge" / "questions.yaml", old, new)
    with pytest.raises(KnowledgeBaseError) as err:
        load(root)
    return err.value.lines()


def test_shipped_questionnaire_loads():
    kb = load()
    # one question per field of the situation (reference_date included), in four steps
    assert [q.field for q in kb.questionnaire.questions] == list(Situation.model_fields) or \
        sorted(q.field for q in kb.questionnaire.questions) == sorted(Situation.model_fields)
    assert len(kb.questionnaire.steps) == 4


def test_wrong_type_unknown_option_field_and_label_are_reported_at_their_line(tmp_path):
    lines = problems_after(
        tmp_path,
        ("    type: several\n    options:\n      - {value: arbeidsparticipatie",
         "    type: one\n    options:\n      - {value: arbeidsparticipatie"),
        ("{value: groningen, label: Groningen}", "{value: groningen-stad, label: Groningen}"),
        ("show_if: {phase: {in: [voorbereiding, uitvoering]}}", "show_if: {fase: {in: [voorbereiding, uitvoering]}}"),
        ("    cost.opdrachtgever: kosten", "    costs.opdrachtgever: kosten"),
    )
    text = "\n".join(lines)
    assert "questions.yaml:" in text
    assert "type 'one' does not fit 'themes' (list); use several" in text
    assert "'province': unknown value 'groningen-stad' (did you mean 'groningen'?)" in text
    assert "unknown field 'fase'" in text
    assert "unknown instrument attribute 'costs.opdrachtgever'" in text
