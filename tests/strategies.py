"""Generated situations for the hypothesis tests: every field of the situation, rich and open answers."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from advisor.kb.models import Situation
from advisor.kb.vocab import (
    Authority,
    Budget,
    ContractType,
    Goal,
    Level,
    MeasuredBy,
    Phase,
    Procedure,
    Province,
    Regime,
    Role,
    SituationTheme,
    SrClause,
    Supplier,
    values,
)


def maybe(strategy):
    return st.none() | strategy


def several(vocabulary):
    return st.lists(st.sampled_from(values(vocabulary)), unique=True, max_size=4).map(tuple)


def one(vocabulary):
    return maybe(st.sampled_from(values(vocabulary)))


# amounts at and around the thresholds in force, and anything else
AMOUNTS = st.sampled_from([0.0, 50000.0, 139999.0, 140000.0, 216000.0, 300000.0, 749999.0, 750000.0, 5404000.0,
                           6e6]) | st.floats(min_value=0, max_value=1e8, allow_nan=False)

situations = st.builds(
    Situation,
    phase=one(Phase), role=one(Role), themes=several(SituationTheme), goals=several(Goal), levels=several(Level),
    measured_by=one(MeasuredBy), supplier=one(Supplier), province=one(Province),
    municipality=maybe(st.sampled_from(["Rotterdam", "rotterdam", "Utrecht", "Zwolle"])),
    procedure=one(Procedure), contract_value_eur=maybe(AMOUNTS),
    contracting_authority=one(Authority), contract_type=one(ContractType),
    banenafspraak=maybe(st.booleans()), budget_opdrachtgever=one(Budget),
    regime=one(Regime), sr_clause=one(SrClause),
    services_art_2_82a=maybe(st.booleans()), cross_border_interest=maybe(st.booleans()),
    reference_date=maybe(st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2028, 12, 31))),
)
