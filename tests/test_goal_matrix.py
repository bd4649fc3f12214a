"""The report's goal x phase table (knowledge/goal_matrix.yaml) against every advice the rules give.

docs/architecture.md, "What makes an advice right": with stated goals, only instruments that serve one of
them are recommended, and the report decides which instruments serve which goal. Run over every goal and phase, with and without
role, supplier and budget, not only over hand-picked cases.
"""

from __future__ import annotations

import itertools

import pytest

from advisor.kb.models import Situation
from advisor.kb.vocab import Budget, Goal, Phase, Role, Supplier, values

PHASES = (None,) + values(Phase)
VARIANTS = list(itertools.product((None,) + values(Role), (None,) + values(Supplier), (None,) + values(Budget)))


@pytest.fixture(scope="module")
def matrix(advisor):
    return {entry.goal: entry for entry in advisor.kb.goal_matrix}


def test_the_matrix_covers_every_goal(advisor, matrix):
    assert set(matrix) == set(values(Goal))


@pytest.mark.parametrize("goal", values(Goal))
def test_only_named_instruments_are_recommended_and_they_lead(advisor, matrix, goal):
    entry = matrix[goal]
    for phase in PHASES:
        named = entry.named_in(phase)
        for role, supplier, budget in VARIANTS:
            situation = Situation(goals=(goal,), phase=phase, role=role, supplier=supplier,
                                  budget_opdrachtgever=budget)
            advice = advisor.advise(situation)
            where = f"{goal} / {phase} / {role} / {supplier} / {budget}"
            ranked = [r.instrument for r in advice.recommendations]
            unnamed = [i for i in ranked if i not in named]
            assert not unnamed, f"{where}: recommended although the report does not name them: {unnamed}"
            assert all(r.serves == (goal,) for r in advice.recommendations), where
            # Named instruments that nothing rules out are offered, ahead of anything else.
            for item in advice.not_recommended:
                if item.instrument in named and not item.excluded:
                    assert item.score <= 0 and any(w.rule for w in item.why_not), \
                        f"{where}: {item.instrument} is named and not excluded, but not recommended"
            assert [u.goal for u in advice.unmet_goals] == ([] if ranked else [goal]), where


def test_two_goals_never_recommend_an_instrument_that_serves_neither(advisor, matrix):
    for first, second in itertools.combinations(values(Goal), 2):
        for phase in PHASES:
            advice = advisor.advise(Situation(goals=(first, second), phase=phase))
            for rec in advice.recommendations:
                assert rec.serves, f"{first}+{second}/{phase}: {rec.instrument} serves neither goal"
                assert any(rec.instrument in matrix[g].named_in(phase) for g in rec.serves), \
                    f"{first}+{second}/{phase}: {rec.instrument} is not named for {rec.serves}"
            served = {g for r in advice.recommendations for g in r.serves}
            assert [u.goal for u in advice.unmet_goals] == [g for g in (first, second) if g not in served]


# That rules serve a goal only with instruments the matrix names for it, that every goal has one,
# and that set-aside instruments say why, is `advisor check`'s (advisor.kb.invariants; tests/test_invariants.py).


def test_not_followed_and_unsuitable_instruments_cite_report_pages(matrix):
    for entry in matrix.values():
        for item in entry.not_followed + entry.unsuitable:
            assert all(1 <= p <= 75 for p in item.pages)
