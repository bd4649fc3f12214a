"""Turn validated rules into a durable_rules ruleset (its JSON form; no eval, no generated code).

Instrument attributes are constants, so every condition on them is settled here: a rule
whose `when` refers to `$instrument.x` is specialised per instrument, and instruments that
end up with the same situation condition share one network rule. The network itself only
ever matches the situation fact and derived facts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from ..kb import conditions as cnd
from ..kb.checking import matching_instruments
from ..kb.fields import FREE_TEXT_FIELDS, MONEY_FIELDS, SITUATION_FIELDS
from ..kb.formatting import money
from ..kb.kbtypes import KB
from ..kb.loading import Problem
from ..kb.models import Instrument
from ..kb.operators import FALSE, OPERATORS, both, either
from ..kb.rule_models import DeriveRule, Rule, Undecided

SITUATION = "s"   # value of the `t` attribute of the situation fact
DERIVED = "d"     # ... and of derived facts


@dataclass(frozen=True)
class Effect:
    """What one network rule stands for: a KB rule, and the instruments its effect lands on."""
    name: str
    rule: Rule
    instruments: tuple[str, ...]
    derived_value: Any = None
    derived_label: Optional[str] = None
    derived_fact: Optional[str] = None   # the fact asserted, when not the rule's own `derive.fact`
    # the condition the network rule stands for, instrument references bound (None: always): a plain
    # Python evaluation of it (reference.py) is the yardstick the durable_rules network is tested against
    condition: Optional[cnd.Cond] = None


@dataclass(frozen=True)
class CompiledRuleset:
    definitions: dict[str, dict]   # durable rule name -> {"all": [...]} (action added by the engine)
    effects: dict[str, Effect]
    # network rules whose condition reads a derived fact: a ruleset holding one is given the derived facts
    uses_derived: frozenset[str] = frozenset()


def day(value: dt.date) -> int:
    """Dates become yyyymmdd integers: durable_rules compares numbers, not dates."""
    return value.year * 10000 + value.month * 100 + value.day


CASELESS = frozenset(FREE_TEXT_FIELDS)  # free text: 'rotterdam' and 'Rotterdam' are the same gemeente


def _literal(field: str, value: Any) -> Any:
    if SITUATION_FIELDS.get(field) and SITUATION_FIELDS[field].shape == "date" and isinstance(value, dt.date):
        return day(value)
    if field in CASELESS and isinstance(value, str):
        return value.casefold()
    return value


class _Builder:
    """Compiles one (instrument-bound) `when` into durable patterns."""

    def __init__(self) -> None:
        self.derived: dict[str, dict] = {}   # fact name -> alias and pattern

    def alias(self, fact: str) -> str:
        if fact not in self.derived:
            self.derived[fact] = {"alias": f"d{len(self.derived)}", "conds": []}
        return self.derived[fact]["alias"]

    def expr(self, cond: cnd.Cond) -> Any:
        if isinstance(cond, cnd.All):
            return both([self.expr(item) for item in cond.items])
        if isinstance(cond, cnd.Any_):
            return either([self.expr(item) for item in cond.items])
        if isinstance(cond, cnd.Not):
            return self.expr(cnd.negate(cond.item))
        if cond.field.startswith("derived."):
            fact = cond.field.removeprefix("derived.")
            self.alias(fact)
            self.derived[fact]["conds"].append(self.leaf("value", cond))
            return True
        return self.leaf(cond.field, cond)

    def leaf(self, field: str, leaf: cnd.Leaf) -> Any:
        value = leaf.value
        operand: Any   # a literal, a tuple of them, or where the network finds a derived fact's value
        if isinstance(value, cnd.Ref):
            operand = {self.alias(value.name): "value"}
        elif isinstance(value, tuple):
            operand = tuple(_literal(leaf.field, v) for v in value)
        else:
            operand = _literal(leaf.field, value)
        spec = SITUATION_FIELDS.get(leaf.field)
        vocabulary = frozenset(spec.allowed) if spec and spec.allowed else None
        return OPERATORS[leaf.op].durable(field, operand, vocabulary)

    def patterns(self, when: Optional[cnd.Cond]) -> Any:
        body = self.expr(when) if when is not None else True
        if body is FALSE:
            return FALSE
        result = []
        for fact, info in self.derived.items():
            conds = both([{"t": DERIVED}, {"name": fact}] + info["conds"])
            if conds is FALSE:
                return FALSE
            result.append({info["alias"]: conds})
        result.append({"m": both([{"t": SITUATION}, body])})
        return result


AUTHORITY_LABELS = {"centraal": "centrale overheid", "decentraal": "decentrale overheid"}
THRESHOLD_VALUE = "contract_value_eur"   # the amount the threshold table compares with each threshold
assert THRESHOLD_VALUE in MONEY_FIELDS, "the threshold table compares an amount in euros"


def _known(field: str, value: Optional[str]) -> cnd.Leaf:
    """`field` equals value, or (value None) the user left it open."""
    if value is None:
        return cnd.Leaf(field, "exists", False, ())
    return cnd.Leaf(field, "equals", value, ())


def _threshold_rows(kb: KB, rule: DeriveRule, when: Optional[cnd.Cond]
                    ) -> list[tuple[cnd.Cond, Any, Any, str, str]]:
    """Network rules for a threshold table: (condition, patterns, value, label, fact) each.

    Per validity period, every combination of contract type and kind of authority, each
    known or left open, gets the thresholds that can apply. One amount: that is the
    threshold. Several: the value lies below all of them or at or above all of them (then
    that is certain and the nearest amount is the threshold), or in between (then the
    `undecided` fact says on what it depends).
    """
    derivation = rule.derive
    rows: list[tuple[cnd.Cond, Any, str, str]] = []
    periods = dict.fromkeys((row.valid_from, row.valid_to) for row in kb.legal.thresholds)
    types = list(dict.fromkeys(t for row in kb.legal.thresholds for t in row.contract_types))
    for valid_from, valid_to in periods:
        period = [row for row in kb.legal.thresholds if (row.valid_from, row.valid_to) == (valid_from, valid_to)]
        dates = (cnd.Leaf("reference_date", "gte", valid_from, ()), cnd.Leaf("reference_date", "lte", valid_to, ()))
        for contract_type in types + [None]:
            for authority in (*AUTHORITY_LABELS, None):
                applying = [row for row in period
                            if (contract_type is None or contract_type in row.contract_types)
                            and (authority is None or authority in row.authorities)]
                amounts = sorted({row.amount_eur for row in applying})
                if not amounts:
                    continue
                base: tuple[cnd.Cond, ...] = dates + (_known("contract_type", contract_type),
                                                      _known("contracting_authority", authority))
                if when is not None:
                    base += (when,)
                described = "; ".join(f"{row.label.lower()}: {money(row.amount_eur)}" for row in applying)
                validity = f"geldig {valid_from} t/m {valid_to}"
                if len(amounts) == 1:
                    label = f"{derivation.label} ({described}), {validity}"
                    rows.append((cnd.All(base), amounts[0], label, derivation.fact))
                    continue
                low, high = amounts[0], amounts[-1]
                open_part = " en ".join(p for p, v in (("het soort opdracht", contract_type),
                                                         ("het soort aanbestedende dienst", authority)) if v is None)
                rows.append((cnd.All(base + (cnd.Leaf(THRESHOLD_VALUE, "lt", low, ()),)), low,
                             f"{derivation.label}: de waarde ligt onder elke drempel die hier kan gelden, wat "
                             f"{open_part} ook is ({described}), {validity}", derivation.fact))
                rows.append((cnd.All(base + (cnd.Leaf(THRESHOLD_VALUE, "gte", high, ()),)), high,
                             f"{derivation.label}: de waarde ligt op of boven elke drempel die hier kan gelden, "
                             f"wat {open_part} ook is ({described}), {validity}", derivation.fact))
                if derivation.undecided is not None:
                    between = (cnd.Leaf(THRESHOLD_VALUE, "gte", low, ()),
                               cnd.Leaf(THRESHOLD_VALUE, "lt", high, ()))
                    rows.append((cnd.All(base + between), True,
                                 f"{derivation.undecided.label}: dat hangt af van {open_part} ({described}), "
                                 f"{validity}", derivation.undecided.fact))
    if derivation.outside is not None:
        rows += _outside_rows(derivation.outside, list(periods), when)
    return [(whole, _Builder().patterns(whole), value, label, fact) for whole, value, label, fact in rows]


def _outside_rows(outside: Undecided, periods: list[tuple[dt.date, dt.date]], when: Optional[cnd.Cond]
                  ) -> list[tuple[cnd.Cond, Any, str, str]]:
    """Rows for a reference date that lies in no period of the table (before, between or after them),
    while a value is given: the table then says nothing, and the advice must say so."""
    periods = sorted(periods)
    first, last = periods[0][0], periods[-1][1]
    spans = f"de tabel loopt van {first} t/m {last}"
    gaps: list[tuple[cnd.Cond, ...]] = [(cnd.Leaf("reference_date", "lt", first, ()),),
                                        (cnd.Leaf("reference_date", "gt", last, ()),)]
    gaps += [(cnd.Leaf("reference_date", "gt", end, ()), cnd.Leaf("reference_date", "lt", start, ()))
             for (_, end), (start, _) in zip(periods, periods[1:]) if (start - end).days > 1]
    value = cnd.Leaf(THRESHOLD_VALUE, "exists", True, ())
    rows: list[tuple[cnd.Cond, Any, str, str]] = []
    for gap in gaps:
        parts: tuple[cnd.Cond, ...] = (value, *gap) + ((when,) if when is not None else ())
        rows.append((cnd.All(parts), True, f"{outside.label} ({spans})", outside.fact))
    return rows


def _resolver(instrument: Instrument) -> Callable[[cnd.Ref], Any]:
    """Resolves `$instrument.<name>` references to the instrument's own values."""
    return lambda ref: instrument.attribute(ref.name)


def compile_rules(kb: KB) -> CompiledRuleset:
    definitions: dict[str, dict] = {}
    effects: dict[str, Effect] = {}

    def add(name: str, patterns: Any, effect: Effect) -> None:
        definitions[name] = {"all": patterns}
        effects[name] = effect

    for rule in kb.rules:
        when, selector = kb.conditions(rule)
        derive = rule.derive if isinstance(rule, DeriveRule) else None
        if isinstance(rule, DeriveRule) and rule.derive.from_table:
            for n, (whole, patterns, value, label, fact) in enumerate(_threshold_rows(kb, rule, when)):
                if patterns is not FALSE:
                    add(f"{rule.id}#{n}", patterns, Effect(f"{rule.id}#{n}", rule, (), value, label, fact, whole))
            continue
        if not rule.about_instruments:   # a derived fact or a general caveat
            patterns = _Builder().patterns(when)
            if patterns is not FALSE:
                add(rule.id, patterns, Effect(rule.id, rule, (), derive.value if derive else None,
                                              derive.label if derive else None, condition=when))
            continue
        groups: dict[str, tuple[Any, list[str], Optional[cnd.Cond]]] = {}
        for instrument in matching_instruments(kb, selector):
            bound = cnd.bind(when, _resolver(instrument)) if when is not None else None
            patterns = _Builder().patterns(bound)
            if patterns is FALSE:
                continue
            key = json.dumps(patterns, sort_keys=True)
            groups.setdefault(key, (patterns, [], bound))[1].append(instrument.id)
        for n, (patterns, ids, bound) in enumerate(groups.values()):
            name = rule.id if len(groups) == 1 else f"{rule.id}#{n}"
            add(name, patterns, Effect(name, rule, tuple(ids), condition=bound))
    uses_derived = frozenset(name for name, effect in effects.items() if derived_read(kb.conditions(effect.rule)[0]))
    return CompiledRuleset(definitions, effects, uses_derived)


def derived_read(cond: Optional[cnd.Cond]) -> set[str]:
    """The derived facts a condition reads: as a field `derived.<fact>`, or as a value `$fact.<fact>`."""
    found: set[str] = set()
    for leaf in cnd.walk(cond) if cond is not None else ():
        if leaf.field.startswith("derived."):
            found.add(leaf.field.removeprefix("derived."))
        if isinstance(leaf.value, cnd.Ref) and leaf.value.scope == "fact":
            found.add(leaf.value.name)
    return found


def situation_fact(values: dict[str, Any]) -> dict[str, Any]:
    """The situation as the network sees it: unknown fields left out, dates as numbers."""
    fact: dict[str, Any] = {"t": SITUATION}
    for field, value in values.items():
        if value is None or value == ():
            continue
        if isinstance(value, float):
            # durable_rules' JSON parser rejects an exponent without a fraction ("1e-05"): whole cents.
            value = round(value, 2)
        if field in CASELESS:
            value = value.casefold()
        fact[field] = day(value) if isinstance(value, dt.date) else list(value) if isinstance(value, tuple) else value
    return fact


def unfireable(kb: KB, compiled: CompiledRuleset) -> list[Problem]:
    """Rules that left nothing in the network: their conditions contradict for every instrument."""
    present = {effect.rule.id for effect in compiled.effects.values()}
    problems = []
    for rule in kb.rules:
        if rule.id not in present:
            doc, base = kb.rule_docs[rule.id]
            problems.append(doc.problem(base + ("when",), f"rule '{rule.id}': can never fire: its conditions "
                                                          "contradict each other for every instrument"))
    derived_used = {fact for rule in kb.rules for cond in kb.conditions(rule) for fact in derived_read(cond)}
    for rule in kb.rules:
        if not isinstance(rule, DeriveRule):
            continue
        facts = [rule.derive.fact] + [extra.fact for extra in (rule.derive.undecided, rule.derive.outside) if extra]
        for fact in facts:
            if fact not in derived_used:
                doc, base = kb.rule_docs[rule.id]
                problems.append(doc.problem(base + ("derive",), f"rule '{rule.id}': no rule uses the derived fact "
                                                                f"'{fact}'"))
    return problems
