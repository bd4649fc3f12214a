"""Whether an advice meets a scenario's expectations: every expectation it misses, in words a maintainer
reads (`advisor test`, `advisor check`, `advisor diff` and the pytest items)."""

from __future__ import annotations

from collections.abc import Iterable

from ..engine.advice import Advice
from ..kb.scenarios import Expect


def _has(texts: Iterable[str], word: str) -> bool:
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
