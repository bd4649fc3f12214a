"""'Aan de slag': the concrete next steps for a recommended instrument in the user's phase.

Which steps there are, per phase, and which caveats sit beside each, is data
(knowledge/next_steps.yaml); the text of each step comes from the instrument's practical rows
(`practice`, from the appendix) with their pages. Where the report limits a use in the tender
to some procedures, the instrument's `tender_uses_allowed_when` decides for this situation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, get_args

from ..kb import conditions as cnd
from ..kb.models import Instrument, Practice, PracticeRow, Row, Situation, Source, StepSpec
from ..kb.vocab import Goal
from .advice import Caveat, NextStep

if TYPE_CHECKING:
    from ..kb.kbtypes import KB

GOALS = set(get_args(Goal))

def _practice_row(practice: Practice, row: Row) -> PracticeRow:
    """The practice row a dotted `row` names (`deliverables.inschrijvers` -> practice.deliverables.inschrijvers)."""
    found: Any = practice
    for part in row.split("."):
        found = getattr(found, part)
    return found


class StepMaker:
    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self.specs: tuple[StepSpec, ...] = kb.next_steps
        self.words = kb.questionnaire.labels.values
        # parsed once per KB, not per advice (the conditions were checked when the KB loaded)
        self.allowed_when = {i.id: cnd.parse(i.tender_uses_allowed_when) for i in kb.instruments
                             if i.tender_uses_allowed_when is not None}

    def steps(self, instrument: Instrument, situation: Situation, derived: dict[str, Any],
              caveats: tuple[Caveat, ...]) -> tuple[NextStep, ...]:
        made = []
        for spec in self.specs:
            if situation.phase is not None and situation.phase not in spec.phases:
                continue
            text, page = self._text(spec, instrument, situation, derived)
            beside = tuple(c for c in caveats if c.rule in spec.caveats)
            made.append(NextStep(step=spec.id, title=spec.title, text=text, source=Source(page=page),
                                 caveats=beside))
        return tuple(made)

    def _text(self, spec: StepSpec, instrument: Instrument, situation: Situation, derived: dict[str, Any]
              ) -> tuple[str, int]:
        if spec.tender_uses:
            return self._tender_uses(instrument, situation, derived), instrument.page_of("tender_uses")
        if spec.row is None:   # checking: a step has either 'row' or 'tender_uses: true'
            raise ValueError(f"step '{spec.id}' names no practice row")
        row = _practice_row(instrument.practice, spec.row)
        text = row.text or row.note
        if text is None:   # PracticeRow: 'text', or 'text: null' with a 'note'
            raise ValueError(f"step '{spec.id}': the practice row '{spec.row}' says nothing")
        if spec.effort:
            side = getattr(instrument.effort, spec.effort)
            cost = getattr(instrument.cost, spec.effort)
            paid = (f", volgens de bijlage betaald door {instrument.cost.paid_by}"
                    if spec.effort == "opdrachtgever" and instrument.cost.paid_by else "")
            text += (f" Inspanning ({spec.effort}): capaciteit {side.capacity}, expertise {side.expertise}; "
                     f"kosten volgens Tabel 1: {self.words.get(cost, cost)}{paid} (p. {instrument.page_of('effort')}, "
                     f"p. {instrument.page_of('cost')}).")
        return text, row.page

    def _tender_uses(self, instrument: Instrument, situation: Situation, derived: dict[str, Any]) -> str:
        if not instrument.tender_uses:
            return f"Het rapport beschrijft voor {instrument.name} geen gebruik als eis, criterium of voorwaarde."
        allowed: Optional[bool] = True
        cond = self.allowed_when.get(instrument.id)
        if cond is not None:
            allowed = cnd.evaluate(cond, lambda f: derived.get(f.removeprefix("derived."))
                                   if f.startswith("derived.") else getattr(situation, f, None))
        free = [u for u in instrument.tender_uses if u not in instrument.tender_uses_limited]
        limited = list(instrument.tender_uses_limited)
        usable = free + (limited if allowed else [])
        # a use that is itself a goal (a reserved contract) is named only when the user did not state
        # other goals: in a situation that is not reserved it is no use of the instrument
        usable = [u for u in usable if not situation.goals or u not in GOALS or u in situation.goals]
        text = (f"Volgens het rapport kan {instrument.name} hier dienen als: "
                f"{', '.join(self.words.get(u, u) for u in usable)}." if usable else
                f"In uw situatie noemt het rapport voor {instrument.name} geen gebruik in de aanbesteding.")
        if limited and allowed is not True:
            names = " of ".join(self.words.get(u, u) for u in limited)
            text += (f" Niet als {names}: " if allowed is False else f" Als {names} alleen onder voorwaarden: ")
            text += instrument.tender_uses_note or ""   # Instrument: given with tender_uses_limited
        return text
