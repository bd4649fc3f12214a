"""The condition language: parsing, negation that keeps 'unknown', Python evaluation, and the one table of
operators (operators.py) that the evaluator, the field checker, the compiler, the wording and the browser read."""

import itertools
import re
from pathlib import Path

import pytest

from advisor.kb import conditions as cnd
from advisor.kb.fields import FieldSpec
from advisor.kb.operators import OPERATORS, RELATIONS
from advisor.present.webview import condition_json


def ev(raw, **values):
    return cnd.evaluate(cnd.parse(raw), lambda f: values.get(f))


def test_equals_in_and_missing_is_unknown():
    assert ev({"phase": "uitvoering"}, phase="uitvoering") is True
    assert ev({"phase": {"in": ["voorbereiding"]}}, phase="uitvoering") is False
    assert ev({"phase": "uitvoering"}) is None


def test_not_keeps_unknown_unknown():
    assert ev({"not": {"phase": "uitvoering"}}) is None
    assert ev({"not": {"phase": "uitvoering"}}, phase="aanbesteding") is True


def test_lists():
    assert ev({"goals": {"contains_any": ["a", "b"]}}, goals=("b",)) is True
    assert ev({"goals": {"contains_none": ["a"]}}, goals=("b",)) is True
    assert ev({"goals": {"contains_none": ["a"]}}, goals=()) is None
    assert ev({"any": [{"goals": {"contains": "a"}}, {"phase": "x"}]}, goals=("a",)) is True


def test_errors_name_the_path():
    with pytest.raises(cnd.ConditionError) as info:
        cnd.parse({"all": [{"phase": {"equal": "x"}}]}, ("when",))
    assert info.value.path == ("when", "all", 0, "phase", "equal")
    assert "did you mean 'equals'" in info.value.message
    with pytest.raises(cnd.ConditionError):
        cnd.parse({"goals": {"in": "x"}})


# ---------------------------------------------------------------- the operator table (operators.py)

VALUES = ("a", "b", "c")
SUBSETS = [tuple(c) for n in range(len(VALUES) + 1) for c in itertools.combinations(VALUES, n)]
SAMPLES = {  # per shape: answers (None: unknown) and operands (one value, or many)
    "list": (SUBSETS + [None], VALUES, SUBSETS),
    "scalar": (list(VALUES) + [None], VALUES, SUBSETS),
    "number": ([1, 2, 3, None], (1, 2, 3), [(), (1,), (1, 3), (1, 2, 3)]),
    "bool": ([True, False, None], (True, False), [(True,), (True, False)]),
}


def cases(op):
    for shape, (answers, ones, manys) in SAMPLES.items():
        if shape not in op.shapes:
            continue
        operands = (True, False) if op.operand == "flag" else ones if op.operand == "one" else manys
        for actual, want in itertools.product(answers, operands):
            yield shape, actual, want


def test_each_operator_is_declared_with_everything_that_reads_it():
    assert list(OPERATORS) == list(cnd.OPS)
    for op in OPERATORS.values():
        assert op.complement in OPERATORS and op.shapes and "{n}" in op.words, op.name
        assert op.test.relation in RELATIONS or op.test.relation == "known", op.name
        assert callable(op.durable), op.name
    # the field checker reads the shapes from the table
    assert FieldSpec("goals", "list").ops == {n for n, op in OPERATORS.items() if "list" in op.shapes}
    assert "gte" in FieldSpec("x", "number").ops and "gte" not in FieldSpec("x", "scalar").ops


@pytest.mark.parametrize("name", list(OPERATORS))
def test_not_is_the_complement_and_keeps_unknown(name):
    op = OPERATORS[name]
    checked = 0
    for shape, actual, want in cases(op):
        if op.split and want == ():
            continue   # 'not contains_all: []' is an empty 'any': false even when the answer is unknown
        raw = {"x": {name: list(want) if isinstance(want, tuple) else want}}
        plain, negated = ev(raw, x=actual), ev({"not": raw}, x=actual)
        if plain is None:
            assert negated is None, (shape, actual, want)
        else:
            assert negated is (not plain), (shape, actual, want)
        checked += 1
    assert checked >= 6, name


def test_list_operators_read_as_documented():
    assert ev({"x": {"within": ["a", "b"]}}, x=("a",)) is True
    assert ev({"x": {"within": ["a", "b"]}}, x=("a", "c")) is False
    assert ev({"x": {"not_within": ["a", "b"]}}, x=("a", "c")) is True
    assert ev({"x": {"contains_all": ["a", "b"]}}, x=("a", "b", "c")) is True
    assert ev({"x": {"contains_all": ["a", "b"]}}, x=("a",)) is False
    assert ev({"x": {"exists": False}}, x=()) is True and ev({"x": {"exists": True}}, x=()) is False
    assert ev({"x": {"gte": 2}}, x=2) is True and ev({"x": {"lt": 2}}, x=2) is False


def test_the_browser_gets_each_operator_as_data_not_as_a_second_copy():
    tree = condition_json(cnd.parse({"any": [{"phase": {"in": ["uitvoering"]}}, {"not": {"goals": {"contains": "a"}}}]}))
    leaves = tree["items"]
    assert leaves[0]["test"] == OPERATORS["in"].test.as_json()
    assert leaves[1]["op"] == "contains_none" and leaves[1]["test"] == OPERATORS["contains_none"].test.as_json()
    script = (Path(__file__).resolve().parents[1] / "static" / "advisor.js").read_text(encoding="utf-8")
    # "in" is also the name of a relation (the operators are built from relations)
    named = [name for name in OPERATORS if name != "in" and (f'"{name}"' in script or f"'{name}'" in script)]
    assert named == [], f"advisor.js names operators itself: {named}"
    assert "case " not in script   # no switch over operators
    for relation in RELATIONS:       # ... only the relations they are built from, the same as in Python
        assert re.search(rf'\b"?{relation}"?: function', script), relation
