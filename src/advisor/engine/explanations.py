"""Explanations compiled with the KB: every rule's text per instrument, its page, articles and review state.

A rule's text is split once into literal parts and placeholders; the placeholders about the instrument
(`{instrument}`, `{instrument.cost.opdrachtgever}`) are filled once per instrument the rule can land on.
What is left depends on the situation (`{phase}`, `{derived.eu_drempel}`): at advice time those slots are
joined with the literal parts by a formatter chosen when the KB was compiled, with no regular
expression. An explanation whose text needs no answer is a finished, shared object from the start;
one that needs answers from a closed vocabulary is made once per combination of those answers and
kept; one that shows a free value (a municipality, an amount) is joined anew.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Optional, Union

from ..kb.checking import PLACEHOLDER
from ..kb.fields import FREE_TEXT_FIELDS, MONEY_FIELDS, SITUATION_FIELDS
from ..kb.formatting import humanize, legal_reference, money
from ..kb.kinds import KINDS
from ..kb.models import Instrument, Situation, Source
from ..kb.reviews import state as review_state
from ..kb.rule_models import CaveatRule, DeriveRule, FitRule, InstrumentRule, Rule, ScoreRule
from .advice import Caveat, Fit, Reason, WhyNot
from .compiling import CompiledRuleset
from .wishes import AnswerWords

if TYPE_CHECKING:
    from ..kb.kbtypes import KB

Explanation = Union[Reason, WhyNot, Fit, Caveat]
Formatter = Callable[[Situation, dict[str, Any]], str]
MEMO_LIMIT = 100_000    # combinations of list answers (levels, themes) kept; beyond it they are joined anew


def _words(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(humanize(str(v)) for v in value)
    return humanize(str(value))


def _instrument_value(name: str, instrument: Optional[Instrument]) -> str:
    if instrument is None:
        return ""
    if name == "instrument":
        return instrument.name
    value = instrument.attribute(name.removeprefix("instrument."))
    return _words(value).title() if name.endswith(".provinces") else _words(value)


def formatter(name: str) -> Formatter:
    """How one situation placeholder is written, decided once per placeholder name."""
    if name.startswith("derived."):
        fact = name.removeprefix("derived.")
        return lambda situation, derived: money(derived.get(fact, "?"))
    if name == "province":   # noord-holland -> Noord-Holland
        return lambda situation, derived: str(situation.province).title()
    if name in MONEY_FIELDS:
        return lambda situation, derived: money(getattr(situation, name))
    if name in FREE_TEXT_FIELDS:
        return lambda situation, derived: str(getattr(situation, name))
    return lambda situation, derived: _words(getattr(situation, name, None))


@dataclass(frozen=True, slots=True)
class Template:
    """A text with its instrument placeholders filled: literal parts, and between them the situation
    placeholders (`slots`) still to fill. parts has one element more than slots."""
    parts: tuple[str, ...]
    slots: tuple[str, ...]
    fill: tuple[Formatter, ...]

    def text(self, situation: Situation, derived: dict[str, Any]) -> str:
        if not self.slots:
            return self.parts[0]
        out = [self.parts[0]]
        for fill, part in zip(self.fill, self.parts[1:]):
            out.append(fill(situation, derived))
            out.append(part)
        return "".join(out)


def template(text: str, instrument: Optional[Instrument]) -> Template:
    pieces = PLACEHOLDER.split(text)   # literal, name, literal, name, ..., literal
    parts, slots = [pieces[0]], []
    for name, literal in zip(pieces[1::2], pieces[2::2]):
        if name == "instrument" or name.startswith("instrument."):
            parts[-1] += _instrument_value(name, instrument) + literal
        else:
            slots.append(name)
            parts.append(literal)
    return Template(tuple(parts), tuple(slots), tuple(formatter(n) for n in slots))


UNBOUNDED = (*FREE_TEXT_FIELDS, *sorted(MONEY_FIELDS), "derived.")   # free values: never kept


@dataclass(frozen=True, slots=True)
class Entry:
    """One rule on one instrument: its template and source, and its explanations: the one explanation when
    it varies with no answer (`made`), else one per combination of the answers in `keys` (`variants`).
    When those answers come from a few closed choices the variants are kept: all made with the KB when
    the KB is small enough (PREFILL), else each on first use."""
    rule: Rule
    template: Template
    source: Source
    keys: tuple[str, ...]              # the answers the explanation varies with
    free: bool = False                 # one of them is a free value (an amount, a municipality): never kept
    choices: Optional[tuple[tuple, ...]] = None   # every value of each key, when few and closed
    made: Optional[Explanation] = None
    variants: dict[tuple, Explanation] = field(default_factory=dict)


def answers(name: str) -> Optional[tuple]:
    """Every value a situation field can hold, when it is one of a few (a choice or yes/no; None:
    unanswered), else None: a list of choices has too many combinations to keep them all."""
    spec = SITUATION_FIELDS.get(name)
    if spec is None or spec.free_text or spec.money:
        return None
    if spec.shape == "scalar" and spec.allowed:
        return (*spec.allowed, None)
    if spec.shape == "bool":
        return (True, False, None)
    return None


VARIANTS = 64        # at most this many combinations per rule and instrument are kept
PREFILL = 50_000     # explanations made with the KB at most; a larger KB makes the rest on first use


class ExplanationTable:
    """Every explanation a KB can give, compiled with it (see the module docstring)."""

    def __init__(self, kb: KB, compiled: CompiledRuleset, words: AnswerWords):
        self.words = words
        self.reviews = {r.id: review_state(r) for r in kb.rules}
        self.legal = {r.id: legal_reference(kb, r.source) for r in kb.rules}
        self.builders: dict[str, Callable[[Entry, str, Any], Explanation]] = {
            "reason": self._reason, "why_not": self._why_not, "fit": self._fit, "caveat": self._caveat}
        self.entries: dict[tuple[str, Optional[str]], Entry] = {}
        self.memo: dict[tuple, Explanation] = {}   # combinations of list answers (levels, themes), up to a limit
        instruments = {i.id: i for i in kb.instruments}
        for effect in compiled.effects.values():
            rule = effect.rule
            if isinstance(rule, CaveatRule) and rule.general:
                self._add(rule, None, rule.text)
            elif isinstance(rule, DeriveRule):
                if effect.derived_label is None:
                    self._add(rule, None, rule.derive.label)
            elif isinstance(rule, InstrumentRule):
                for instrument_id in effect.instruments:
                    self._add(rule, instruments[instrument_id], rule.text)
        kept = [e for e in self.entries.values() if e.choices is not None]
        if sum(math.prod(len(c) for c in e.choices or ()) for e in kept) <= PREFILL:
            for entry in kept:
                for values in itertools.product(*entry.choices or ()):
                    self._variant(entry, values, SimpleNamespace(**dict(zip(entry.keys, values))), {})

    def _add(self, rule: Rule, instrument: Optional[Instrument], text: str) -> None:
        key = (rule.id, instrument.id if instrument else None)
        if key in self.entries:
            return
        made = template(text, instrument)
        source = rule.source
        if instrument is not None and source.instrument_field:
            source = Source(page=instrument.page_of(source.instrument_field), articles=source.articles)
        keys = tuple(dict.fromkeys(made.slots))
        if isinstance(rule, FitRule) and rule.value is None and rule.answer not in keys:
            keys += (rule.answer,)   # the answer is shown beside the verdict (a rule on one value shows that value)
        choices = [answers(k) for k in keys]
        closed = tuple(c for c in choices if c is not None) if keys and all(choices) else None
        if closed is not None and math.prod(len(c) for c in closed) > VARIANTS:
            closed = None
        entry = Entry(rule, made, source, keys, any(k.startswith(UNBOUNDED) for k in keys), closed)
        if not keys and not isinstance(rule, DeriveRule):
            entry = Entry(rule, made, source, keys, made=self._make(entry, made.parts[0]))
        self.entries[key] = entry

    def _make(self, entry: Entry, text: str, situation: Any = None) -> Explanation:
        explains = KINDS[entry.rule.kind].explains
        if explains is None:   # _add makes entries of derive rules for their labels only
            raise ValueError(f"rule '{entry.rule.id}' ({entry.rule.kind}) is not explained per instrument")
        return self.builders[explains](entry, text, situation)

    def _reason(self, entry: Entry, text: str, situation: Any) -> Reason:
        rule = entry.rule
        if not isinstance(rule, ScoreRule):
            raise TypeError(f"a reason needs points: rule '{rule.id}' is a {rule.kind} rule")
        return Reason(rule=rule.id, text=text, points=rule.points, source=entry.source, review=self.reviews[rule.id])

    def _why_not(self, entry: Entry, text: str, situation: Any) -> WhyNot:
        return WhyNot(rule=entry.rule.id, text=text, source=entry.source)

    def _fit(self, entry: Entry, text: str, situation: Any) -> Fit:
        rule = entry.rule
        if not isinstance(rule, FitRule):
            raise TypeError(f"a fit needs an answer and a verdict: rule '{rule.id}' is a {rule.kind} rule")
        # the answer shown: the rule's own value, else the situation's (then a key of the entry)
        chosen = rule.value if rule.value is not None else getattr(situation, rule.answer)
        return self.words.fit_of_rule(rule, chosen, text, entry.source)

    def _caveat(self, entry: Entry, text: str, situation: Any) -> Caveat:
        rule = entry.rule
        return Caveat(rule=rule.id, text=text, source=entry.source, review=self.reviews[rule.id],
                      legal_reference=self.legal[rule.id])

    def _variant(self, entry: Entry, values: tuple, situation: Any, derived: dict[str, Any]) -> Explanation:
        made = entry.variants.get(values)
        if made is None:
            made = entry.variants[values] = self._make(entry, entry.template.text(situation, derived), situation)
        return made

    def explain(self, rule: InstrumentRule | CaveatRule, instrument_id: Optional[str], situation: Situation,
                derived: dict[str, Any]) -> Explanation:
        """The explanation of `rule` on an instrument (None: a general caveat) in this situation."""
        entry = self.entries[(rule.id, instrument_id)]
        if entry.made is not None:
            return entry.made
        if entry.free:
            return self._make(entry, entry.template.text(situation, derived), situation)
        values = tuple(getattr(situation, k) for k in entry.keys)
        if entry.choices is not None:
            return self._variant(entry, values, situation, derived)
        key = (rule.id, instrument_id, *values)
        made = self.memo.get(key)
        if made is None:
            made = self._make(entry, entry.template.text(situation, derived), situation)
            if len(self.memo) < MEMO_LIMIT:
                self.memo[key] = made
        return made

    def label(self, rule: DeriveRule, situation: Situation, derived: dict[str, Any]) -> str:
        """The label of a fact a derive rule states, its placeholders filled."""
        return self.entries[(rule.id, None)].template.text(situation, derived)
