"""'Advies in het kort': the short answer that comes first in every view (docs/architecture.md, "An advice is read,
not parsed"): the 1-3 instruments with how well each fits and what to do now, the one legal caveat that
matters most, the goals nothing serves, the estimated value as understood, and how much of the advice a
legal advisor reviewed. Built from the advice alone (and the review state of its rules), so the rules
decide and this only chooses what to say first.
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from ..kb.formatting import money
from ..kb.reviews import UNREVIEWED
from .advice import Advice, Caveat, NextStep, Recommendation, ReviewCount, Summary, SummaryItem

SHOWN = 3              # instruments in the short advice
# a sentence ends at '.', '!' or '?' before a capital (or the end), or at ';': not inside 'art. 2.82' or 'bijv. een'
FIRST_SENTENCE = re.compile(r"^(.+?(?:[.!?](?=\s+[A-ZÀ-Ý\"'(]|\s*$)|;(?=\s|$)))")
PARENS = re.compile(r"\([^()]*\)")
NOTHING_TO_DO = re.compile(r"(?:Niet van toepassing|De bijlage zegt niet|De bijlage zegt niets|Het rapport beschrijft "
                           r"voor .+ geen|Er is geen vast format)", re.IGNORECASE)


def fit_words(rec: Recommendation) -> str:
    """How well an instrument fits, in words instead of a score: how many of the stated wishes it meets."""
    if not rec.fit:
        return "past bij uw antwoorden"
    met = sum(f.verdict == "voldoet" for f in rec.fit)
    partly = sum(f.verdict == "deels" for f in rec.fit)
    said = "al uw wensen" if met == len(rec.fit) else f"{met} van uw {len(rec.fit)} wensen"
    return f"past bij {said}" + (f"; bij {partly} deels" if partly else "")


def action_step(rec: Recommendation) -> Optional[NextStep]:
    """The step the short advice tells the reader to take now: the first of 'Aan de slag' that asks something
    of them ('Niet van toepassing' or 'De bijlage zegt niet ...' is no action: for a monitoring system in
    preparation the action is the condition in the tender)."""
    if not rec.next_steps:
        return None
    return next((s for s in rec.next_steps if not NOTHING_TO_DO.match(s.text.strip())), rec.next_steps[0])


def action(rec: Recommendation) -> Optional[str]:
    """What to do now: the action step's question and the first sentence of its answer."""
    step = action_step(rec)
    if step is None:
        return None
    return f"{step.title} {first_sentence(step.text)}"


@functools.lru_cache(maxsize=4096)
def first_sentence(text: str) -> str:
    """The first sentence of a step's text, not cut inside parentheses ('(p. 55, p. 13)', 'bijv.'). Step texts
    come from the KB, so they are few: each is cut once, not once per advice."""
    text = text.strip()
    found = FIRST_SENTENCE.match(PARENS.sub(lambda m: "\x00" * len(m.group(0)), text))
    first = text[:found.end(1)] if found else text
    return first.rstrip(';').rstrip() + ('.' if first.endswith(';') else '')


def is_shortfall(caveat: Caveat, rec: Recommendation) -> bool:
    """A caveat that only repeats an unmet wish of the instrument (shown with its fit instead)."""
    return any(f.verdict != "voldoet" and f.rule == caveat.rule and caveat.text.endswith(f.reason) for f in rec.fit)


ROUTE = re.compile(r"\b(vergelijkt u|bijvoorbeeld|kies een van beide|kunt u)\b", re.IGNORECASE)


def main_warning(advice: Advice) -> tuple[Optional[Caveat], tuple[str, ...]]:
    """The one legal caveat that matters most: the one citing the law beside what the short advice tells the
    reader to do now (the first instrument's action step: comparing bidders, the caveat on the award
    criterion, not the one on a later condition), else the first one citing the law on the first instrument,
    else the first general one citing the law, else the first general one; with the instruments it is about."""
    first = advice.recommendations[0] if advice.recommendations else None
    if first is not None:
        step = action_step(first)
        beside = {c.rule for c in step.caveats} if step is not None else set()
        for caveat in first.caveats:
            if caveat.rule in beside and caveat.source.articles and not is_shortfall(caveat, first):
                return caveat, (first.instrument,)
        for caveat in first.caveats:
            if caveat.source.articles and not is_shortfall(caveat, first):
                return caveat, (first.instrument,)
    if first is None and advice.unmet_goals:
        # nothing serves the goal: the caveat that names the route which does (comparing bidders: an award
        # criterion) matters more than the threshold; such a caveat is about the goal, so it names its label
        for caveat in advice.general_caveats:
            if caveat.source.articles and ROUTE.search(caveat.text):
                return caveat, ()
    for caveat in advice.general_caveats:
        if caveat.source.articles:
            return caveat, ()
    return (advice.general_caveats[0], ()) if advice.general_caveats else (None, ())


def review_count(advice: Advice, reviews: dict[str, str]) -> ReviewCount:
    """'n van de m regels in dit advies zijn juridisch beoordeeld': the rules that fired for this advice
    (a rule changed since its review counts as not reviewed)."""
    rules = list(dict.fromkeys(f.rule for f in advice.trace))
    reviewed = sum(reviews.get(r, UNREVIEWED).startswith("beoordeeld door") for r in rules)
    noun = "regel" if len(rules) == 1 else "regels"
    verb = "is" if reviewed == 1 and len(rules) == 1 else "zijn"
    return ReviewCount(reviewed=reviewed, rules=len(rules),
                       text=f"{reviewed} van de {len(rules)} {noun} in dit advies {verb} juridisch beoordeeld")


def summarize(advice: Advice, reviews: dict[str, str]) -> Summary:
    warning, about = main_warning(advice)
    value = advice.situation.contract_value_eur
    return Summary(
        instruments=tuple(SummaryItem(instrument=r.instrument, name=r.name, rank=r.rank, fit=fit_words(r),
                                      action=action(r)) for r in advice.recommendations[:SHOWN]),
        warning=warning, warning_instruments=about, unmet_goals=advice.unmet_goals,
        contract_value=money(value) if value is not None else None, review=review_count(advice, reviews))
