"""Properties of every advice, over generated situations (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import situations

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(situation=situations)
def test_every_instrument_appears_once_and_ranks_are_consecutive(advisor, situation):
    advice = advisor.advise(situation)
    ids = [r.instrument for r in advice.recommendations] + [n.instrument for n in advice.not_recommended]
    assert sorted(ids) == sorted(i.id for i in advisor.kb.instruments)
    assert [r.rank for r in advice.recommendations] == list(range(1, len(advice.recommendations) + 1))
    scores = [r.score for r in advice.recommendations]
    assert all(s > 0 for s in scores)
    assert all(r.next_steps for r in advice.recommendations[:3]) and not any(r.next_steps
                                                                             for r in advice.recommendations[3:])
    type(advice).model_validate_json(advice.model_dump_json())        # valid against its own schema


@SETTINGS
@given(situation=situations, data=st.data())
def test_order_of_list_values_does_not_change_the_advice(advisor, situation, data):
    shuffled = situation.model_copy(update={
        name: tuple(data.draw(st.permutations(getattr(situation, name)))) for name in ("themes", "goals", "levels")})
    first, second = advisor.advise(situation), advisor.advise(shuffled)
    assert [r.instrument for r in first.recommendations] == [r.instrument for r in second.recommendations]
    assert [(r.score, {x.rule for x in r.reasons}) for r in first.recommendations] == \
        [(r.score, {x.rule for x in r.reasons}) for r in second.recommendations]
    assert {c.rule for c in first.general_caveats} == {c.rule for c in second.general_caveats}


@SETTINGS
@given(situation=situations)
def test_the_same_situation_twice_gives_the_same_advice(uncached_advisor, situation):
    assert uncached_advisor.advise(situation) == uncached_advisor.advise(situation)
