"""The condition operators, each declared once: its name, the field shapes it applies to, its operand,
how it evaluates, how it compiles to a durable_rules pattern, its Dutch wording and its complement.

Everything that handles an operator reads this table: the parser and evaluator (`conditions`), the
field checker (`fields.FieldSpec.ops`, `checking`), the compiler (`compiling`), the rule book in
words (`wording`), and the questionnaire script in the browser, which gets each operator's `Test` as
JSON beside the condition (`webview.condition_json`) and interprets it the way `holds` does here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, Optional

# ---------------------------------------------------------------- evaluation, as data

# The relations a Test is built from. The browser script (static/advisor.js) implements the same few.
RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "in": lambda item, values: item in values,
    "ge": operator.ge, "le": operator.le, "gt": operator.gt, "lt": operator.lt,
}
KNOWN = "known"   # the one relation tested before "unknown" is decided: is the answer given at all?


@dataclass(frozen=True)
class Test:
    """How an operator evaluates: `relation(left, right)`, where `left` names the side that comes first
    (`actual`, the answer, or `want`, the operand) and the other side comes second; with `each`, the
    relation is tested for every element of the left side and combined with any/all; `negate` turns
    the result around. Plain data, so that the browser can evaluate the same table."""
    left: Literal["actual", "want"]
    relation: str
    each: Optional[Literal["any", "all"]] = None
    negate: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def holds(test: Test, actual: Any, want: Any) -> bool:
    """The test for a known answer (the caller decides unknown first)."""
    left, right = (actual, want) if test.left == "actual" else (want, actual)
    relation = RELATIONS[test.relation]
    if test.each == "any":
        result = any(relation(item, right) for item in left)
    elif test.each == "all":
        result = all(relation(item, right) for item in left)
    else:
        result = relation(left, right)
    return result != test.negate


# ---------------------------------------------------------------- durable_rules patterns

FALSE = object()  # a pattern that can never hold (the rule is left out of the network)


def both(parts: list) -> Any:
    """The conjunction of patterns (`True` parts drop out; one FALSE part makes it FALSE)."""
    parts = [p for p in parts if p is not True]
    if any(p is FALSE for p in parts):
        return FALSE
    if not parts:
        return True
    return parts[0] if len(parts) == 1 else {"$and": parts}


def either(parts: list) -> Any:
    """The disjunction of patterns (`FALSE` parts drop out; one True part makes it True)."""
    if any(p is True for p in parts):
        return True
    parts = [p for p in parts if p is not FALSE]
    if not parts:
        return FALSE
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _known(field: str) -> dict:
    return {"$ex": {field: 1}}


def _covers(vocabulary: Optional[frozenset], values: tuple) -> bool:
    """The operand names every value the field can take (so a test against it is settled)."""
    return vocabulary is not None and vocabulary <= set(values)


# Each takes the field (as the network names it), the operand (literal values) and the field's closed
# vocabulary, if any; the operand of a `many` operator is a tuple.
Durable = Callable[[str, Any, Optional[frozenset]], Any]


def _not_in(f: str, values: tuple, vocabulary: Optional[frozenset]) -> Any:
    if _covers(vocabulary, values):
        return FALSE
    return both([_known(f)] + [{"$neq": {f: v}} for v in values])


# durable_rules' C engine (rete.c, createAlpha) reads `expression.right.type` of the node an `$iany` or
# `$iall` wraps; when that node is the forward node of an `$or`/`$and`, the field was never initialised
# (createForwardAlpha), and a stray 0x09 or 0x0C there fails the whole ruleset with error 102
# (ERR_UNEXPECTED_TYPE), depending on what the heap held: docs/durable-rules-102.md. So an `$iany`/`$iall`
# only ever wraps one plain test, and the `$or`/`$and` goes outside, where the logic allows it; `within`
# and `not_within` need the field's closed vocabulary for that (their complement, one value at a time).


def _contains_any(f: str, values: tuple, vocabulary: Optional[frozenset]) -> Any:
    # some element equals one of the values == one of the values equals some element
    return either([{"$iany": {f: {"$i": v}}} for v in values])


def _contains_none(f: str, values: tuple, vocabulary: Optional[frozenset]) -> Any:
    if not values:
        return _known(f)
    # no element equals any value == for each value, every element differs from it
    return both([_known(f)] + [{"$iall": {f: {"$neq": {"$i": v}}}} for v in values])


def _complement(vocabulary: Optional[frozenset], values: tuple) -> tuple:
    if vocabulary is None:
        raise ValueError("within/not_within compile only for a field with a closed vocabulary")
    return tuple(sorted(vocabulary - set(values)))


def _within(f: str, values: tuple, vocabulary: Optional[frozenset]) -> Any:
    if _covers(vocabulary, values):
        return _known(f)
    if not values:
        return FALSE
    # every element is one of the values == no element is any value outside them
    return _contains_none(f, _complement(vocabulary, values), vocabulary)


def _not_within(f: str, values: tuple, vocabulary: Optional[frozenset]) -> Any:
    if _covers(vocabulary, values):
        return FALSE
    if not values:
        return _known(f)
    # some element lies outside the values == some value outside them is an element
    return _contains_any(f, _complement(vocabulary, values), vocabulary)


# ---------------------------------------------------------------- the table

SCALARS = frozenset({"scalar", "text", "number", "date", "bool", "any"})
CHOICES = SCALARS - {"bool"}
ORDERED = frozenset({"number", "date", "any"})
LISTS = frozenset({"list"})
EVERY_SHAPE = SCALARS | LISTS


@dataclass(frozen=True)
class Operator:
    """One operator of the condition language.

    `operand`: `one` value, `many` (a list) or a `flag` (true/false). `words` is its Dutch wording
    ("{n}": the field, "{v}": the operand in words, joined by `joiner`); `ref_words` when the operand
    is an instrument's attribute (`$instrument.phases`), `attribute_words` in an `instruments`
    selector, each only where it differs; `words_if_false` (and `attribute_words_if_false`) for a
    flag that is false. `complement` is the operator that `not` turns it into; with `split`, the
    complement applies to each value on its own and any of them may hold (not all = some not)."""
    name: str
    shapes: frozenset
    operand: Literal["one", "many", "flag"]
    test: Test
    durable: Durable
    words: str
    complement: str
    ref_words: Optional[str] = None
    attribute_words: Optional[str] = None
    words_if_false: Optional[str] = None
    attribute_words_if_false: Optional[str] = None
    joiner: str = "of"
    split: bool = False

    def wording(self, value: Any, ref: bool = False, attribute: bool = False) -> str:
        if self.operand == "flag" and not value:
            return (attribute and self.attribute_words_if_false) or self.words_if_false or self.words
        return (attribute and self.attribute_words) or (ref and self.ref_words) or self.words


_TABLE = (
    Operator("equals", SCALARS, "one", Test("actual", "eq"), lambda f, v, _: {f: v},
             "{n} is {v}", "not_equals"),
    Operator("not_equals", SCALARS, "one", Test("actual", "eq", negate=True), lambda f, v, _: {"$neq": {f: v}},
             "{n} is bekend en is niet {v}", "equals"),
    Operator("in", CHOICES, "many", Test("actual", "in"), lambda f, vs, _: either([{f: v} for v in vs]),
             "{n} is {v}", "not_in", ref_words="{n} is een van {v}"),
    Operator("not_in", CHOICES, "many", Test("actual", "in", negate=True), _not_in,
             "{n} is bekend en is niet {v}", "in", ref_words="{n} is bekend en is geen van {v}"),
    Operator("contains", LISTS, "one", Test("want", "in"), lambda f, v, _: {"$iany": {f: {"$i": v}}},
             "{n} bevat {v}", "contains_none"),
    Operator("contains_any", LISTS, "many", Test("want", "in", each="any"), _contains_any,
             "{n} bevat {v}", "contains_none", ref_words="{n} bevat ten minste één van {v}"),
    Operator("contains_all", LISTS, "many", Test("want", "in", each="all"),
             lambda f, vs, _: both([{"$iany": {f: {"$i": v}}} for v in vs]),
             "{n} bevat {v}", "contains_none", ref_words="{n} bevat alle {v}", joiner="en", split=True),
    Operator("contains_none", LISTS, "many", Test("want", "in", each="any", negate=True), _contains_none,
             "{n} is ingevuld maar bevat niet {v}", "contains_any",
             ref_words="{n} is ingevuld maar bevat geen van {v}", attribute_words="{n} bevat niet {v}"),
    # within: every chosen value is one of the given values; not_within: at least one is not.
    Operator("within", LISTS, "many", Test("actual", "in", each="all"), _within,
             "{n} is ingevuld en bevat alleen {v}", "not_within",
             ref_words="{n} is ingevuld en valt helemaal binnen {v}"),
    Operator("not_within", LISTS, "many", Test("actual", "in", each="all", negate=True), _not_within,
             "{n} bevat iets anders dan {v}", "within", ref_words="{n} valt niet helemaal binnen {v}"),
    Operator("gte", ORDERED, "one", Test("actual", "ge"), lambda f, v, _: {"$gte": {f: v}},
             "{n} is minstens {v}", "lt"),
    Operator("lte", ORDERED, "one", Test("actual", "le"), lambda f, v, _: {"$lte": {f: v}},
             "{n} is hoogstens {v}", "gt"),
    Operator("gt", ORDERED, "one", Test("actual", "gt"), lambda f, v, _: {"$gt": {f: v}},
             "{n} is meer dan {v}", "lte"),
    Operator("lt", ORDERED, "one", Test("actual", "lt"), lambda f, v, _: {"$lt": {f: v}},
             "{n} is minder dan {v}", "gte"),
    # exists is decided before "unknown": it is the test whether the answer is given at all.
    Operator("exists", EVERY_SHAPE, "flag", Test("actual", KNOWN), lambda f, v, _: {"$ex" if v else "$nex": {f: 1}},
             "{n} is bekend", "exists", words_if_false="{n} is onbekend",
             attribute_words="{n} is opgegeven", attribute_words_if_false="{n} is niet opgegeven"),
)

OPERATORS: dict[str, Operator] = {op.name: op for op in _TABLE}
NAMES = tuple(OPERATORS)


def operators_for(shape: str) -> frozenset[str]:
    """The operators that apply to a field of this shape (see fields.FieldSpec.shape)."""
    return frozenset(op.name for op in _TABLE if shape in op.shapes)


def _check_table() -> None:
    for op in _TABLE:
        complement = OPERATORS[op.complement]
        assert op.split or op.operand == "flag" or complement.operand == "many" or op.operand == "one", op.name
        assert op.test.relation in RELATIONS or op.test.relation == KNOWN, op.name


_check_table()
