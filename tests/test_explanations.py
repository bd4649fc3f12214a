"""Explanations compiled with the KB: filled once, shared between advices, made only for what a view shows."""

from __future__ import annotations

import gc
import weakref

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import situations

import advisor.engine.explanations as explanations
from advisor.engine.advising import Advisor
from advisor.engine.explanations import template
from advisor.kb.models import Situation
from advisor.maintain.impact import grid


def test_a_template_fills_the_instrument_once_and_leaves_the_answers(advisor):
    pso = advisor.kb.instrument("pso")
    made = template("Het rapport noemt {instrument} voor de {phase}sfase; {instrument.name} in {municipality}.", pso)
    assert made.parts == (f"Het rapport noemt {pso.name} voor de ", f"sfase; {pso.name} in ", ".")
    assert made.slots == ("phase", "municipality")
    assert made.text(Situation(phase="aanbesteding", municipality="Den Bosch"), {}) == (
        f"Het rapport noemt {pso.name} voor de aanbestedingsfase; {pso.name} in Den Bosch.")
    plain = template("Geen plaatshouders.", pso)
    assert plain.slots == () and plain.parts == ("Geen plaatshouders.",)


def test_explanations_are_compiled_with_the_kb_and_no_regex_runs_at_advice_time(advisor, monkeypatch):
    made = Advisor(advisor.kb, cache_size=0)
    table = made.explainer.table
    # every rule on every instrument it can land on has its entry; those that vary with no answer are finished
    pairs = {(e.rule.id, i) for e in made.compiled.effects.values() if e.rule.kind in ("score", "exclude", "caveat",
                                                                                      "fit") for i in e.instruments}
    assert pairs <= set(table.entries)
    assert any(entry.made is not None for entry in table.entries.values())
    # closed answers (fase, rol) are made with a KB of this size, not at advice time
    assert all(entry.variants for entry in table.entries.values() if entry.choices is not None)

    class NoRegex:
        def __getattr__(self, name):
            raise AssertionError("a regular expression ran while advising")
    monkeypatch.setattr(explanations, "PLACEHOLDER", NoRegex())
    for situation in grid(advisor.kb)[::40]:
        assert made.advise(situation).recommendations is not None


def test_the_same_explanation_is_one_shared_object_across_advices(uncached_advisor):
    situation = Situation(phase="voorbereiding", goals=("sr_monitoren",))
    first, second = uncached_advisor.advise(situation), uncached_advisor.advise(situation)
    assert first is not second
    assert first.recommendations and first.recommendations[0].reasons
    for a, b in zip(first.recommendations[0].reasons, second.recommendations[0].reasons):
        assert a is b


def test_the_compact_view_makes_no_explanation_for_instruments_it_does_not_show(advisor, monkeypatch):
    made = Advisor(advisor.kb, cache_size=0)
    asked: list = []
    real = made.explainer.table.explain
    monkeypatch.setattr(made.explainer.table, "explain", lambda rule, i, *rest: asked.append(i) or real(rule, i, *rest))
    situation = Situation(phase="aanbesteding", goals=("inschrijvers_vergelijken",), contract_type="diensten")
    compact = made.compact(situation)
    shown = {r.instrument for r in compact.recommendations}
    assert shown and set(asked) - {None} <= shown
    asked.clear()
    full = made.advise(situation)
    assert set(asked) - {None} > shown     # the full view explains why the others are not recommended
    assert [r.instrument for r in full.recommendations] == [r.instrument for r in compact.recommendations]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situations)
def test_a_kept_explanation_equals_one_made_anew(uncached_advisor, situation):
    """What the table keeps (made with the KB, or on first use) is what filling the text for this situation gives."""
    kept = uncached_advisor.advise(situation).model_dump_json()
    table = uncached_advisor.explainer.table
    saved = {key: dict(entry.variants) for key, entry in table.entries.items()}, dict(table.memo)
    try:
        for entry in table.entries.values():
            entry.variants.clear()
        table.memo.clear()
        assert uncached_advisor.advise(situation).model_dump_json() == kept
    finally:
        for key, variants in saved[0].items():
            table.entries[key].variants.update(variants)
        table.memo.update(saved[1])


def test_an_advisor_is_freed_by_reference_counting(advisor):
    """The compiled KB is hidden from the cyclic collector (gc.freeze), so it must hold no cycles."""
    made = Advisor(advisor.kb, cache_size=0)
    made.advise(Situation(phase="uitvoering"))
    gone = weakref.ref(made)
    gc.disable()
    try:
        del made
        assert gone() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("field", ["municipality", "contract_value_eur"])
def test_free_values_are_never_kept(uncached_advisor, field):
    value = {"municipality": "Zwolle", "contract_value_eur": 123_456}[field]
    table = uncached_advisor.explainer.table
    before = len(table.memo) + sum(len(e.variants) for e in table.entries.values())
    uncached_advisor.advise(Situation(phase="voorbereiding", province="overijssel", **{field: value}))
    after = len(table.memo) + sum(len(e.variants) for e in table.entries.values())
    assert after == before


def test_building_an_advisor_never_freezes_garbage(advisor):
    """A reload in a running server freezes the new KB for the collector; cycles the requests left behind must
    be collected first, not frozen with it (they would never be freed)."""
    class Cycle:
        pass
    gc.disable()
    try:
        left = Cycle()
        left.me = left   # type: ignore[attr-defined]
        gone = weakref.ref(left)
        del left
        Advisor(advisor.kb, cache_size=0)
        assert gone() is None
    finally:
        gc.enable()
