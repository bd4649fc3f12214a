"""durable_rules against a plain Python evaluation of the same compiled conditions (advisor.reference).

Random rich situations go through both; the network must fire exactly the rules the conditions say,
derived facts included. A mismatch names the rules and hypothesis prints the smallest situation."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.models import Situation
from advisor.reference import reference_firings
from advisor.vocab import (
    Authority, Budget, ContractType, Goal, Level, MeasuredBy, Phase, Procedure, Province, Regime, Role,
    SituationTheme, SrClause, Supplier, values,
)


def maybe(strategy):
    return st.none() | strategy


def some(vocabulary):
    return st.lists(st.sampled_from(values(vocabulary)), max_size=4, unique=True).map(tuple)


situations = st.builds(
    Situation,
    phase=maybe(st.sampled_from(values(Phase))), role=maybe(st.sampled_from(values(Role))),
    themes=some(SituationTheme), goals=some(Goal), levels=some(Level),
    measured_by=maybe(st.sampled_from(values(MeasuredBy))), supplier=maybe(st.sampled_from(values(Supplier))),
    province=maybe(st.sampled_from(values(Province))),
    municipality=maybe(st.sampled_from(["Rotterdam", "rotterdam", "Utrecht"])),
    procedure=maybe(st.sampled_from(values(Procedure))),
    contract_value_eur=maybe(st.sampled_from([0.0, 50000.0, 139999.0, 140000.0, 216000.0, 300000.0, 749999.0,
                                              750000.0, 5404000.0, 6e6]) | st.floats(0, 1e7).map(lambda v: round(v, 2))),
    contracting_authority=maybe(st.sampled_from(values(Authority))),
    contract_type=maybe(st.sampled_from(values(ContractType))),
    banenafspraak=maybe(st.booleans()), budget_opdrachtgever=maybe(st.sampled_from(values(Budget))),
    regime=maybe(st.sampled_from(values(Regime))), sr_clause=maybe(st.sampled_from(values(SrClause))),
    services_art_2_82a=maybe(st.booleans()), cross_border_interest=maybe(st.booleans()),
    reference_date=maybe(st.dates(dt.date(2023, 6, 1), dt.date(2028, 12, 31))),
)


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
