"""Worked scenarios: a situation and what the advice must say, kept in the KB (knowledge/scenarios/).

They are read and validated with the rest of the KB (`advisor check` reports a misspelt key, an
unknown instrument or rule, an empty `expect` or a situation that does not validate, each at its
path:line), shown to legal reviewers on /regels, run as tests, and compared by `advisor diff`.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, model_validator

from .advice import Advice
from .models import PageSource, Strict
from .vocab import Goal

Words = tuple[str, ...]


class Expect(Strict):
    """What the advice must say. Every key is a check; instrument and rule ids are validated."""
    first: Optional[str] = None                     # the top recommendation
    top: tuple[str, ...] = ()                       # all of these in the first len(top)
    not_top: tuple[str, ...] = ()                   # none of these in the first 3
    recommended: tuple[str, ...] = ()
    not_recommended: tuple[str, ...] = ()
    recommendations: Optional[int] = Field(default=None, ge=0)   # how many are recommended
    excluded: dict[str, str] = Field(default_factory=dict)        # instrument -> word in its exclusion
    why_not: dict[str, str] = Field(default_factory=dict)         # instrument -> word in its why-not
    caveats: dict[str, Words] = Field(default_factory=dict)       # instrument -> words in its caveats
    mentions: dict[str, Words] = Field(default_factory=dict)      # instrument -> words said of it anywhere
    absent: dict[str, Words] = Field(default_factory=dict)        # instrument -> words never said of it
    steps: dict[str, Words] = Field(default_factory=dict)         # instrument -> words in its 'Aan de slag'
    absent_steps: dict[str, Words] = Field(default_factory=dict)  # instrument -> words no step of it says
    nearest: dict[Goal, tuple[str, ...]] = Field(default_factory=dict)   # unmet goal -> exactly these nearest
    general_caveats: Words = ()
    absent_general: Words = ()
    derived: dict[str, Any] = Field(default_factory=dict)         # fact -> value
    fires: tuple[str, ...] = ()                                   # rule ids that must fire
    not_fires: tuple[str, ...] = ()
    unmet_goals: Optional[tuple[Goal, ...]] = None                 # exactly these goals unmet, in order

    @model_validator(mode="after")
    def _checks_something(self) -> "Expect":
        if not self.model_fields_set:
            raise ValueError("'expect' is empty: a scenario must check something")
        # an empty list or mapping checks nothing (`unmet_goals: []` does: no goal may stay unmet)
        empty = [key for key in sorted(self.model_fields_set - {"unmet_goals", "recommendations"})
                 if getattr(self, key) in ((), {})]
        if empty:
            raise ValueError(f"'{empty[0]}' is empty and checks nothing: name what it must check, or drop it")
        return self

    def instrument_ids(self) -> list[tuple[tuple, str]]:
        found: list[tuple[tuple, str]] = [(("first",), self.first)] if self.first else []
        for key in ("top", "not_top", "recommended", "not_recommended"):
            found += [((key, i), v) for i, v in enumerate(getattr(self, key))]
        for key in ("excluded", "why_not", "caveats", "mentions", "absent", "steps", "absent_steps"):
            found += [((key, v), v) for v in getattr(self, key)]
        found += [(("nearest", goal, i), v) for goal, ids in self.nearest.items() for i, v in enumerate(ids)]
        return found


class Scenario(Strict):
    name: str = Field(min_length=1)
    source: PageSource
    situation: dict[str, Any] = Field(default_factory=dict)
    expect: Expect


def _has(texts, word: str) -> bool:
    return any(word.lower() in text.lower() for text in texts)


def texts_per_instrument(advice: Advice) -> dict[str, list[str]]:
    """Everything the advice says of each instrument: reasons, caveats and why-not."""
    texts: dict[str, list[str]] = {}
    for r in advice.recommendations:
        texts[r.instrument] = [x.text for x in r.reasons] + [c.text for c in r.caveats]
    for n in advice.not_recommended:
        texts[n.instrument] = [w.text for w in n.why_not] + [c.text for c in n.caveats]
    return texts


def failures(advice: Advice, expect: Expect) -> list[str]:
    """Every expectation the advice does not meet (empty when the scenario passes)."""
    ranked = [r.instrument for r in advice.recommendations]
    others = {n.instrument: n for n in advice.not_recommended}
    caveats = {r.instrument: [c.text for c in r.caveats] for r in advice.recommendations}
    caveats.update({n.instrument: [c.text for c in n.caveats] for n in advice.not_recommended})
    texts = texts_per_instrument(advice)
    fired = {f.rule for f in advice.trace}
    derived = {d.name: d.value for d in advice.derived}
    out = []
    if expect.first and ranked[:1] != [expect.first]:
        out.append(f"first: expected {expect.first}, ranking is {ranked[:5]}")
    missing = [i for i in expect.top if i not in ranked[:len(expect.top)]]
    if missing:
        out.append(f"top: {missing} not in the first {len(expect.top)}: {ranked[:5]}")
    out += [f"not_top: {i} leads: {ranked[:3]}" for i in expect.not_top if i in ranked[:3]]
    out += [f"recommended: {i} is not recommended: {ranked}" for i in expect.recommended if i not in ranked]
    out += [f"not_recommended: {i} is recommended at {ranked.index(i) + 1}"
            for i in expect.not_recommended if i in ranked]
    if expect.recommendations is not None and len(ranked) != expect.recommendations:
        out.append(f"recommendations: {len(ranked)} instead of {expect.recommendations}")
    for instrument, word in expect.excluded.items():
        item = others.get(instrument)
        if item is None or not item.excluded or not _has([w.text for w in item.why_not], word):
            out.append(f"excluded: {instrument} should be excluded with '{word}'")
    for instrument, word in expect.why_not.items():
        item = others.get(instrument)
        if item is None or not _has([w.text for w in item.why_not], word):
            out.append(f"why_not: {instrument} should be not recommended with '{word}'")
    out += [f"caveats: no caveat of {i} mentions '{w}'" for i, words in expect.caveats.items() for w in words
            if not _has(caveats.get(i, []), str(w))]
    for key, wanted in (("mentions", True), ("absent", False)):
        out += [f"{key}: what is said of {i} {'lacks' if wanted else 'has'} '{w}'"
                for i, words in getattr(expect, key).items() for w in words if _has(texts[i], str(w)) != wanted]
    steps = {r.instrument: [f"{s.title} {s.text}" for s in r.next_steps] + [c.text for s in r.next_steps for c in s.caveats]
             for r in advice.recommendations}
    for key, wanted in (("steps", True), ("absent_steps", False)):
        out += [f"{key}: the steps of {i} {'lack' if wanted else 'say'} '{w}'"
                for i, words in getattr(expect, key).items() for w in words
                if (i in steps and _has(steps[i], str(w))) != wanted]
    nearest = {u.goal: u.nearest for u in advice.unmet_goals}
    out += [f"nearest: for '{g}' the advice names {list(nearest.get(g, ()))}, expected {list(ids)}"
            for g, ids in expect.nearest.items() if nearest.get(g) != ids]
    general = [c.text for c in advice.general_caveats]
    out += [f"general_caveats: none mentions '{w}'" for w in expect.general_caveats if not _has(general, str(w))]
    out += [f"absent_general: a general caveat mentions '{w}'" for w in expect.absent_general if _has(general, str(w))]
    out += [f"derived: {f} is {derived.get(f)!r}, expected {v!r}" for f, v in expect.derived.items()
            if derived.get(f) != v]
    out += [f"fires: rule {r} did not fire" for r in expect.fires if r not in fired]
    out += [f"not_fires: rule {r} fired" for r in expect.not_fires if r in fired]
    unmet = tuple(u.goal for u in advice.unmet_goals)
    if expect.unmet_goals is not None and unmet != expect.unmet_goals:
        out.append(f"unmet_goals: {list(unmet)} instead of {list(expect.unmet_goals)}")
    listed = ranked + [n.instrument for n in advice.not_recommended]
    if len(set(listed)) != len(listed):
        out.append("every instrument must be either recommended or explained in not_recommended, once")
    return out
