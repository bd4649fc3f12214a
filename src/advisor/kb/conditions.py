"""The condition language shared by rules (`when`, `instruments`) and questions (`show_if`).

    cond := {all: [cond, ...]} | {any: [cond, ...]} | {not: cond} | {FIELD: value} | {FIELD: {OP: value}}

A mapping with several FIELD keys means all of them. A missing situation field is
"unknown": a condition on it is neither true nor false, so the rule does not fire, and
`not` keeps that (the negation of `phase: x` is "phase is known and is not x").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Optional, Union, cast

from .operators import KNOWN, NAMES, OPERATORS, holds

OPS = NAMES   # every operator, in the order of the table (operators.py)
INSTRUMENT_REF = "$instrument."
FACT_REF = "$fact."


@dataclass(frozen=True)
class Ref:
    """A value taken from the instrument (`$instrument.phases`) or a derived fact (`$fact.eu_drempel`)."""
    scope: str
    name: str


# A condition's operand as YAML gives it: a plain value or a reference (resolved later, by `bind` or the
# network), or a tuple of them for an operator that takes `many`.
Scalar = Union[str, int, float, bool, dt.date, None]
Operand = Union[Scalar, Ref]
Value = Union[Operand, tuple[Operand, ...]]


@dataclass(frozen=True)
class Leaf:
    field: str
    op: str
    value: Value
    path: tuple


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


Cond = Union[Leaf, All, Any_, Not]


class ConditionError(Exception):
    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def parse(raw: Any, path: tuple = ()) -> Cond:
    """Turn YAML data into a condition tree; raise ConditionError with the path of the fault."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(path, "a condition must be a non-empty mapping (a field, 'all', 'any' or 'not')")
    parts: list[Cond] = []
    for key, value in raw.items():
        where = path + (key,)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(where, f"'{key}' takes a non-empty list of conditions")
            items = tuple(parse(item, where + (i,)) for i, item in enumerate(value))
            parts.append(All(items) if key == "all" else Any_(items))
        elif key == "not":
            parts.append(Not(parse(value, where)))
        elif isinstance(value, dict):
            if not value:
                raise ConditionError(where, f"no operator given for '{key}'")
            for op, operand in value.items():
                if op not in OPERATORS:
                    from .loading import did_you_mean
                    raise ConditionError(where + (op,), f"unknown operator '{op}'{did_you_mean(op, OPS)}; "
                                                        f"expected one of: {', '.join(OPS)}")
                parts.append(Leaf(key, op, _operand(op, operand, where + (op,)), where + (op,)))
        else:
            parts.append(Leaf(key, "equals", _operand("equals", value, where), where))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _operand(op: str, value: Any, path: tuple) -> Value:
    if isinstance(value, str) and value.startswith(INSTRUMENT_REF):
        return Ref("instrument", value[len(INSTRUMENT_REF):])
    if isinstance(value, str) and value.startswith(FACT_REF):
        return Ref("fact", value[len(FACT_REF):])
    kind = OPERATORS[op].operand
    if kind == "many":
        if not isinstance(value, list):
            raise ConditionError(path, f"'{op}' takes a list of values")
        return tuple(value)
    if kind == "flag" and not isinstance(value, bool):
        raise ConditionError(path, f"'{op}' takes true or false")
    if isinstance(value, (list, dict)):
        raise ConditionError(path, f"'{op}' takes a single value")
    return value


def walk(cond: Cond) -> Iterator[Leaf]:
    """Every leaf of a condition, in order."""
    if isinstance(cond, Leaf):
        yield cond
    elif isinstance(cond, (All, Any_)):
        for item in cond.items:
            yield from walk(item)
    else:
        yield from walk(cond.item)


def negate(cond: Cond) -> Cond:
    """Push a `not` down to the leaves (De Morgan), keeping 'unknown stays unknown'."""
    if isinstance(cond, Not):
        return cond.item
    if isinstance(cond, All):
        return Any_(tuple(negate(item) for item in cond.items))
    if isinstance(cond, Any_):
        return All(tuple(negate(item) for item in cond.items))
    op = OPERATORS[cond.op]
    if op.operand == "flag":
        return Leaf(cond.field, op.complement, not cond.value, cond.path)
    if op.split:   # not (all of these) = at least one of them not
        values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
        return Any_(tuple(Leaf(cond.field, op.complement, (v,), cond.path) for v in values))
    value = cond.value
    if op.operand == "one" and OPERATORS[op.complement].operand == "many":
        # cast: an operand `bind` took from a list attribute of the instrument is itself a tuple
        value = cast(Value, (value,))
    return Leaf(cond.field, op.complement, value, cond.path)


def bind(cond: Cond, resolve: Callable[[Ref], Any]) -> Cond:
    """Replace `$instrument.` references by the instrument's constant values."""
    if isinstance(cond, Leaf):
        if isinstance(cond.value, Ref) and cond.value.scope == "instrument":
            value = resolve(cond.value)
            if OPERATORS[cond.op].operand == "many":
                value = tuple(value) if isinstance(value, (list, tuple)) else (value,)
            return Leaf(cond.field, cond.op, value, cond.path)
        return cond
    if isinstance(cond, All):
        return All(tuple(bind(item, resolve) for item in cond.items))
    if isinstance(cond, Any_):
        return Any_(tuple(bind(item, resolve) for item in cond.items))
    return Not(bind(cond.item, resolve))


def evaluate(cond: Cond, get: Callable[[str], Any]) -> Optional[bool]:
    """Evaluate in Python (for instrument selectors and `show_if`). None means unknown."""
    if isinstance(cond, All):
        results = [evaluate(item, get) for item in cond.items]
        return False if False in results else (None if None in results else True)
    if isinstance(cond, Any_):
        results = [evaluate(item, get) for item in cond.items]
        return True if True in results else (None if None in results else False)
    if isinstance(cond, Not):
        return evaluate(negate(cond.item), get)
    actual = get(cond.field)
    test = OPERATORS[cond.op].test
    if test.relation == KNOWN:
        return known(actual) == cond.value
    if not known(actual):
        return None
    return holds(test, actual, cond.value)


def known(value: Any) -> bool:
    """An answer is known when it is given: not None and, for a list, not empty."""
    return value is not None and value != () and value != []
