"""What makes an advice right (docs/architecture.md), asserted over the whole systematic grid rather than
for hand-picked cases: one reason per fact, hard constraints first, a minimum score, uses the situation
rules out never counted, steps that agree with the caveats beside them, nearest alternatives that
the same advice does not exclude."""

from __future__ import annotations

import pytest

from advisor.engine.explaining import MIN_SCORE
from advisor.kb.rule_models import ScoreRule
from advisor.maintain.impact import grid

NOT_EXCLUSIVE = {"keurmerk-gelijkwaardig", "product-gelijkwaardig"}


@pytest.fixture(scope="module")
def advices(advisor):
    return [(situation, advisor.advise(situation)) for situation in grid(advisor.kb)]


def test_the_grid_covers_what_these_checks_are_about(advices):
    # every check below has cases to look at: otherwise it would pass on nothing
    assert any(s.budget_opdrachtgever == "geen" and len(a.recommendations) > 3 for s, a in advices)
    assert any(d.name == "onderhands_uitgesloten" for _, a in advices for d in a.derived)
    assert any(c.rule in NOT_EXCLUSIVE for _, a in advices for r in a.recommendations for st in r.next_steps
               for c in st.caveats)
    assert any(u.nearest for _, a in advices for u in a.unmet_goals)


def test_one_reason_per_goal_served(advisor, advices):
    serving = {r.id: r.serves for r in advisor.kb.rules if isinstance(r, ScoreRule)}
    for situation, advice in advices:
        for rec in advice.recommendations:
            for goal in situation.goals:
                rules = [r.rule for r in rec.reasons if goal in serving.get(r.rule, ())]
                assert len(rules) <= 1, (situation, rec.instrument, goal, rules)


def test_no_recommendation_below_the_minimum_score(advices):
    for situation, advice in advices:
        assert all(r.score >= MIN_SCORE for r in advice.recommendations), situation


def test_without_budget_what_costs_the_client_money_comes_after_what_does_not(advisor, advices):
    def paid(instrument_id: str) -> bool:
        cost = advisor.kb.instrument(instrument_id).cost
        return cost.opdrachtgever in ("€", "€€", "€€€", "€€€€") and cost.paid_by is None

    checked = 0
    for situation, advice in advices:
        if situation.budget_opdrachtgever != "geen":
            continue
        flags = [paid(r.instrument) for r in advice.recommendations]
        assert flags == sorted(flags), (situation, [r.instrument for r in advice.recommendations])
        checked += any(flags) and not all(flags)
    assert checked, "no situation had both a free and a paid recommendation"


def test_a_step_never_asks_for_what_the_caveat_beside_it_forbids(advices):
    for situation, advice in advices:
        for rec in advice.recommendations:
            for step in rec.next_steps:
                if step.step == "uitvragen" and {c.rule for c in step.caveats} & NOT_EXCLUSIVE:
                    assert "gelijkwaardig" in step.text, (situation, rec.instrument, step.text)


def test_a_use_the_situation_rules_out_is_never_counted(advices):
    onderhands_rules = {"onderhands-pso", "wens-procedure-pso-onderhands", "vergelijken-keurmerk-of-meting",
                        "sociale-ondernemer-herkennen-pso"}
    for situation, advice in advices:
        if not any(d.name == "onderhands_uitgesloten" for d in advice.derived):
            continue
        for rec in advice.recommendations:
            if rec.instrument != "pso":
                continue
            assert not {r.rule for r in rec.reasons} & onderhands_rules, situation
            assert all(f.verdict != "voldoet" for f in rec.fit if f.answer == "procedure"), situation
            where = [s.text for s in rec.next_steps if s.step == "plek-in-aanbesteding"]
            assert all("gunningscriterium" not in t.split("Niet als")[0] for t in where), (situation, where)


def test_nearest_alternatives_are_never_instruments_the_advice_excludes(advices):
    for situation, advice in advices:
        excluded = {n.instrument for n in advice.not_recommended if n.excluded}
        for unmet in advice.unmet_goals:
            assert not set(unmet.nearest) & excluded, (situation, unmet.goal, unmet.nearest)
            assert all(unmet.goal in n.serves for n in advice.not_recommended if n.instrument in unmet.nearest)
