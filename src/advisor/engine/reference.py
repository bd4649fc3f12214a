"""A plain Python evaluation of the compiled network: the yardstick durable_rules is tested against.

Each network rule (compiling.Effect) keeps the condition it stands for, with instrument references
bound. Evaluating those conditions here, derived facts chained to a fixpoint, must give the same
firings as durable_rules' C engine does through `Advisor.fire`: the chunking, the sentinel rules, the
drain loop and the operator patterns (docs/durable-rules-102.md) are all between the two. Used by
tests/test_engine_differential.py and benchmarks/engine_fuzz.py; never by an advice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from ..kb import conditions as cnd
from ..kb.fields import FREE_TEXT_FIELDS
from ..kb.rule_models import DeriveRule
from .compiling import CompiledRuleset, Effect

__all__ = ["reference_firings"]

_MISSING = object()


def _facts_bound(cond: Optional[cnd.Cond], derived: dict[str, Any]) -> Any:
    """`$fact.x` replaced by the derived value; a reference to a fact not derived can never match
    (in the network it is a join on a fact that is not there), so it yields _MISSING."""
    if cond is None:
        return None
    if isinstance(cond, cnd.Leaf):
        if isinstance(cond.value, cnd.Ref) and cond.value.scope == "fact":
            if cond.value.name not in derived:
                return _MISSING
            return cnd.Leaf(cond.field, cond.op, derived[cond.value.name], cond.path)
        return cond
    if isinstance(cond, cnd.Not):
        item = _facts_bound(cond.item, derived)
        return _MISSING if item is _MISSING else cnd.Not(item)
    items = tuple(_facts_bound(item, derived) for item in cond.items)
    if isinstance(cond, cnd.All) and _MISSING in items:
        return _MISSING
    kept = tuple(item for item in items if item is not _MISSING)
    if not kept:
        return _MISSING
    return cnd.All(kept) if isinstance(cond, cnd.All) else cnd.Any_(kept)


def _caseless(cond: cnd.Cond) -> cnd.Cond:
    """Free text compares without regard to case, as the network does (compiling.CASELESS)."""
    if isinstance(cond, cnd.Leaf):
        if cond.field in FREE_TEXT_FIELDS:
            value = cond.value
            value = tuple(v.casefold() if isinstance(v, str) else v for v in value) if isinstance(value, tuple) else \
                value.casefold() if isinstance(value, str) else value
            return cnd.Leaf(cond.field, cond.op, value, cond.path)
        return cond
    if isinstance(cond, cnd.Not):
        return cnd.Not(_caseless(cond.item))
    return type(cond)(tuple(_caseless(item) for item in cond.items))


def _holds(effect: Effect, values: dict[str, Any], derived: dict[str, Any]) -> bool:
    cond = _facts_bound(effect.condition, derived)
    if cond is None:
        return True
    if cond is _MISSING:
        return False

    def get(field: str) -> Any:
        return derived.get(field.removeprefix("derived.")) if field.startswith("derived.") else values.get(field)

    return cnd.evaluate(_caseless(cond), get) is True


def reference_firings(compiled: CompiledRuleset, values: dict[str, Any], reference_date: dt.date) -> set[str]:
    """The names of the network rules that fire for a situation (its `model_dump()`), derived facts
    chained to a fixpoint, as durable_rules should fire them."""
    values = dict(values, reference_date=reference_date)
    for field in FREE_TEXT_FIELDS:
        if isinstance(values.get(field), str):
            values[field] = values[field].casefold()
    derived: dict[str, Any] = {}
    fired: set[str] = set()
    deriving = [(name, e) for name, e in compiled.effects.items() if isinstance(e.rule, DeriveRule)]
    changed = True
    while changed:
        changed = False
        for name, effect in deriving:
            if name not in fired and _holds(effect, values, derived):
                rule = effect.rule
                assert isinstance(rule, DeriveRule)
                fired.add(name)
                derived.setdefault(effect.derived_fact or rule.derive.fact, effect.derived_value)
                changed = True
    for name, effect in compiled.effects.items():
        if not isinstance(effect.rule, DeriveRule) and _holds(effect, values, derived):
            fired.add(name)
    return fired
