"""What one cached advice holds in memory, per byte of its JSON: the measurement behind
advice_cache.OBJECT_FACTOR.

    python3 benchmarks/advice_memory.py [--n 400]

Builds the advices of varied situations (engine_bench's) and of the systematic grid once to warm the
KB's explanation tables, then measures with tracemalloc what keeping n more advices costs, and divides
by their JSON length. Explanations are shared objects of the KB (explanations.py), so an advice holds
mostly its own lists and the models around them.
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc

from engine_bench import situations

from advisor.engine.advice_cache import OBJECT_FACTOR
from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
from advisor.kb.models import Situation
from advisor.maintain.impact import grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    advisor = Advisor(load(None), cache_size=0)
    sets = {"varied": [Situation.model_validate(x) for x in situations(args.n)], "grid": grid(advisor.kb)[:args.n]}
    for name, cases in sets.items():
        for situation in cases:
            advisor.advise(situation)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept = [advisor.advise(situation) for situation in cases]
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        text = sum(len(advice.model_dump_json()) for advice in kept)
        print(f"{name:>6}: {held / text:.2f} bytes of objects per byte of JSON, {text / len(kept) / 1024:.1f} KiB "
              f"of JSON per advice (charged: {OBJECT_FACTOR})")


if __name__ == "__main__":
    main()
