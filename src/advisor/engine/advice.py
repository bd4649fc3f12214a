"""The advice: what the engine answers for one situation (reasons, caveats, fit, why-not, trace)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from ..kb.models import Situation, Source, Strict
from ..kb.rule_models import RuleKind
from ..kb.vocab import Goal, Verdict


class Reason(Strict):
    rule: str
    text: str
    points: int
    source: Source
    review: Optional[str] = None   # the rule's review state, in Dutch (reviews.state)


class Caveat(Strict):
    rule: Optional[str]     # None: an unmet goal, judged from the goal matrix rather than one rule
    text: str
    legal_reference: tuple[str, ...]
    source: Source
    review: Optional[str] = None   # the rule's review state, in Dutch (reviews.state)


class WhyNot(Strict):
    rule: Optional[str]
    text: str
    source: Optional[Source]


class Fit(Strict):
    """How an instrument meets one answer of the user."""
    answer: str                    # situation field
    value: Optional[str] = None    # the chosen value, for a list field
    question: str                  # the field in Dutch ("fase")
    answer_text: str               # the answer in Dutch ("uitvoeringsfase")
    verdict: Verdict
    reason: str
    rule: Optional[str]
    source: Source


class NextStep(Strict):
    """One step of 'Aan de slag': what to do with the instrument, with its page and the caveats beside it."""
    step: str
    title: str
    text: str
    source: Source
    caveats: tuple[Caveat, ...] = ()


class Recommendation(Strict):
    instrument: str
    name: str
    rank: int
    score: int
    serves: tuple[Goal, ...] = ()   # the stated goals it serves
    reasons: tuple[Reason, ...]
    caveats: tuple[Caveat, ...]
    fit: tuple[Fit, ...] = ()
    next_steps: tuple[NextStep, ...] = ()   # for the top 3, in the user's phase


class NotRecommended(Strict):
    instrument: str
    name: str
    score: int
    excluded: bool
    serves: tuple[Goal, ...] = ()
    why_not: tuple[WhyNot, ...]
    caveats: tuple[Caveat, ...] = ()
    fit: tuple[Fit, ...] = ()


class UnmetGoal(Strict):
    """A stated goal that no recommended instrument serves, with the nearest alternatives."""
    goal: Goal
    text: str
    nearest: tuple[str, ...]   # instrument ids, best first; each is explained in not_recommended


class DerivedFact(Strict):
    name: str
    value: Any
    label: str
    rule: str


class Firing(Strict):
    order: int
    rule: str
    kind: RuleKind
    instruments: tuple[str, ...]


class SummaryItem(Strict):
    """One recommended instrument in 'Advies in het kort': how well it fits, in words, and what to do now."""
    instrument: str
    name: str
    rank: int
    fit: str                        # "past bij 4 van uw 5 wensen"
    action: Optional[str] = None    # the first step of 'Aan de slag', in the user's phase


class ReviewCount(Strict):
    """How many of the rules behind this advice a legal advisor approved (and still approves)."""
    reviewed: int
    rules: int
    text: str                       # "2 van de 31 regels in dit advies zijn juridisch beoordeeld"


class Summary(Strict):
    """'Advies in het kort': what a reader needs first. The same in every view; the details stay below."""
    instruments: tuple[SummaryItem, ...]         # the 1-3 instruments to use
    warning: Optional[Caveat] = None             # the one legal caveat that matters most here
    warning_instruments: tuple[str, ...] = ()    # the instruments it is about (none: it holds for all)
    unmet_goals: tuple[UnmetGoal, ...] = ()      # stated goals that nothing serves
    contract_value: Optional[str] = None         # the estimated value as understood ("€ 450.000")
    review: ReviewCount


class Advice(Strict):
    kb_version: str
    situation: Situation
    reference_date: dt.date
    derived: tuple[DerivedFact, ...]
    recommendations: tuple[Recommendation, ...]
    unmet_goals: tuple[UnmetGoal, ...] = ()
    general_caveats: tuple[Caveat, ...]
    not_recommended: tuple[NotRecommended, ...]
    trace: tuple[Firing, ...]
    tie_break: str
    summary: Optional[Summary] = None   # 'Advies in het kort' (full view; None in the compact one)
