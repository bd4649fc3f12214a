"""Scale: compile time and time per advice for synthetic KBs with more instruments and rules.

    python3 benchmarks/scale_bench.py [--sizes 16x50,100x200,1000x500] [--n 200]

A synthetic KB copies the shipped one and adds instruments (the shipped ones with new ids and
varied attributes: phases, themes, levels, cost, who measures) and rules (the shipped rules under
new ids, so of the shipped shapes). It prints, per size, the network size, the compile time and the
p50/p99 per advice over the same varied situations, and the ratio against the shipped KB measured in
the same run. Targets (issue 21): 1,000 instruments x 500 rules <= 20 ms per compact advice and
<= 150 ms per full one, with their JSON; p99 <= 3 x p50 at every size.
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

from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
from advisor.kb.models import Situation
from advisor.kb.vocab import Level, MeasuredBy, Phase, values

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


def measure(kb, warm: list[Situation], cases: list[Situation]) -> dict:
    """Compile time, network size, and per view the p50/p99 per advice with its JSON (the advice cache
    off), after a warm-up over other situations (the KB's memos of closed-vocabulary answers fill then)."""
    start = time.perf_counter()
    advisor = Advisor(kb, cache_size=0)
    result: dict = {"compile": time.perf_counter() - start, "network": len(advisor.compiled.definitions)}
    views = {"compact": advisor.compact_json, "full": lambda s: advisor.advise(s).model_dump_json()}
    for view, answer in views.items():
        for situation in warm:
            answer(situation)
        times = []
        for situation in cases:
            t = time.perf_counter()
            answer(situation)
            times.append((time.perf_counter() - t) * 1000)
        q = statistics.quantiles(times, n=100)
        result[view] = (q[49], q[98])
    return result


TARGETS = {"compact": 20.0, "full": 150.0}   # ms per advice at 1,000 instruments x 500 rules (issue 21)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16x50,100x200,1000x500")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    kb = load(ROOT)

    def cases(n: int, seed: int) -> list[Situation]:
        return [Situation(**dict(s, reference_date=s.get("reference_date") or dt.date(2026, 6, 1)))
                for s in situations(n, seed)]
    warm, measured = cases(args.n, 1), cases(args.n, 2022)
    print(f"{'KB':>18} {'network':>8} {'compile s':>10} {'compact p50':>12} {'p99':>7} {'full p50':>9} {'p99':>7} "
          f"{'p50 ratio':>10}")
    base = None
    verdicts = []
    for size in ["shipped"] + args.sizes.split(","):
        if size == "shipped":
            label, made = f"shipped 16 x {len(kb.rules)}", kb
        else:
            instruments, rules = (int(x) for x in size.split("x"))
            label, made = size, synthetic(kb, instruments, rules)
        r = measure(made, warm, measured)
        base = base or r
        print(f"{label:>18} {r['network']:>8} {r['compile']:>10.2f} {r['compact'][0]:>12.2f} {r['compact'][1]:>7.2f} "
              f"{r['full'][0]:>9.2f} {r['full'][1]:>7.2f} {r['full'][0] / base['full'][0]:>10.1f}")
        for view in ("compact", "full"):
            p50, p99 = r[view]
            verdicts.append(f"{label} {view}: p99/p50 {p99 / p50:.1f} (target <= 3: {'met' if p99 <= 3 * p50 else 'MISSED'})")
            if size == "1000x500":
                verdicts.append(f"{label} {view}: p50 {p50:.1f} ms (target <= {TARGETS[view]:.0f} ms: "
                                f"{'met' if p50 <= TARGETS[view] else 'MISSED'})")
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
