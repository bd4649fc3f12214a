"""The Advisor: one compiled ruleset, a situation in, a ranked and explained advice out."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Optional

import durable_rules_engine as _native
from durable.engine import Host

from .compiling import DERIVED, CompiledRuleset, Effect, compile_rules, situation_fact, unfireable
from .errors import KnowledgeBaseError
from .explaining import Explainer
from .knowledge import KnowledgeBase, load
from .models import Advice, Situation

_names = itertools.count()
DEFAULT_CACHE_SIZE = 4096  # advices kept per Advisor for repeated situations


def _noop(c) -> None:  # pragma: no cover - actions are drained by Advisor._drain
    pass


class _Host(Host):
    """A durable_rules host without its background timer threads.

    We use no timers, and those threads would call into the ruleset while a request
    thread posts to it; durable_rules is not thread-safe, so nothing may run beside us.
    """

    def _run(self) -> None:
        pass


class Advisor:
    def __init__(self, kb: KnowledgeBase, cache_size: int = DEFAULT_CACHE_SIZE):
        self.kb = kb
        # An advice depends only on the KB (fixed per Advisor), the situation and the date, and
        # is immutable: repeated situations (permalinks, re-rendered forms) are served from an
        # LRU cache. cache_size=0 turns it off (the engine benchmark measures without it).
        self._cached = lru_cache(maxsize=cache_size)(self._advise) if cache_size else self._advise
        self._cached_json = lru_cache(maxsize=cache_size)(self._advise_json) if cache_size else self._advise_json
        self.compiled: CompiledRuleset = compile_rules(kb)
        self.explainer = Explainer(kb)
        problems = unfireable(kb, self.compiled)
        if problems:
            raise KnowledgeBaseError(problems)
        # durable_rules never frees a ruleset: one name per Advisor, built once per KB version.
        self._ruleset = f"advisor_{kb.version}_{next(_names)}"
        self._lock = threading.Lock()
        self._sids = itertools.count()
        # The actions never run through durable_rules' own dispatcher: `_drain` below takes the
        # queued actions straight from the C engine, which keeps an advice to a fraction of a
        # millisecond and lets errors surface instead of being swallowed.
        definitions = {name: dict(body, run=_noop) for name, body in self.compiled.definitions.items()}
        self._host = _Host()
        self._host.register_rulesets({self._ruleset: definitions})
        self._handle = self._host.get_ruleset(self._ruleset)._handle

    @classmethod
    def from_root(cls, root: Optional[Path] = None) -> "Advisor":
        return cls(load(root))

    def _drain(self, sid: str, state_handle: int) -> list[tuple[Effect, Optional[dict]]]:
        """Run every queued action of one state; derive rules assert facts, which may queue more."""
        fired: list[tuple[Effect, Optional[dict]]] = []
        seen: set[str] = set()
        handle = self._handle
        result = _native.start_action_for_state(handle, state_handle)
        if not result:
            return fired
        message = result[1]
        try:
            while message:
                # The message is {"<rule name>": {...}}; rule names are slugs, so the first key
                # can be read without parsing the whole JSON.
                name = message[2:message.index('"', 2)]
                effect = self.compiled.effects[name]
                # durable_rules splits an `$or` into several network paths, so one rule can fire
                # once per true branch; an advice counts each rule once.
                if name not in seen:
                    seen.add(name)
                    if effect.rule.kind == "derive":
                        fact = {"t": DERIVED, "name": effect.derived_fact or effect.rule.derive.fact,
                                "value": effect.derived_value}
                        fired.append((effect, fact))
                        _native.assert_fact(handle, json.dumps(dict(fact, sid=sid)))
                    else:
                        fired.append((effect, None))
                message = _native.complete_and_start_action(handle, state_handle)
        except BaseException:
            _native.abandon_action(handle, state_handle)
            raise
        return fired

    def fire(self, situation: Situation, reference_date: dt.date) -> list[tuple[Effect, Optional[dict]]]:
        """Run the network once; return the firings in order. State is deleted afterwards."""
        values = situation.model_dump()
        values["reference_date"] = reference_date
        fact = situation_fact(values)
        with self._lock:
            sid = str(next(self._sids))
            fact["sid"] = sid
            try:
                code, state_handle = _native.assert_fact(self._handle, json.dumps(fact))[:2]
                if code in (1, 2):  # nothing matched, or the fact was seen before
                    return []
                return self._drain(sid, 0 if code == 3 else state_handle)
            finally:
                try:
                    _native.delete_state(self._handle, sid)
                except Exception:  # noqa: BLE001 - no state exists when nothing matched
                    pass

    def advise(self, situation: Situation) -> Advice:
        return self._cached(situation, situation.reference_date or dt.date.today())

    def advise_json(self, situation: Situation) -> str:
        """The advice serialised as JSON; cached like `advise`, since serialising costs as much as advising."""
        return self._cached_json(situation, situation.reference_date or dt.date.today())

    def _advise_json(self, situation: Situation, reference_date: dt.date) -> str:
        return self._cached(situation, reference_date).model_dump_json()

    def _advise(self, situation: Situation, reference_date: dt.date) -> Advice:
        return self.explainer.build(situation, reference_date, self.fire(situation, reference_date))
