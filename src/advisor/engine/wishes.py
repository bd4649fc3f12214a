"""Fit per stated need: the user's answers in Dutch, how an instrument meets each stated goal,
and the unmet wishes of a recommended instrument as caveats.

The verdicts come from data: the `fit` rules (rules/wishes.yaml) for answers, and for goals the
`serves` rules with the goal matrix (knowledge/goal_matrix.yaml) saying why an instrument does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..kb.fields import FREE_TEXT_FIELDS, MONEY_FIELDS
from ..kb.formatting import humanize, money
from ..kb.models import Source
from ..kb.rule_models import FitRule
from .advice import Caveat, Fit, Reason

if TYPE_CHECKING:
    from ..kb.goal_matrix import GoalEntry
    from ..kb.kbtypes import KB

SHORTFALL = {"deels": "deels vervuld", "voldoet_niet": "niet vervuld"}


class AnswerWords:
    """How the questionnaire names each field and option ('fase: uitvoeringsfase'), and what the
    goal matrix says of each goal."""

    def __init__(self, kb: KB) -> None:
        questions = kb.questionnaire.questions
        self.order = {q.field: n for n, q in enumerate(questions)}
        self.questions = {q.field: (q.short or q.label) for q in questions}
        # the option label up to its explanation ("Outcome: effect voor mensen ..." -> "Outcome")
        self.options = {q.field: {o.value: o.label.split(": ")[0] for o in q.options} for q in questions}
        self.pages = {q.field: q.source.page for q in questions if q.source}
        self.matrix: dict[str, GoalEntry] = {e.goal: e for e in kb.goal_matrix}

    def question(self, field: str) -> str:
        return self.questions.get(field, humanize(field))

    def answer(self, field: str, value: Any) -> str:
        if isinstance(value, bool):
            return "ja" if value else "nee"
        if field in MONEY_FIELDS:
            return money(value)
        if isinstance(value, (tuple, list)):
            return ", ".join(self.answer(field, v) for v in value)
        if field in FREE_TEXT_FIELDS:
            return str(value)
        return self.options.get(field, {}).get(value, humanize(str(value)))

    def fit_of_rule(self, rule: FitRule, chosen: Any, text: str, source: Source) -> Fit:
        """How an instrument meets the answer `chosen` (the rule's own value for a list field)."""
        return Fit(answer=rule.answer, value=rule.value, question=self.question(rule.answer),
                   answer_text=self.answer(rule.answer, chosen), verdict=rule.verdict, reason=text,
                   rule=rule.id, source=source)

    def goal_fit(self, goal: str, instrument_id: str, name: str, serving: list[Reason]) -> Fit:
        """Served: the reason of the rule that serves the goal. Not served: what the matrix says, or
        that the report does not name the instrument for this goal."""
        common = {"answer": "goals", "value": goal, "question": self.question("goals"),
                  "answer_text": self.answer("goals", goal)}
        if serving:
            reason = serving[0]
            return Fit(**common, verdict="voldoet", reason=reason.text, rule=reason.rule, source=reason.source)
        entry = self.matrix.get(goal)
        said = next((m for m in entry.unsuitable + entry.not_followed if m.instrument == instrument_id), None) \
            if entry else None
        if said is not None:
            return Fit(**common, verdict="voldoet_niet", reason=said.note, rule=None, source=Source(page=said.pages[0]))
        return Fit(**common, verdict="voldoet_niet", rule=None, source=Source(page=self.pages.get("goals", 15)),
                   reason=f"Het rapport noemt {name} niet bij dit doel.")


def shortfall_caveats(fits: tuple[Fit, ...], reviews: dict[str, str]) -> list[Caveat]:
    """Every unmet or partly met wish of a recommended instrument, as a caveat with its page (and the
    review state of the fit rule; a goal judged from the goal matrix has none)."""
    return [Caveat(rule=f.rule, legal_reference=(), source=f.source,
                   review=reviews.get(f.rule) if f.rule is not None else None,
                   text=f"Uw wens '{f.question}: {f.answer_text}' is {SHORTFALL[f.verdict]}: {f.reason}")
            for f in fits if f.verdict in SHORTFALL and f.source is not None]
