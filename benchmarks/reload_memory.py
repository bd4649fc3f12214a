"""Memory over KB reloads: build and drop an Advisor N times (as `advisor serve --watch` does on
every good edit) and print the RSS before, after warm-up and at the end.

    python3 benchmarks/reload_memory.py [--reloads 100]

The growth after warm-up is the number to watch: durable_rules keeps a ruleset until it is
deleted, so Advisors share rulesets of identical content (advisor.engine.advising._Engine) and a reload
of an unchanged KB adds none. `--edit` changes one rule's points before every reload, as a
maintainer does, to show what an edit costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
from pathlib import Path

from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
from advisor.kb.models import Situation


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=100)
    parser.add_argument("--edit", action="store_true", help="change one rule before every reload")
    args = parser.parse_args()
    kb = load(Path(__file__).resolve().parents[1])
    base = kb.rule("sr-monitoren")
    situation = Situation(phase="uitvoering", goals=("sr_monitoren",), banenafspraak=True)
    start = rss_mib()
    for n in range(args.reloads):
        if args.edit:
            edited = base.model_copy(update={"points": base.points + n + 1})
            kb = dataclasses.replace(kb, rules=tuple(edited if r.id == base.id else r for r in kb.rules))
        advisor = Advisor(kb, cache_size=0)
        advisor.advise(situation)
        del advisor
        gc.collect()
        if n == 9:
            warm = rss_mib()
    end = rss_mib()
    print(f"RSS: start {start:.1f} MiB, after 10 reloads {warm:.1f} MiB, after {args.reloads} reloads {end:.1f} MiB")
    print(f"growth after warm-up: {end - warm:+.1f} MiB ({(end - warm) / warm:+.1%})")


if __name__ == "__main__":
    main()
