"""Cross references across the KB: ids, fields, vocabularies, articles, rules that can never fire."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import partial
from typing import Any, Optional

from . import conditions as cnd
from .fields import SITUATION_FIELDS, FieldSpec, model_fields
from .kbtypes import KB
from .loading import Document, Problem, did_you_mean
from .models import Instrument
from .rule_models import DeriveRule, FitRule, InstrumentRule, Rule, ScoreRule

__all__ = ["KB", "PLACEHOLDER", "SITUATION_FIELDS", "INSTRUMENT_FIELDS", "check", "check_rule", "derived_facts",
           "situation_scope", "instrument_scope", "matching_instruments", "parse_rule"]


PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")
# `practice` is prose for the steps of an advice, not something a condition can test.
INSTRUMENT_FIELDS = model_fields(Instrument, skip=("source", "sources", "practice", "tender_uses_allowed_when"))
# Which field shapes each question type can ask for (see fields.FieldSpec.shape).
SHAPES_OF_TYPE = {"one": {"scalar"}, "several": {"list"}, "number": {"number"}, "yesno": {"bool"},
                  "date": {"date"}, "text": {"text", "scalar"}}


def derived_facts(kb: KB) -> dict[str, DeriveRule]:
    """Every derived fact and the rule that derives it (the `undecided` fact of a table too)."""
    derives = [r for r in kb.rules if isinstance(r, DeriveRule)]
    facts = {r.derive.fact: r for r in derives}
    facts.update({r.derive.undecided.fact: r for r in derives if r.derive.undecided})
    facts.update({r.derive.outside.fact: r for r in derives if r.derive.outside})
    return facts


def situation_scope(kb: KB) -> dict[str, FieldSpec]:
    scope = dict(SITUATION_FIELDS)
    for fact in derived_facts(kb):
        scope[f"derived.{fact}"] = FieldSpec(f"derived.{fact}", "any")
    return scope


def instrument_scope(kb: KB) -> dict[str, FieldSpec]:
    scope = dict(INSTRUMENT_FIELDS)
    scope["id"] = FieldSpec("id", "scalar", tuple(i.id for i in kb.instruments))
    return scope


def check(kb: KB, rules_in_files: Sequence[tuple[Document, int, str]]) -> list[Problem]:
    problems: list[Problem] = []
    problems += _instrument_conditions(kb)
    problems += _steps(kb)
    problems += _scenarios(kb)
    problems += _duplicates(kb, rules_in_files)
    problems += _glossary(kb)
    problems += _articles(kb)
    for rule in kb.rules:
        problems += check_rule(kb, rule)
    problems += _questions(kb)
    return sorted(problems)


def _duplicates(kb: KB, rules_in_files: Sequence[tuple[Document, int, str]]) -> list[Problem]:
    problems = []
    for file in ("instruments.yaml", "glossary.yaml"):
        doc = kb.docs[file]
        seen: set[object] = set()   # ids as written, whatever their YAML type
        for index, raw in enumerate(doc.data):
            if isinstance(raw, dict) and raw.get("id") in seen:
                problems.append(doc.problem((index, "id"), f"duplicate id '{raw['id']}'"))
            elif isinstance(raw, dict):
                seen.add(raw.get("id"))
    counts = Counter(rule_id for _, _, rule_id in rules_in_files)
    first: dict[str, str] = {}
    for doc, index, rule_id in rules_in_files:
        where = f"{doc.file}:{doc.line((index, 'id'))}"
        if counts[rule_id] > 1 and rule_id in first:
            problems.append(doc.problem((index, "id"), f"duplicate rule id '{rule_id}' (first at {first[rule_id]})"))
        first.setdefault(rule_id, where)
    return problems


def _instrument_conditions(kb: KB) -> list[Problem]:
    """`tender_uses_allowed_when` is a condition on the situation, in the rules' own language."""
    doc = kb.docs["instruments.yaml"]
    problems = []
    for index, instrument in enumerate(kb.instruments):
        raw = instrument.tender_uses_allowed_when
        if raw is None:
            continue
        path = (index, "tender_uses_allowed_when")
        try:
            cond = cnd.parse(raw, path)
        except cnd.ConditionError as err:
            problems.append(doc.problem(err.path, f"instrument '{instrument.id}': {err.message}"))
            continue
        for leaf in cnd.walk(cond):
            problems += [doc.problem(p, f"instrument '{instrument.id}': {m}")
                         for p, m in _leaf_problems(leaf, situation_scope(kb), kb, allow_refs=False)]
    return problems


def _scenarios(kb: KB) -> list[Problem]:
    """Scenario cross references: instruments, rules and derived facts exist, the situation validates."""
    from .errors import SituationError
    from .situations import parse_situation
    instruments = {i.id for i in kb.instruments}
    rules = {r.id for r in kb.rules}
    facts = derived_facts(kb)
    problems = []
    for scenario, (doc, index) in zip(kb.scenarios, kb.scenario_docs):
        label = f"scenario '{scenario.name}': "
        for path, instrument in scenario.expect.instrument_ids():
            if instrument not in instruments:
                problems.append(doc.problem((index, "expect") + path, label + f"unknown instrument '{instrument}'"
                                            f"{did_you_mean(instrument, instruments)}"))
        for key in ("fires", "not_fires"):
            for j, rule in enumerate(getattr(scenario.expect, key)):
                if rule not in rules:
                    problems.append(doc.problem((index, "expect", key, j), label + f"unknown rule '{rule}'"
                                                f"{did_you_mean(rule, rules)}"))
        for fact in scenario.expect.derived:
            if fact not in facts:
                problems.append(doc.problem((index, "expect", "derived", fact), label + f"no rule derives '{fact}'"
                                            f"{did_you_mean(fact, facts)}"))
        try:
            parse_situation(scenario.situation)
        except SituationError as err:
            for field_path, message in err.errors:
                where = (index, "situation") + tuple(int(p) if p.isdigit() else p for p in field_path.split(".")
                                                     if p and p != "body")
                problems.append(doc.problem(where, label + f"situation: {field_path}: {message}"))
    return problems


def _steps(kb: KB) -> list[Problem]:
    """The caveats a step shows beside it must be caveats (or wishes) that rules produce."""
    doc = kb.docs.get("next_steps.yaml")
    if doc is None:   # no steps file, so no steps to check
        return []
    problems = []
    ids = [r.id for r in kb.rules]
    for index, spec in enumerate(kb.next_steps):
        if (spec.row is None) == (not spec.tender_uses):
            problems.append(doc.problem((index,), f"step '{spec.id}': give either 'row' or 'tender_uses: true'"))
        for j, rule_id in enumerate(spec.caveats):
            rule = kb.rule(rule_id)
            if rule is None:
                problems.append(doc.problem((index, "caveats", j), f"step '{spec.id}': unknown rule '{rule_id}'"
                                                                   f"{did_you_mean(rule_id, ids)}"))
            elif rule.kind not in ("caveat", "fit") or rule.is_general:
                problems.append(doc.problem((index, "caveats", j), f"step '{spec.id}': rule '{rule_id}' gives no "
                                                                   "caveat on an instrument"))
    return problems


def _glossary(kb: KB) -> list[Problem]:
    doc = kb.docs["glossary.yaml"]
    ids = {t.id for t in kb.glossary}
    problems = []
    for index, term in enumerate(kb.glossary):
        for j, other in enumerate(term.see_also):
            if other not in ids:
                problems.append(doc.problem((index, "see_also", j),
                                            f"term '{term.id}': unknown term '{other}'{did_you_mean(other, ids)}"))
    return problems


def _articles(kb: KB) -> list[Problem]:
    doc = kb.docs["legal.yaml"]
    ids = {a.id for a in kb.legal.articles}
    problems = []
    for index, row in enumerate(kb.legal.thresholds):
        for j, article in enumerate(row.source.articles):
            if article not in ids:
                problems.append(doc.problem(("thresholds", index, "source", "articles", j),
                                            f"unknown article '{article}'{did_you_mean(article, ids)}"))
    return problems


def _leaf_problems(leaf: cnd.Leaf, scope: dict[str, FieldSpec], kb: KB, allow_refs: bool) -> list[tuple[tuple, str]]:
    spec = scope.get(leaf.field)
    if spec is None:
        return [(leaf.path[:-1] if leaf.path[-1] in cnd.OPS else leaf.path,
                 f"unknown field '{leaf.field}'{did_you_mean(leaf.field, scope)}")]
    if leaf.op not in spec.ops:
        return [(leaf.path, f"operator '{leaf.op}' does not fit field '{leaf.field}' ({spec.shape}); "
                            f"use one of: {', '.join(sorted(spec.ops))}")]
    value = leaf.value
    if isinstance(value, cnd.Ref):
        if not allow_refs:
            return [(leaf.path, "references ('$instrument.', '$fact.') are only allowed in a rule's 'when'")]
        if value.scope == "instrument" and value.name not in INSTRUMENT_FIELDS and value.name != "id":
            return [(leaf.path, f"unknown instrument attribute '{value.name}'"
                                f"{did_you_mean(value.name, INSTRUMENT_FIELDS)}")]
        if value.scope == "fact" and value.name not in derived_facts(kb):
            return [(leaf.path, f"no rule derives the fact '{value.name}'"
                                f"{did_you_mean(value.name, derived_facts(kb))}")]
        return []
    values = value if isinstance(value, tuple) else (value,)
    if leaf.op == "exists":
        return []
    problems = []
    for v in values:
        if spec.allowed is not None and v not in spec.allowed:
            problems.append((leaf.path, f"'{leaf.field}': unknown value '{v}'{did_you_mean(v, spec.allowed)}; "
                                        f"expected one of: {', '.join(map(str, spec.allowed))}"))
        elif spec.shape == "number" and not isinstance(v, (int, float)) or \
                spec.shape == "bool" and not isinstance(v, bool):
            problems.append((leaf.path, f"'{leaf.field}' expects a {spec.shape}, not '{v}'"))
    return problems


def _derived_placement(cond: cnd.Cond, path_ok: bool = True) -> list[tuple[tuple, str]]:
    """Derived facts are separate facts in the network: only a plain conjunction can join them."""
    if isinstance(cond, cnd.Leaf):
        if cond.field.startswith("derived.") and not path_ok:
            return [(cond.path, f"'{cond.field}' may only appear directly under 'when' or its 'all' "
                                "(not inside 'any' or 'not'): derive the opposite fact instead")]
        return []
    if isinstance(cond, cnd.All):
        return [p for item in cond.items for p in _derived_placement(item, path_ok)]
    items = cond.items if isinstance(cond, cnd.Any_) else (cond.item,)
    return [p for item in items for p in _derived_placement(item, False)]


def parse_rule(rule: Rule) -> tuple[Optional[cnd.Cond], Optional[cnd.Cond]]:
    """The rule's `when` and its `instruments` selector as condition trees (None where absent)."""
    when = cnd.parse(rule.when, ("when",)) if rule.when is not None else None
    raw = rule.instruments if isinstance(rule, InstrumentRule) else None
    selector = cnd.parse(raw, ("instruments",)) if raw is not None else None
    return when, selector


def check_rule(kb: KB, rule: Rule) -> list[Problem]:
    doc, base = kb.rule_docs[rule.id]
    label = f"rule '{rule.id}': "
    found: list[tuple[tuple, str]] = []
    try:
        when, selector = kb.conditions(rule)
    except cnd.ConditionError as err:
        return [doc.problem(base + err.path, label + err.message)]
    from_table = isinstance(rule, DeriveRule) and rule.derive.from_table is not None
    if when is None and rule.kind != "caveat" and not from_table:
        found.append((("kind",), f"a '{rule.kind}' rule needs 'when'"))
    scope = situation_scope(kb)
    if when is not None:
        for leaf in cnd.walk(when):
            found += _leaf_problems(leaf, scope, kb, allow_refs=True)
        found += _derived_placement(when)
    if selector is not None:
        iscope = instrument_scope(kb)
        leaves = list(cnd.walk(selector))
        leaf_found = [p for leaf in leaves for p in _leaf_problems(leaf, iscope, kb, allow_refs=False)]
        found += leaf_found
        if not leaf_found and not matching_instruments(kb, selector):
            found.append((("instruments",), "can never fire: no instrument matches 'instruments'"))
    field = rule.source.instrument_field
    if field is not None:
        top = set(Instrument.model_fields) - {"source", "sources"}
        if field not in top:
            found.append((("source", "instrument_field"), f"unknown instrument field '{field}'"
                                                          f"{did_you_mean(field, top)}"))
        elif not rule.about_instruments:
            found.append((("source", "instrument_field"), "'instrument_field' needs a rule about instruments"))
    if isinstance(rule, FitRule):
        found += _fit_problems(rule, when)
    for article in rule.source.articles:
        if kb.article(article) is None:
            found.append((("source", "articles"), f"unknown article '{article}'"
                                                  f"{did_you_mean(article, [a.id for a in kb.legal.articles])}"))
    if isinstance(rule, InstrumentRule):
        found += _text_problems(kb, rule, selector)
        found += _supersedes_problems(kb, rule)
    if isinstance(rule, ScoreRule) and rule.serves and when is not None:
        stated = _goals_required(when)
        for goal in rule.serves:
            if goal not in stated:
                found.append((("serves",), f"serves '{goal}', but 'when' does not require that goal; add "
                                           f"'goals: {{contains: {goal}}}' (or contains_any) to 'when'"))
    if from_table and not kb.legal.thresholds:
        found.append((("derive",), "can never fire: the table 'eu_thresholds' is empty"))
    return [doc.problem(base + path, label + message) for path, message in found]


def _text_problems(kb: KB, rule: InstrumentRule, selector: Optional[cnd.Cond]) -> list[tuple[tuple, str]]:
    """Every placeholder of the text names something the advice can fill in, for every instrument."""
    found: list[tuple[tuple, str]] = []
    for name in PLACEHOLDER.findall(rule.text):
        if name.startswith("instrument."):
            if not rule.about_instruments:
                found.append((("text",), f"placeholder '{{{name}}}' needs an instrument: this rule has none"))
            elif name.removeprefix("instrument.") not in INSTRUMENT_FIELDS:
                found.append((("text",), f"unknown instrument attribute in '{{{name}}}'"
                                         f"{did_you_mean(name.removeprefix('instrument.'), INSTRUMENT_FIELDS)}"))
            else:
                empty = [i.id for i in matching_instruments(kb, selector)
                         if i.attribute(name.removeprefix("instrument.")) in (None, "", ())]
                if empty:
                    found.append((("text",), f"'{{{name}}}' is empty for {', '.join(empty)}: fill it in "
                                             "instruments.yaml or narrow 'instruments'"))
        elif name != "instrument" and name not in SITUATION_FIELDS and name.removeprefix("derived.") not in \
                derived_facts(kb):
            found.append((("text",), f"unknown placeholder '{{{name}}}' in 'text'"))
    return found


def _supersedes_problems(kb: KB, rule: InstrumentRule) -> list[tuple[tuple, str]]:
    found: list[tuple[tuple, str]] = []
    for j, other in enumerate(rule.supersedes):
        target = kb.rule(other)
        if target is None:
            found.append((("supersedes", j), f"unknown rule '{other}'{did_you_mean(other, [r.id for r in kb.rules])}"))
        elif not target.about_instruments or other == rule.id:
            found.append((("supersedes", j), f"cannot supersede '{other}': only another rule about instruments"))
    return found


def _fit_problems(rule: FitRule, when: Optional[cnd.Cond]) -> list[tuple[tuple, str]]:
    """A fit rule judges one answer: a known field, a value of it, and only once it is answered."""
    spec = SITUATION_FIELDS.get(rule.answer)
    if spec is None:
        return [(("answer",), f"unknown situation field '{rule.answer}'{did_you_mean(rule.answer, SITUATION_FIELDS)}")]
    problems = []
    if rule.value is not None:
        if spec.shape != "list":
            problems.append((("value",), f"'value' only goes with a list answer; '{rule.answer}' is {spec.shape}"))
        elif spec.allowed and rule.value not in spec.allowed:
            problems.append((("value",), f"'{rule.answer}': unknown value '{rule.value}'"
                                         f"{did_you_mean(rule.value, spec.allowed)}"))
    if when is None or rule.answer not in {leaf.field for leaf in cnd.walk(when)}:
        problems.append((("when",), f"a fit rule about '{rule.answer}' must test that answer in 'when'"))
    return problems


def _goals_required(when: cnd.Cond) -> set[cnd.Operand]:
    """The goals a rule's `when` requires the user to state (at its top level or in an `all`)."""
    if isinstance(when, cnd.All):
        return {g for item in when.items for g in _goals_required(item)}
    if isinstance(when, cnd.Leaf) and when.field == "goals" and when.op in ("contains", "contains_any",
                                                                            "contains_all", "equals"):
        return set(when.value) if isinstance(when.value, tuple) else {when.value}
    return set()


def matching_instruments(kb: KB, selector: Optional[cnd.Cond]) -> list[Instrument]:
    if selector is None:
        return list(kb.instruments)
    return [i for i in kb.instruments if cnd.evaluate(selector, partial(_attr, i)) is True]


def _attr(instrument: Instrument, field: str) -> Any:
    return instrument.attribute(field)


def _questions(kb: KB) -> list[Problem]:
    doc: Document = kb.docs["questions.yaml"]
    problems = []
    steps = {s.id for s in kb.questionnaire.steps}
    seen: set[str] = set()
    for index, question in enumerate(kb.questionnaire.questions):
        path = ("questions", index)
        spec = SITUATION_FIELDS.get(question.field)
        if spec is None:
            problems.append(doc.problem(path + ("field",), f"unknown situation field '{question.field}'"
                                                          f"{did_you_mean(question.field, SITUATION_FIELDS)}"))
            continue
        if question.field in seen:
            problems.append(doc.problem(path + ("field",), f"question for '{question.field}' asked twice"))
        seen.add(question.field)
        if spec.shape not in SHAPES_OF_TYPE[question.type]:
            problems.append(doc.problem(path + ("type",), f"type '{question.type}' does not fit '{question.field}' "
                                                         f"({spec.shape}); use "
                                                         f"{' or '.join(t for t, s in SHAPES_OF_TYPE.items() if spec.shape in s)}"))
        if question.type in ("one", "several") and not question.options:
            problems.append(doc.problem(path + ("type",), f"a '{question.type}' question needs 'options'"))
        if question.step not in steps:
            problems.append(doc.problem(path + ("step",), f"unknown step '{question.step}'{did_you_mean(question.step, steps)}"))
        for j, option in enumerate(question.options):
            if spec.allowed is not None and option.value not in spec.allowed:
                problems.append(doc.problem(path + ("options", j, "value"),
                                            f"'{question.field}': unknown value '{option.value}'"
                                            f"{did_you_mean(option.value, spec.allowed)}"))
        if question.show_if is not None:
            try:
                cond = cnd.parse(question.show_if, path + ("show_if",))
            except cnd.ConditionError as err:
                problems.append(doc.problem(err.path, err.message))
                continue
            for leaf in cnd.walk(cond):
                problems += [doc.problem(p, m) for p, m in _leaf_problems(leaf, SITUATION_FIELDS, kb, False)]
    for name in kb.questionnaire.labels.fields:
        if name not in INSTRUMENT_FIELDS:
            problems.append(doc.problem(("labels", "fields", name), f"unknown instrument attribute '{name}'"
                                                                   f"{did_you_mean(name, INSTRUMENT_FIELDS)}"))
    return problems
