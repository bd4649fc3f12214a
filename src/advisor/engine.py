"""The Advisor: one compiled ruleset, a situation in, a ranked and explained advice out."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from pathlib import Path
from typing import Iterable, Optional

from durable.engine import Host, MessageNotHandledException

from .compiling import DERIVED, CompiledRuleset, Effect, compile_rules, situation_fact, unfireable
from .errors import KnowledgeBaseError
from .explaining import build_advice
from .knowledge import KnowledgeBase, load
from .models import Advice, Situation

_names = itertools.count()


class _Host(Host):
    """A durable_rules host without its background timer threads.

    We use no timers, and those threads would call into the ruleset while a request
    thread posts to it; durable_rules is not thread-safe, so nothing may run beside us.
    """

    def _run(self) -> None:
        pass


class Advisor:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.compiled: CompiledRuleset = compile_rules(kb)
        problems = unfireable(kb, self.compiled)
        if problems:
            raise KnowledgeBaseError(problems)
        # durable_rules never frees a ruleset: one name per Advisor, built once per KB version.
        self._ruleset = f"advisor_{kb.version}_{next(_names)}"
        self._lock = threading.Lock()
        self._fired: list[tuple[Effect, Optional[dict]]] = []
        self._seen: set[str] = set()
        self._sids = itertools.count()
        definitions = {name: dict(body, run=self._action(self.compiled.effects[name]))
                       for name, body in self.compiled.definitions.items()}
        self._host = _Host()
        self._host.register_rulesets({self._ruleset: definitions})

    @classmethod
    def from_root(cls, root: Optional[Path] = None) -> "Advisor":
        return cls(load(root))

    def _action(self, effect: Effect):
        # Actions only record the firing (exceptions in actions are swallowed by durable_rules);
        # derive rules also assert their fact, which is how chaining happens.
        if effect.rule.kind == "derive":
            fact = {"t": DERIVED, "name": effect.rule.derive.fact, "value": effect.derived_value}

            def derive(c) -> None:
                if effect.name not in self._seen:
                    self._seen.add(effect.name)
                    self._fired.append((effect, fact))
                    c.assert_fact(dict(fact))
            return derive

        # durable_rules splits an `$or` into several network paths, so one rule can fire once per
        # true branch; an advice counts each rule once.
        def record(c) -> None:
            if effect.name not in self._seen:
                self._seen.add(effect.name)
                self._fired.append((effect, None))
        return record

    def fire(self, situation: Situation, reference_date: dt.date) -> list[tuple[Effect, Optional[dict]]]:
        """Run the network once; return the firings in order. State is deleted afterwards."""
        values = situation.model_dump()
        values["reference_date"] = reference_date
        fact = situation_fact(values)
        with self._lock:
            sid = str(next(self._sids))
            fact["sid"] = sid
            self._fired = []
            self._seen: set[str] = set()
            try:
                self._host.assert_fact(self._ruleset, fact)
            except MessageNotHandledException:
                pass
            finally:
                try:
                    self._host.delete_state(self._ruleset, sid)
                except Exception:  # noqa: BLE001 - no state exists when nothing matched
                    pass
            return self._fired

    def advise(self, situation: Situation) -> Advice:
        reference_date = situation.reference_date or dt.date.today()
        return build_advice(self.kb, situation, reference_date, self.fire(situation, reference_date))

    def advise_many(self, situations: Iterable[Situation]) -> list[Advice]:
        return [self.advise(s) for s in situations]
