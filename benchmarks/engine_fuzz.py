"""Fuzz the durable_rules engine with random rich situations, in a child process per seed.

durable_rules' C engine has fixed-size buffers; a network that overflows one fails with error
303 or corrupts the heap (a segfault some advices later). Run after changing rules or the engine:

    python3 benchmarks/engine_fuzz.py [--seeds 3] [--advices 3000]

Each advice is also checked against a plain Python evaluation of the compiled conditions
(advisor.engine.reference; tests/test_engine_differential.py runs the short version). Prints, per seed, how
many advices ran, the engine errors and differences by message, and whether the child crashed. Exit
status 1 on any error, difference or crash. Not a unit test: it takes about a minute.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys

CHILD = r"""
import collections, json, random, sys
from advisor.engine.advising import Advisor
from advisor.kb.models import Situation
from advisor.engine.reference import reference_firings
from advisor.kb.vocab import (Authority, Budget, ContractType, Goal, Level, MeasuredBy, Phase, Procedure, Province,
                           Regime, Role, SituationTheme, SrClause, Supplier, values)
import datetime as dt
seed, count = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
advisor = Advisor.from_root()
advisor = type(advisor)(advisor.kb, cache_size=0)
def one(vocab, p=0.8):
    return rnd.choice(values(vocab)) if rnd.random() < p else None
def some(vocab):
    items = list(values(vocab)); rnd.shuffle(items); return tuple(items[:rnd.randint(0, len(items))])
errors = collections.Counter()
for n in range(count):
    situation = Situation(
        phase=one(Phase), role=one(Role), themes=some(SituationTheme), goals=some(Goal), levels=some(Level),
        measured_by=one(MeasuredBy), supplier=one(Supplier), province=one(Province),
        municipality=rnd.choice([None, "Rotterdam", "Utrecht"]), procedure=one(Procedure),
        contract_value_eur=rnd.choice([None, 0.0, 50000, 180000, 300000, 800000, 6e6]),
        contracting_authority=one(Authority), contract_type=one(ContractType),
        banenafspraak=rnd.choice([None, True, False]), budget_opdrachtgever=one(Budget),
        regime=one(Regime, 0.3), sr_clause=one(SrClause, 0.5), services_art_2_82a=rnd.choice([None, True, False]),
        cross_border_interest=rnd.choice([None, True, False]))
    try:
        advisor.advise(situation)
        # the differential check: the network fires what the compiled conditions say (advisor.engine.reference)
        day = dt.date.today()
        network = {effect.name for effect, _ in advisor.fire(situation, day)}
        if network != reference_firings(advisor.compiled, situation.model_dump(), day):
            errors["differs from the plain evaluation: " + situation.model_dump_json(exclude_defaults=True)[:60]] += 1
    except Exception as err:  # noqa: BLE001 - counted and reported
        errors[str(err)[:80]] += 1
print(json.dumps({"advices": count, "errors": errors}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--advices", type=int, default=3000)
    args = parser.parse_args()
    failed = False
    for seed in range(1, args.seeds + 1):
        run = subprocess.run([sys.executable, "-c", CHILD, str(seed), str(args.advices)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            failed = True
            print(f"seed {seed}: child died with status {run.returncode} (crash in the engine)")
            continue
        result = json.loads(run.stdout.strip().splitlines()[-1])
        errors = collections.Counter(result["errors"])
        failed |= bool(errors)
        print(f"seed {seed}: {result['advices']} advices, errors: {dict(errors) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
