"""Running the YAML scenarios of tests/scenarios/ (collected by conftest.py)."""

from __future__ import annotations

from pathlib import Path

from advisor.loading import read_yaml
from advisor.advice import Advice
from advisor.situations import parse_situation

FOLDER = Path(__file__).parent / "scenarios"
EXPECT_KEYS = {"first", "top", "not_top", "excluded", "why_not", "caveats", "general_caveats", "derived", "fires",
               "recommendations", "not_fires", "recommended", "not_recommended", "mentions", "absent",
               "unmet_goals", "absent_general"}


def cases():
    """(file, line, case) for every scenario."""
    for path in sorted(FOLDER.glob("*.yaml")):
        doc = read_yaml(path)
        for index, case in enumerate(doc.data or []):
            yield doc.file, doc.line((index,)), case


def _has(texts, word: str) -> bool:
    return any(word.lower() in text.lower() for text in texts)


def _texts_per_instrument(advice: Advice) -> dict[str, list[str]]:
    """Everything the advice says of each instrument: reasons, caveats and why-not."""
    texts: dict[str, list[str]] = {}
    for r in advice.recommendations:
        texts[r.instrument] = [x.text for x in r.reasons] + [c.text for c in r.caveats]
    for n in advice.not_recommended:
        texts[n.instrument] = [w.text for w in n.why_not] + [c.text for c in n.caveats]
    return texts


def check(advisor, case: dict) -> tuple[Advice, list[str]]:
    """Run one scenario; return the advice and every failed expectation (empty when it passes)."""
    assert case.get("source", {}).get("page"), "every scenario cites a report page"
    expect = case.get("expect", {})
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"unknown expectation keys: {sorted(unknown)}"
    advice = advisor.advise(parse_situation(case.get("situation") or {}))
    ranked = [r.instrument for r in advice.recommendations]
    others = {n.instrument: n for n in advice.not_recommended}
    caveats = {r.instrument: [c.text for c in r.caveats] for r in advice.recommendations}
    caveats.update({n.instrument: [c.text for c in n.caveats] for n in advice.not_recommended})
    failures = []
    if "first" in expect and ranked[:1] != [expect["first"]]:
        failures.append(f"first: expected {expect['first']}, ranking is {ranked[:5]}")
    if "top" in expect:
        top = ranked[:len(expect["top"])]
        missing = [i for i in expect["top"] if i not in top]
        if missing:
            failures.append(f"top: {missing} not in the first {len(expect['top'])}: {ranked[:5]}")
    for instrument in expect.get("not_top", []):
        if instrument in ranked[:3]:
            failures.append(f"not_top: {instrument} leads: {ranked[:3]}")
    for instrument, word in (expect.get("excluded") or {}).items():
        item = others.get(instrument)
        if item is None or not item.excluded or not _has([w.text for w in item.why_not], word):
            failures.append(f"excluded: {instrument} should be excluded with '{word}'")
    for instrument, word in (expect.get("why_not") or {}).items():
        item = others.get(instrument)
        if item is None or not _has([w.text for w in item.why_not], word):
            failures.append(f"why_not: {instrument} should be not recommended with '{word}'")
    for instrument, words in (expect.get("caveats") or {}).items():
        for word in words:
            if not _has(caveats.get(instrument, []), str(word)):
                failures.append(f"caveats: no caveat of {instrument} mentions '{word}'")
    for word in expect.get("general_caveats", []):
        if not _has([c.text for c in advice.general_caveats], str(word)):
            failures.append(f"general_caveats: none mentions '{word}'")
    derived = {d.name: d.value for d in advice.derived}
    for fact, value in (expect.get("derived") or {}).items():
        if derived.get(fact) != value:
            failures.append(f"derived: {fact} is {derived.get(fact)!r}, expected {value!r}")
    fired = {f.rule for f in advice.trace}
    for rule in expect.get("fires", []):
        if rule not in fired:
            failures.append(f"fires: rule {rule} did not fire")
    for rule in expect.get("not_fires", []):
        if rule in fired:
            failures.append(f"not_fires: rule {rule} fired")
    for instrument in expect.get("recommended", []):
        if instrument not in ranked:
            failures.append(f"recommended: {instrument} is not recommended: {ranked}")
    for instrument in expect.get("not_recommended", []):
        if instrument in ranked:
            failures.append(f"not_recommended: {instrument} is recommended at {ranked.index(instrument) + 1}")
    texts = _texts_per_instrument(advice)
    for key, wanted in (("mentions", True), ("absent", False)):
        for instrument, words in (expect.get(key) or {}).items():
            failures += [f"{key}: what is said of {instrument} {'lacks' if wanted else 'has'} '{word}'"
                         for word in words if _has(texts[instrument], str(word)) != wanted]
    for word in expect.get("absent_general", []):
        if _has([c.text for c in advice.general_caveats], str(word)):
            failures.append(f"absent_general: a general caveat mentions '{word}'")
    if "unmet_goals" in expect and [u.goal for u in advice.unmet_goals] != expect["unmet_goals"]:
        failures.append(f"unmet_goals: {[u.goal for u in advice.unmet_goals]} instead of {expect['unmet_goals']}")
    if "recommendations" in expect and len(ranked) != expect["recommendations"]:
        failures.append(f"recommendations: {len(ranked)} instead of {expect['recommendations']}")
    if len(ranked) + len(others) != len(advisor.kb.instruments):
        failures.append("every instrument must be either recommended or explained in not_recommended")
    return advice, failures
