"""Broken YAML gives the exact `path:line: message`, all errors at once, sorted."""

import pytest
from kbcopy import copy_kb, edit

from advisor.kb.errors import KnowledgeBaseError
from advisor.kb.knowledge import load
from advisor.kb.loading import YamlError, parse_yaml


def errors_of(root):
    with pytest.raises(KnowledgeBaseError) as info:
        load(root)
    return info.value.lines()


def test_syntax_error_names_file_and_line(tmp_path):
    root = copy_kb(tmp_path)
    line = edit(root / "knowledge/glossary.yaml", "- id: outcome", "- id: [outcome")
    errors = errors_of(root)
    assert len(errors) == 1
    assert errors[0].startswith(f"{root / 'knowledge/glossary.yaml'}:")
    assert "YAML syntax error" in errors[0]
    reported = int(errors[0].split(":")[1])
    assert line <= reported <= line + 2


def test_duplicate_key_is_rejected_with_both_lines():
    with pytest.raises(YamlError) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert str(info.value) == "x.yaml:3: duplicate key 'a' (first defined on line 1)"


def test_unknown_field_suggests_the_right_one(tmp_path):
    root = copy_kb(tmp_path)
    line = edit(root / "knowledge/instruments.yaml", "  phases: [", "  phase: [")
    errors = errors_of(root)
    assert f"{root / 'knowledge/instruments.yaml'}:{line}: instrument 'medewerkerstool': " \
           "field 'phase' is not allowed here (did you mean 'phases'?)" in errors


def test_wrong_vocabulary_value(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "knowledge/instruments.yaml"
    line = edit(path, "  levels: [outcome]", "  levels: [outcom]")
    errors = errors_of(root)
    assert any(e.startswith(f"{path}:{line}: instrument 'medewerkerstool': 'levels[0]': unknown value 'outcom' "
                            "(did you mean 'outcome'?)") for e in errors), errors


def test_missing_field_points_at_the_instrument(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "knowledge/instruments.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: impactcalculator")
    line = text[:start].count("\n") + 1
    cost_at = text.index("  cost:", start)
    end = text.index("  effort:", cost_at)
    path.write_text(text[:cost_at] + text[end:], encoding="utf-8")
    assert f"{path}:{line}: instrument 'impactcalculator': missing required field 'cost'" in errors_of(root)


def test_unknown_instrument_id_in_a_rule(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/goals.yaml"
    line = edit(path, "instruments: {id: {in: [pso, impactcalculator]}}",
                "instruments: {id: {in: [psso, impactcalculator]}}")
    errors = errors_of(root)
    assert any(e.startswith(f"{path}:{line}: rule 'vergelijken-keurmerk-of-meting': 'id': unknown value 'psso' "
                            "(did you mean 'pso'?)") for e in errors), errors


def test_all_errors_at_once_sorted(tmp_path):
    root = copy_kb(tmp_path)
    edit(root / "knowledge/instruments.yaml", "  levels: [outcome]", "  levels: [outcom]")
    edit(root / "rules/fit.yaml", "kind: exclude", "kind: exclud")
    edit(root / "knowledge/glossary.yaml", "  term:", "  trem:")
    errors = errors_of(root)
    assert len(errors) >= 3
    keys = [(e.split(":")[0], int(e.split(":")[1])) for e in errors]
    assert keys == sorted(keys)
    assert {k[0].rsplit("/", 1)[-1] for k in keys} >= {"instruments.yaml", "fit.yaml", "glossary.yaml"}


def test_unknown_condition_field_and_operator(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/goals.yaml"
    line = edit(path, "when: {goals: {contains: sr_monitoren}}", "when: {goal: {contain: sr_monitoren}}")
    errors = errors_of(root)
    assert any(e.startswith(f"{path}:{line}: rule 'sr-monitoren': unknown operator 'contain'") for e in errors)


def test_rule_that_can_never_fire(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/goals.yaml"
    line = edit(path, "instruments: {id: mvi-zelfevaluatietool}\n  points: 50",
                "instruments: {all: [{id: mvi-zelfevaluatietool}, {limits.pilot: true}]}\n  points: 50")
    assert any(e.startswith(f"{path}:{line}: rule 'eigen-mvi-prestaties': can never fire")
               for e in errors_of(root))


def test_unknown_article_in_rule_source(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/legal.yaml"
    edit(path, "articles: [aw2012-2.82]}", "articles: [aw2012-2.28]}")
    assert any("unknown article 'aw2012-2.28' (did you mean 'aw2012-2.82'?)" in e for e in errors_of(root))


def test_negated_derived_fact_is_refused(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/legal.yaml"
    edit(path, "when: {derived.boven_eu_drempel: {exists: true}}\n  instruments: {id: code",
         "when: {not: {derived.boven_eu_drempel: {exists: true}}}\n  instruments: {id: code")
    assert any("may only appear directly under 'when'" in e for e in errors_of(root))


def test_scenarios_are_validated_with_the_kb(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "knowledge" / "scenarios" / "goals.yaml"
    line = edit(path, "  expect:\n    top: [pso, impactcalculator]", "  expcet:\n    top: [pso, impactcalculator]")
    errors = errors_of(root)
    assert any(e.startswith(f"{path}:{line}: scenario '") and "field 'expcet' is not allowed here (did you mean "
               "'expect'?)" in e for e in errors), errors


def test_scenario_cross_references_point_at_their_line(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "knowledge" / "scenarios" / "goals.yaml"
    line = edit(path, "    top: [pso, impactcalculator]", "    top: [psso, impactcalculator]")
    situation = edit(path, "    goals: [inschrijvers_vergelijken]\n    supplier: sociale_onderneming",
                     "    goals: [inschrijvers_vergelijke]\n    supplier: sociale_onderneming")
    errors = errors_of(root)
    assert any(e.startswith(f"{path}:{line}: scenario '") and "unknown instrument 'psso' (did you mean 'pso'?)" in e
               for e in errors), errors
    assert any(e.startswith(f"{path}:{situation}: scenario '") and "onbekende waarde 'inschrijvers_vergelijke'" in e
               for e in errors), errors


def test_a_scenario_must_check_something(tmp_path):
    root = copy_kb(tmp_path)
    (root / "knowledge" / "scenarios" / "leeg.yaml").write_text(
        "- name: Niets\n  source: {page: 16}\n  situation: {phase: aanbesteding}\n  expect: {}\n", encoding="utf-8")
    assert any(e.startswith(f"{root}/knowledge/scenarios/leeg.yaml:4: scenario 'Niets': ") and "is empty" in e
               for e in errors_of(root))


# ---------------------------------------------------------------- rules are typed by kind (models.Rule)

def test_a_misspelt_kind_points_at_its_line_and_names_the_kinds(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/fit.yaml"
    line = edit(path, "- id: fase-past-niet\n  kind: exclude", "- id: fase-past-niet\n  kind: exclud") + 1
    assert f"{path}:{line}: rule 'fase-past-niet': 'kind': unknown value 'exclud' (did you mean 'exclude'?); " \
           "expected one of: derive, score, exclude, caveat, fit" in errors_of(root)


def test_a_rule_without_kind_says_so_at_the_rule(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/fit.yaml"
    line = edit(path, "- id: fase-past-niet\n  kind: exclude\n", "- id: fase-past-niet\n")
    assert f"{path}:{line}: rule 'fase-past-niet': missing required field 'kind'" in errors_of(root)


def test_a_field_of_another_kind_names_the_kind_it_belongs_to_at_its_line(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/fit.yaml"
    line = edit(path, "  title: Instrument past niet in deze fase\n",
                "  title: Instrument past niet in deze fase\n  points: 10\n  verdict: deels\n") + 1
    errors = errors_of(root)
    assert f"{path}:{line}: rule 'fase-past-niet': field 'points' is not allowed when kind is 'exclude' " \
           "(only when it is 'score')" in errors
    assert f"{path}:{line + 1}: rule 'fase-past-niet': field 'verdict' is not allowed when kind is 'exclude' " \
           "(only when it is 'fit')" in errors


def test_each_kind_keeps_its_own_checks(tmp_path):
    root = copy_kb(tmp_path)
    path = root / "rules/goals.yaml"
    edit(path, "  points: 40\n  serves: [sr_monitoren]", "  points: -40\n  serves: [sr_monitoren]")
    text = path.read_text(encoding="utf-8")
    rule_line = text[:text.index("- id: sr-monitoren\n")].count("\n") + 1
    assert f"{path}:{rule_line}: rule 'sr-monitoren': 'serves' belongs on a 'score' rule with positive 'points'" \
        in errors_of(root)


def test_an_empty_check_in_a_scenario_is_an_error(tmp_path):
    root = copy_kb(tmp_path)
    (root / "knowledge" / "scenarios" / "leeg.yaml").write_text(
        "- name: Niets uitgesloten\n  source: {page: 16}\n  situation: {phase: aanbesteding}\n"
        "  expect: {first: pso, excluded: {}}\n", encoding="utf-8")
    assert f"{root}/knowledge/scenarios/leeg.yaml:4: scenario 'Niets uitgesloten': 'expect': 'excluded' is empty and " \
           "checks nothing: name what it must check, or drop it" in errors_of(root)
