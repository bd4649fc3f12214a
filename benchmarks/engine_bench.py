"""Engine benchmark: advice latency over varied valid situations, against validation alone.

    python benchmarks/engine_bench.py [--n 10000]

Prints p50/p99 per advice and per validation, measured side by side in the same run, and their
ratio. Targets with the shipped KB: p50 <= 1 ms, p99 <= 3 ms per advice; with its JSON, p50 <= 0.35 ms
for the full view and <= 0.12 ms for the compact one (issue 21); p99 <= 3 x p50.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
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
    Role,
    SituationTheme,
    Supplier,
    values,
)


def situations(n: int, seed: int = 2022) -> list[dict]:
    rng = random.Random(seed)

    def maybe(options):
        return rng.choice([None, *values(options)])

    result = []
    for _ in range(n):
        data = {
            "phase": maybe(Phase), "role": maybe(Role), "measured_by": maybe(MeasuredBy),
            "supplier": maybe(Supplier), "province": maybe(Province), "procedure": maybe(Procedure),
            "contracting_authority": maybe(Authority), "contract_type": maybe(ContractType),
            "budget_opdrachtgever": maybe(Budget),
            "themes": rng.sample(values(SituationTheme), rng.randint(0, 2)),
            "goals": rng.sample(values(Goal), rng.randint(0, 3)),
            "levels": rng.sample(values(Level), rng.randint(0, 2)),
            "contract_value_eur": rng.choice([None, 40_000, 180_000, 900_000, 7_000_000]),
            "banenafspraak": rng.choice([None, True, False]),
            "municipality": rng.choice([None, "Rotterdam", "Utrecht"]),
            "reference_date": rng.choice([None, "2025-03-01", "2026-09-01"]),
        }
        result.append({k: v for k, v in data.items() if v not in (None, [])})
    return result


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=1000)[int(q * 1000) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    advisor = Advisor(load(), cache_size=0)  # measure the engine, not the advice cache
    data = situations(args.n)
    for item in data[:200]:  # warm up
        advisor.advise(Situation.model_validate(item))
    validate_ms, advise_ms, json_ms, compact_ms = [], [], [], []
    clock = time.perf_counter
    for item in data:
        t0 = clock()
        situation = Situation.model_validate(item)
        t1 = clock()
        advice = advisor.advise(situation)
        t2 = clock()
        advice.model_dump_json()
        t3 = clock()
        advisor.compact_json(situation)   # the compact view is built on its own, not from `advice`
        t4 = clock()
        validate_ms.append((t1 - t0) * 1000)
        advise_ms.append((t2 - t1) * 1000)
        json_ms.append((t3 - t1) * 1000)
        compact_ms.append((t4 - t3) * 1000)
    v50, v99 = percentile(validate_ms, 0.5), percentile(validate_ms, 0.99)
    a50, a99 = percentile(advise_ms, 0.5), percentile(advise_ms, 0.99)
    print(f"situations: {args.n}, network rules: {len(advisor.compiled.definitions)}")
    print(f"validate only  p50 {v50:.3f} ms  p99 {v99:.3f} ms")
    print(f"advise         p50 {a50:.3f} ms  p99 {a99:.3f} ms")
    print(f"ratio advise/validate  p50 {a50 / v50:.1f}x  p99 {a99 / v99:.1f}x")
    j50, c50 = percentile(json_ms, 0.5), percentile(compact_ms, 0.5)
    j99, c99 = percentile(json_ms, 0.99), percentile(compact_ms, 0.99)
    print(f"advise + JSON  p50 {j50:.3f} ms, p99 {j99:.3f} ms (full view; target p50 <= 0.35 ms: "
          f"{'met' if j50 <= 0.35 else 'MISSED'}); p50 {c50:.3f} ms, p99 {c99:.3f} ms (compact view; target "
          f"p50 <= 0.12 ms: {'met' if c50 <= 0.12 else 'MISSED'})")
    print(f"p99/p50: full {j99 / j50:.1f}, compact {c99 / c50:.1f} (target <= 3: "
          f"{'met' if max(j99 / j50, c99 / c50) <= 3 else 'MISSED'})")
    rss_before = rss_kib()
    for item in data:  # a second pass: state per advice must not pile up in the network
        advisor.advise(Situation.model_validate(item))
    rss_after = rss_kib()
    growth = (rss_after - rss_before) / rss_before
    print(f"memory: RSS {rss_before / 1024:.1f} MiB after pass 1 (warm-up), {rss_after / 1024:.1f} MiB after "
          f"{2 * args.n} advices: {growth:+.1%} (target <= 10%: {'met' if growth <= 0.10 else 'MISSED'})")
    print(f"targets: p50 <= 1 ms {'met' if a50 <= 1 else 'MISSED'}, p99 <= 3 ms {'met' if a99 <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
