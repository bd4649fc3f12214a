"""The condition language: parsing, negation that keeps 'unknown', Python evaluation."""

import pytest

from advisor import conditions as cnd


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
