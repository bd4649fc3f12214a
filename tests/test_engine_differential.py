"""durable_rules against a plain Python evaluation of the same compiled conditions (advisor.engine.reference).

Random rich situations go through both; the network must fire exactly the rules the conditions say,
derived facts included. A mismatch names the rules and hypothesis prints the smallest situation."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from strategies import situations

from advisor.engine.reference import reference_firings
from advisor.kb.models import Situation


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situation=situations)
def test_the_network_fires_what_the_conditions_say(advisor, situation):
    day = situation.reference_date or dt.date(2026, 6, 1)
    network = {effect.name for effect, _ in advisor.fire(situation, day)}
    expected = reference_firings(advisor.compiled, situation.model_dump(), day)
    assert network == expected, {"only in the network": sorted(network - expected),
                                 "only in the conditions": sorted(expected - network)}


def test_the_reference_can_tell_a_difference(advisor):
    # the yardstick itself is not blind: a situation that fires rules is told apart from an empty one
    rich = Situation(phase="voorbereiding", goals=("voorbehouden_opdracht",), contract_type="diensten",
                     contracting_authority="decentraal", contract_value_eur=400000)
    day = dt.date(2026, 6, 1)
    fired = reference_firings(advisor.compiled, rich.model_dump(), day)
    assert {"voorbehoud-aankondiging", "boven-eu-drempel", "onderhands-uitgesloten-drempel"} <= fired
    assert fired != reference_firings(advisor.compiled, Situation().model_dump(), day)
