"""The scenario suite as a whole: every rule, instrument and goal is exercised."""

from advisor.kb.situations import parse_situation
from advisor.kb.vocab import Goal, values


def _run(advisor):
    return [(s, advisor.advise(parse_situation(s.situation))) for s in advisor.kb.scenarios]


def test_every_rule_fires_in_some_scenario(advisor):
    fired = {f.rule for _, advice in _run(advisor) for f in advice.trace}
    never = sorted(r.id for r in advisor.kb.rules if r.id not in fired)
    assert never == [], f"rules that no scenario fires: {never}"


def test_every_instrument_is_top_three_somewhere(advisor):
    top = {r.instrument for _, advice in _run(advisor) for r in advice.recommendations[:3]}
    missing = sorted(i.id for i in advisor.kb.instruments if i.id not in top)
    assert missing == [], f"instruments never in a top 3: {missing}"


def test_every_instrument_and_goal_has_a_scenario(advisor):
    runs = _run(advisor)
    firsts = {advice.recommendations[0].instrument for _, advice in runs if advice.recommendations}
    goals = {g for scenario, _ in runs for g in scenario.situation.get("goals", [])}
    assert set(values(Goal)) <= goals, f"goals without a scenario: {sorted(set(values(Goal)) - goals)}"
    assert len(firsts) >= 14, f"only {len(firsts)} instruments lead a scenario"
