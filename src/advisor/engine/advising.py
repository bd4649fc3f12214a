"""The Advisor: one compiled ruleset, a situation in, a ranked and explained advice out."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import itertools
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import durable_rules_engine as _native
from durable.engine import Host

from ..kb.errors import KnowledgeBaseError
from ..kb.knowledge import KnowledgeBase, load
from ..kb.models import Situation
from ..kb.rule_models import DeriveRule
from .advice import Advice
from .advice_cache import DEFAULT_CACHE_MB, ByteCache, object_cost, text_cost
from .compiling import DERIVED, SITUATION, CompiledRuleset, Effect, compile_rules, situation_fact, unfireable
from .defaults import ADVICE_CACHE
from .explaining import Explainer

if TYPE_CHECKING:
    from .compact import CompactAdvice

DEFAULT_CACHE_SIZE = ADVICE_CACHE  # advices kept at most per Advisor; for rich advices the memory budget binds first
# A fact that matches no rule of a ruleset still leaves state behind in durable_rules' C engine:
# kept, it fills the state cache (MemoryError); deleted, it corrupts the heap (segfault). These
# two rules, in every ruleset, make every assert match; their actions are drained and ignored.
SENTINELS = {"_any_situation": {"all": [{"m": {"t": SITUATION}}]}, "_any_fact": {"all": [{"m": {"t": DERIVED}}]}}
CHUNK = 24                 # network rules per ruleset: keeps one fact's matches inside the C engine's buffers
CUT = 4                    # a chunk may end after a rule whose id hashes to 0 modulo CUT (stable boundaries)
# What assert_fact answers first (durable_rules' rules.h; its own Python does the same in Ruleset._handle_result):
RULES_OK = 0               # matched: the second value is the handle of the state with queued actions
NOT_HANDLED = 1            # ERR_EVENT_NOT_HANDLED: no rule matched (durable raises MessageNotHandledException)
OBSERVED = 2               # ERR_EVENT_OBSERVED: the same fact was asserted before (MessageObservedException)
DEFERRED = 3               # ERR_EVENT_DEFERRED: matched, its actions queued on state handle 0


def rule_name(message: str) -> str:
    """The name of the rule whose action the C engine queued: the one key of its JSON message
    `{"<rule name>": {<bindings>}}`. Only the key is decoded (json's own string scanner, escapes
    included), not the bindings: an advice drains dozens of these, and the bindings hold the whole
    situation each time."""
    end = message.find('"', 2)
    # the names compile_rules gives need no escapes: the key ends at the next quote
    if message.startswith('{"') and end > 2 and "\\" not in message[2:end] and message.startswith('":', end):
        return message[2:end]
    try:
        if message.startswith('{"'):
            name, end = json.decoder.scanstring(message, 2)  # type: ignore[attr-defined]  # in json.decoder, not in typeshed
            if message[end:end + 8].lstrip().startswith(":"):
                return name
    except ValueError:   # an unterminated or badly escaped key
        pass
    raise ValueError(f"unexpected action message from durable_rules: {message[:80]!r}")


def _noop(c: object) -> None:  # pragma: no cover - actions are drained by Advisor._drain
    pass


class _Host(Host):
    """A durable_rules host without its background timer threads.

    We use no timers, and those threads would call into the ruleset while a request
    thread posts to it; durable_rules is not thread-safe, so nothing may run beside us.
    """

    def _run(self) -> None:
        pass


class _Engine:
    """The one durable_rules host of the process, and its rulesets by content.

    durable_rules never frees a ruleset unless asked, and asking (delete_ruleset) after use
    corrupted the heap in stress runs. So rulesets are shared: a chunk of network rules with the
    same content is registered once and reused by every Advisor, across reloads. An unchanged KB
    costs nothing on reload; an edit adds only the chunks it changed. durable_rules is not
    thread-safe, so all engine work runs under one lock, with sids unique across Advisors.
    """

    def __init__(self) -> None:
        self.host = _Host()
        self.lock = threading.Lock()
        self.sids = itertools.count()
        self.rulesets: dict[str, tuple[str, int]] = {}   # digest -> (name, handle)

    def ruleset(self, definitions: dict[str, dict]) -> tuple[str, int]:
        body = json.dumps(definitions, sort_keys=True)
        digest = hashlib.sha256(body.encode()).hexdigest()[:20]
        with self.lock:
            if digest not in self.rulesets:
                name = f"advisor_{digest}"
                rules = {n: dict(d, run=_noop) for n, d in definitions.items()}
                rules.update({n: dict(d, run=_noop) for n, d in SENTINELS.items()})
                self.host.register_rulesets({name: rules})
                self.rulesets[digest] = (name, self.host.get_ruleset(name)._handle)
            return self.rulesets[digest]


ENGINE = _Engine()


def chunks(compiled: CompiledRuleset) -> list[list[str]]:
    """Network rule names in rulesets of at most CHUNK, derive rules in the first.

    Boundaries fall after rules chosen by a hash of their id, so an edit to one rule changes
    only its own chunk and the other rulesets are reused (see _Engine).
    """
    by_rule: dict[str, list[str]] = {}
    for name, effect in compiled.effects.items():
        by_rule.setdefault(effect.rule.id, []).append(name)
    derive = [n for rule_id, names in by_rule.items() for n in names
              if compiled.effects[names[0]].rule.kind == "derive"]
    # The derive rules share the first ruleset with other rules: in fuzzing, a ruleset of derive
    # rules alone corrupted the heap after a few advices (benchmarks/engine_fuzz.py).
    groups: list[list[str]] = []
    current = list(derive)
    for rule_id, names in by_rule.items():
        if compiled.effects[names[0]].rule.kind == "derive":
            continue
        if current and len(current) + len(names) > CHUNK + len(derive) * (not groups):
            groups.append(current)
            current = []
        current += names
        cut = int(hashlib.sha256(rule_id.encode()).hexdigest(), 16) % CUT == 0
        if cut and len(current) >= CHUNK // 2:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


class Advisor:
    def __init__(self, kb: KnowledgeBase, cache_size: int = DEFAULT_CACHE_SIZE, cache_mb: float = DEFAULT_CACHE_MB):
        self.kb = kb
        # Repeated situations (permalinks, re-rendered forms) are served from a cache bounded by bytes
        # (advice_cache.ByteCache): cache_mb of memory, and at most cache_size entries. Either 0 turns
        # it off (the engine benchmark measures without it).
        self.cache = ByteCache(int(cache_mb * 1024 * 1024), cache_size)
        self.compiled: CompiledRuleset = compile_rules(kb)
        self.explainer = Explainer(kb, self.compiled)
        problems = unfireable(kb, self.compiled)
        if problems:
            raise KnowledgeBaseError(problems)
        # Its C engine walks a fact through the alpha network on a stack of 64 nodes: one wide
        # network overflows it for a rich situation (error 303). So the rules run in rulesets of
        # at most CHUNK network rules, the derive rules in the first, and every later ruleset is
        # given the situation and the derived facts.
        # The actions never run through durable_rules' own dispatcher: `_drain` below takes the
        # queued actions straight from the C engine, which keeps an advice to a fraction of a
        # millisecond and lets errors surface instead of being swallowed.
        self._host = ENGINE.host
        self._handles = []
        self.ruleset_names: list[str] = []
        for number, names in enumerate(chunks(self.compiled)):
            name, handle = ENGINE.ruleset({n: self.compiled.definitions[n] for n in names})
            self.ruleset_names.append(name)
            self._handles.append((handle, number == 0 or not self.compiled.uses_derived.isdisjoint(names)))
        # Every full collection of CPython's garbage collector walks every live object; the compiled KB and
        # its explanation tables (10^5 objects for a KB of 1,000 instruments) live as long as this Advisor,
        # and walking them made an advice's p99 ten times its p50 (benchmarks/scale_bench.py). So they are
        # moved out of the collector's sight. Reference counting still frees them with the Advisor, which
        # holds no reference cycles (tests/test_explanations.py). Garbage is collected first: a reload in a
        # running server must not freeze the cycles its requests left behind.
        gc.collect()
        gc.freeze()

    @classmethod
    def from_root(cls, root: Optional[Path] = None) -> "Advisor":
        """An Advisor on the KB in `root`, a folder holding `knowledge/` and `rules/` (None: the shipped KB,
        or `$ADVISOR_KB`). Raises advisor.kb.errors.KnowledgeBaseError listing every problem as
        `file:line: message` when the KB is invalid. Build it once and keep it (see `default`)."""
        return cls(load(root))

    @classmethod
    def default(cls, cache_size: int = DEFAULT_CACHE_SIZE, cache_mb: float = DEFAULT_CACHE_MB) -> "Advisor":
        """An Advisor on the shipped KB (or `$ADVISOR_KB`): the entry point for embedders.

        Loading and compiling the KB takes a moment and registers rulesets with durable_rules that
        are never freed, so build one and keep it; `advise` is thread-safe and caches repeated
        situations. Raises KnowledgeBaseError (every problem at once) when the KB is invalid.
        """
        return cls(load(None), cache_size=cache_size, cache_mb=cache_mb)

    def _drain(self, handle: int, sid: str, state_handle: int, derived: list[str]) -> list[tuple[Effect, Optional[dict]]]:
        """Run every queued action of one state; derive rules assert facts (added to `derived` as the JSON
        the engine was given), which may queue more."""
        fired: list[tuple[Effect, Optional[dict]]] = []
        seen: set[str] = set()
        result = _native.start_action_for_state(handle, state_handle)
        if not result:
            return fired
        message = result[1]
        try:
            while message:
                name = rule_name(message)
                if name in SENTINELS:
                    message = _native.complete_and_start_action(handle, state_handle)
                    continue
                effect = self.compiled.effects[name]
                # durable_rules splits an `$or` into several network paths, so one rule can fire
                # once per true branch; an advice counts each rule once.
                if name not in seen:
                    seen.add(name)
                    if isinstance(effect.rule, DeriveRule):
                        fact = {"t": DERIVED, "name": effect.derived_fact or effect.rule.derive.fact,
                                "value": effect.derived_value}
                        fired.append((effect, fact))
                        body = json.dumps(dict(fact, sid=sid))
                        derived.append(body)
                        _native.assert_fact(handle, body)
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
        fired: list[tuple[Effect, Optional[dict]]] = []
        derived: list[str] = []
        with ENGINE.lock:
            sid = str(next(ENGINE.sids))
            body = json.dumps(dict(fact, sid=sid))   # once: every ruleset is given the same text
            for handle, takes_derived in self._handles:
                state_handle = None
                try:
                    # the derive ruleset comes first, so `derived` is complete for the others
                    for one in [body] + (derived if takes_derived else []):
                        code, at = _native.assert_fact(handle, one)[:2]
                        if code not in (NOT_HANDLED, OBSERVED):
                            state_handle = 0 if code == DEFERRED else at
                    if state_handle is not None:
                        fired += self._drain(handle, sid, state_handle, derived)
                finally:
                    try:
                        _native.delete_state(handle, sid)
                    except Exception:   # no state exists when nothing matched
                        pass
        return fired

    def advise(self, situation: Situation) -> Advice:
        """The ranked and explained advice for a situation (on its `reference_date`, else today).

        Thread-safe; repeated situations come from a cache. Read a situation from JSON data or text with
        `advisor.read_situation` (the API's rules) or build a `Situation` directly."""
        if not self.cache.enabled:
            return self._advise(situation, situation.reference_date or dt.date.today())
        return self._full(situation)[0]

    def advise_json(self, situation: Situation) -> str:
        """The advice serialised as JSON (the body of POST /api/v1/advice); cached with the advice, since
        serialising costs as much as advising."""
        return self._full(situation)[1]

    def _full(self, situation: Situation) -> tuple[Advice, str]:
        """The advice and its JSON, cached together: the JSON's length is what the entry is charged by."""
        day = situation.reference_date or dt.date.today()

        def build() -> tuple[Advice, str]:
            advice = self._advise(situation, day)
            return advice, advice.model_dump_json()

        return self.cache.get(("full", situation, day), build,
                              lambda made: text_cost(made[1]) + object_cost(len(made[1])))

    def compact(self, situation: Situation) -> "CompactAdvice":
        """The compact view of the advice (views.CompactAdvice: ranking, reasons and caveats, without trace,
        fit, next steps and why-not), built without what it leaves out."""
        from .compact import CompactAdvice
        return CompactAdvice.model_validate(self._compact_cached(situation))

    def compact_json(self, situation: Situation) -> str:
        """The compact view as JSON (the body of POST /api/v1/advice/compact); empty `articles` and missing
        pages are left out."""
        from .compact import dump_compact
        return dump_compact(self._compact_cached(situation))

    def _compact_cached(self, situation: Situation) -> dict:
        day = situation.reference_date or dt.date.today()
        return self.cache.get(("compact", situation, day), lambda: self._compact(situation, day),
                              lambda made: object_cost(len(json.dumps(made, default=str))))

    def _compact(self, situation: Situation, reference_date: dt.date) -> dict:
        from .compact import compact
        fired = self.fire(situation, reference_date)
        return compact(self.explainer.build(situation, reference_date, fired, full=False))

    def _advise(self, situation: Situation, reference_date: dt.date) -> Advice:
        from .summary import summarize
        advice = self.explainer.build(situation, reference_date, self.fire(situation, reference_date))
        return advice.model_copy(update={"summary": summarize(advice, self.explainer.reviews)})
