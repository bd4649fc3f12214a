"""Scale: compile time and time per advice for synthetic KBs with more instruments and rules.

    python3 benchmarks/scale_bench.py [--sizes 16x50,100x200,1000x500] [--n 200]

A synthetic KB copies the shipped one and adds instruments (the shipped ones with new ids and
varied attributes: phases, themes, levels, cost, who measures) and rules (the shipped rules under
new ids, so of the shipped shapes). It prints, per size, the network size, the compile time and the
p50/p99 per advice over the same varied situations, and the ratio against the shipped KB measured in
the same run. Target: 1,000 instruments x 500 rules <= 20 ms per advice.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import statistics
import time
from pathlib import Path

from engine_bench import situations

from advisor.engine import Advisor
from advisor.knowledge import load
from advisor.models import Situation
from advisor.vocab import Level, MeasuredBy, Phase, values

ROOT = Path(__file__).resolve().parents[1]
PRICED = ("X", "€", "€€", "€€€", "€€€€")   # the cost marks with a price (vocab.Cost also has onbekend, n.v.t.)


def synthetic(kb, instruments: int, rules: int, seed: int = 7):
    rng = random.Random(seed)
    made = list(kb.instruments)
    while len(made) < instruments:
        base = rng.choice(kb.instruments)
        phases = tuple(sorted(rng.sample(values(Phase), rng.randint(1, 3)), key=values(Phase).index))
        made.append(base.model_copy(update={
            "id": f"{base.id}-{len(made)}", "name": f"{base.name} {len(made)}",
            "phases": phases, "phases_figure2": phases, "phases_appendix": phases,
            "levels": tuple(rng.sample(values(Level), rng.randint(1, 3))),
            "measured_by": (rng.choice(values(MeasuredBy)),),
            "cost": base.cost.model_copy(update={"opdrachtgever": rng.choice(PRICED)}),
        }))
    extra = []
    while len(kb.rules) + len(extra) < rules:
        base = rng.choice([r for r in kb.rules if r.kind != "derive"])
        extra.append(base.model_copy(update={"id": f"{base.id}-{len(extra)}", "supersedes": ()}))
    docs = dict(kb.rule_docs)
    docs.update({r.id: kb.rule_docs[r.id.rsplit("-", 1)[0]] for r in extra})
    return dataclasses.replace(kb, instruments=tuple(made[:instruments]) if instruments >= len(kb.instruments)
                               else tuple(made), rules=kb.rules + tuple(extra), rule_docs=docs)


def measure(kb, cases: list[Situation]) -> tuple[float, int, float, float]:
    start = time.perf_counter()
    advisor = Advisor(kb, cache_size=0)
    compiled = time.perf_counter() - start
    times = []
    for situation in cases:
        t = time.perf_counter()
        advisor.advise(situation)
        times.append((time.perf_counter() - t) * 1000)
    q = statistics.quantiles(times, n=100)
    return compiled, len(advisor.compiled.definitions), q[49], q[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16x50,100x200,1000x500")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    kb = load(ROOT)
    cases = [Situation(**dict(s, reference_date=s.get("reference_date") or dt.date(2026, 6, 1)))
             for s in situations(args.n)]
    base = measure(kb, cases)
    print(f"{'KB':>18} {'network':>8} {'compile s':>10} {'p50 ms':>8} {'p99 ms':>8} {'p50 ratio':>10}")
    print(f"{'shipped 16 x ' + str(len(kb.rules)):>18} {base[1]:>8} {base[0]:>10.2f} {base[2]:>8.2f} {base[3]:>8.2f} "
          f"{1.0:>10.1f}")
    for size in args.sizes.split(","):
        instruments, rules = (int(x) for x in size.split("x"))
        result = measure(synthetic(kb, instruments, rules), cases)
        print(f"{size:>18} {result[1]:>8} {result[0]:>10.2f} {result[2]:>8.2f} {result[3]:>8.2f} "
              f"{result[2] / base[2]:>10.1f}")


if __name__ == "__main__":
    main()
