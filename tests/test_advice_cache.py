"""Issue 22: the advice cache is bounded by bytes, not entries."""

from __future__ import annotations

import datetime as dt
import threading

from advisor.engine.advice_cache import OBJECT_FACTOR, ByteCache, text_cost
from advisor.engine.advising import Advisor
from advisor.kb.models import Situation

RICH = Situation(phase="aanbesteding", role="inkoper", themes=("arbeidsparticipatie",),
                 goals=("inschrijvers_vergelijken", "sr_monitoren"), procedure="europees",
                 contract_value_eur=450000, contracting_authority="decentraal", contract_type="diensten")


def test_entries_are_charged_bytes_and_the_oldest_go_past_the_budget():
    cache = ByteCache(budget=100, entries=1000)
    for key in range(10):
        cache.get(key, lambda key=key: key, lambda value: 30)
    assert len(cache) == 3 and cache.used == 90
    assert cache.get(9, lambda: "new", lambda value: 30) == 9      # a hit: not rebuilt
    assert cache.get(0, lambda: "again", lambda value: 30) == "again"   # evicted long ago
    assert cache.get("big", lambda: "huge", lambda value: 1000) == "huge" and "big" not in cache._items


def test_an_entry_cap_and_zero_turn_it_off_or_bound_it():
    cache = ByteCache(budget=10_000, entries=2)
    for key in range(5):
        cache.get(key, lambda key=key: key, lambda value: 1)
    assert len(cache) == 2
    built = []
    off = ByteCache(budget=0)
    off.get("k", lambda: built.append(1), lambda value: 1)
    off.get("k", lambda: built.append(1), lambda value: 1)
    assert len(built) == 2 and not off.enabled


def test_the_advisor_keeps_advices_within_its_memory_budget(advisor):
    json_text = advisor.advise_json(RICH)
    per_entry = text_cost(json_text) + OBJECT_FACTOR * len(json_text)
    small = Advisor(advisor.kb, cache_mb=per_entry * 3.5 / (1024 * 1024))
    days = [dt.date(2026, m, d) for m in range(1, 4) for d in range(1, 4)]
    for day in days:   # nine distinct situations, each as costly as RICH
        small.advise_json(RICH.model_copy(update={"reference_date": day}))
    # about three fit (texts vary a little with the date); never all nine, never over the budget
    assert 2 <= len(small.cache) <= 4 and small.cache.budget / 2 < small.cache.used <= small.cache.budget
    again = RICH.model_copy(update={"reference_date": days[-1]})
    assert small.advise(again) is small.advise(again)   # a hit gives the same object


def test_the_cache_is_safe_from_several_threads(advisor):
    cached = Advisor(advisor.kb, cache_mb=1)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for n in range(30):
                cached.advise_json(RICH.model_copy(update={"contract_value_eur": float((n + offset) % 12)}))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and cached.cache.used <= cached.cache.budget
    assert cached.cache.used == sum(charged for _, charged in cached.cache._items.values())
