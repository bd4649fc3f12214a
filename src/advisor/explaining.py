"""From rule firings to an Advice: scores, ranking, reasons, caveats, why-not and trace."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from . import conditions as cnd
from .checking import PLACEHOLDER, parse_rule
from .fields import FREE_TEXT_FIELDS, MONEY_FIELDS
from .compiling import Effect
from .formatting import humanize, legal_reference, money
from .advice import (
    Advice, Caveat, DerivedFact, Firing, Fit, NotRecommended, Reason, Recommendation, UnmetGoal, WhyNot,
)
from .models import Instrument, Situation, Source
from .reviews import state as review_state
from .rule_models import CaveatRule, DeriveRule, FitRule, InstrumentRule, ScoreRule
from .steps import StepMaker
from .wishes import AnswerWords, shortfall_caveats

TIE_BREAK = ("Volgorde: eerst per opgegeven doel het best passende instrument, dan de andere naar score; wat "
             "de opdrachtgever geld kost terwijl u geen budget heeft, komt na wat gratis is. Gelijke scores: "
             "eerst het instrument met meer redenen vóór, daarna de volgorde van Tabel 1 in het rapport.")
NO_MATCH = ("Geen van uw antwoorden wijst op dit instrument: het past niet bij de gekozen doelen, "
            "thema's of meetniveaus.")
NO_GOAL = ("Dient geen van de doelen die u noemt ({goals}); een instrument wordt dan niet aanbevolen op "
           "thema, rol of fase alleen.")
OFF_TOPIC = ("Daarom telt het niet als instrument voor uw doelen, ook al scoort het er verder op; "
             "het blijft een alternatief als niets anders past.")
UNMET = ("Voor uw doel '{goal}' noemt het rapport in deze situatie geen instrument dat u kunt aanbevelen.")
UNMET_NEAREST = " Het dichtst in de buurt komen: {names} (zie 'Waarom niet?')."
TOO_WEAK = "Past te zwak om aan te bevelen: {score} punten, terwijl een aanbeveling er ten minste {least} vraagt."
NEAREST = 3
# Too low a score to recommend (DESIGN 3a): a single small plus (a free instrument, one matching level)
# is not a recommendation. Absolute, not relative to the best: a second goal that only a weaker
# instrument serves must still get it.
MIN_SCORE = 10
TOP = 3      # the recommendations that get 'Aan de slag' steps


def _words(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(humanize(str(v)) for v in value)
    return humanize(str(value))


def _fill(text: str, instrument: Optional[Instrument], situation: Situation, derived: dict[str, Any]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name == "instrument":
            return instrument.name if instrument else ""
        if name.startswith("instrument."):
            if instrument is None:
                return ""
            value = instrument.attribute(name.removeprefix("instrument."))
            return _words(value).title() if name.endswith(".provinces") else _words(value)
        if name.startswith("derived."):
            return money(derived.get(name.removeprefix("derived."), "?"))
        value = getattr(situation, name, None)
        if isinstance(value, tuple):
            return ", ".join(humanize(v) for v in value)
        if name == "province":
            return str(value).title()  # noord-holland -> Noord-Holland
        if name in MONEY_FIELDS:
            return money(value)
        return str(value) if name in FREE_TEXT_FIELDS else humanize(str(value))
    return PLACEHOLDER.sub(one, text)


UNBOUNDED = (*FREE_TEXT_FIELDS, *sorted(MONEY_FIELDS), "derived.")  # free values: never memoised
MEMO_LIMIT = 100_000


class Explainer:
    """Builds advices for one KB.

    Explanations only vary with the instrument and a few closed-vocabulary answers, so each
    one is built once and shared (the models are frozen); the models of the advice itself are
    assembled by pydantic-core, which is faster here than `model_construct`. Both keep
    an advice well under a millisecond.
    """

    def __init__(self, kb):
        self.kb = kb
        self.order = {i.id: n for n, i in enumerate(kb.instruments)}
        self.names = {i.id: i.name for i in kb.instruments}
        self.words = AnswerWords(kb)
        self.serving_rules = {r.id: r.serves for r in kb.rules if isinstance(r, ScoreRule) and r.serves}
        # rules whose condition is about the user's goals: their points against explain why an instrument
        # does not serve a goal; others (an unknown region, a cost) come after the line that says so
        self.goal_rules = {r.id for r in kb.rules
                           if any(leaf.field == "goals" for leaf in cnd.walk(parse_rule(r)[0] or cnd.All(())))}
        self.steps = StepMaker(kb)
        self.reviews = {r.id: review_state(r) for r in kb.rules}
        self._placeholders: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._memo: dict[tuple, Any] = {}

    def _explanation(self, effect: Effect, instrument_id: str, situation: Situation, derived: dict[str, Any]):
        rule = effect.rule
        if not isinstance(rule, InstrumentRule):   # only rules about instruments are explained per instrument
            raise TypeError(f"rule '{rule.id}' ({rule.kind}) has no effect on instruments")
        meta = self._placeholders.get(rule.id)
        if meta is None:
            names = tuple(n for n in dict.fromkeys(PLACEHOLDER.findall(rule.text))
                          if n != "instrument" and not n.startswith("instrument."))
            if isinstance(rule, FitRule) and rule.answer not in names:
                names += (rule.answer,)   # the answer is shown beside the verdict
            meta = self._placeholders[rule.id] = (names, not any(n.startswith(UNBOUNDED) for n in names))
        names, bounded = meta
        key = (effect.name, instrument_id, *(getattr(situation, n) for n in names)) if bounded else None
        made = self._memo.get(key) if key is not None else None
        if made is not None:
            return made
        instrument = self.kb.instrument(instrument_id)
        text = _fill(rule.text, instrument, situation, derived)
        source = rule.source
        if source.instrument_field:
            source = Source(page=instrument.page_of(source.instrument_field), articles=source.articles)
        if isinstance(rule, ScoreRule):
            made = Reason(rule=rule.id, text=text, points=rule.points, source=source, review=self.reviews[rule.id])
        elif rule.kind == "exclude":
            made = WhyNot(rule=rule.id, text=text, source=source)
        elif isinstance(rule, FitRule):
            made = self.words.fit_of_rule(rule, situation, text, source)
        else:
            made = Caveat(rule=rule.id, text=text, source=source, review=self.reviews[rule.id],
                          legal_reference=legal_reference(self.kb, source))
        if key is not None:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = made
        return made

    def _firing(self, order: int, effect: Effect) -> Firing:
        key = ("firing", order, effect.name)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = Firing(order=order, rule=effect.rule.id, kind=effect.rule.kind,
                                             instruments=effect.instruments)
        return found

    def build(self, situation: Situation, reference_date: dt.date,
              fired: list[tuple[Effect, Optional[dict]]], full: bool = True) -> Advice:
        """The advice. With full=False (the compact view), only what the compact view shows is made:
        no trace, no fit or why-not for instruments that are not recommended, no next steps."""
        kb = self.kb
        derived_values = {fact["name"]: fact["value"] for _, fact in fired if fact is not None}
        # a fact two rules derive (onderhands_uitgesloten) is stated once, with the first rule that did
        first_derivation: dict[str, tuple[Effect, DeriveRule, dict]] = {}
        for effect, fact in fired:
            if fact is not None and isinstance(effect.rule, DeriveRule):
                first_derivation.setdefault(fact["name"], (effect, effect.rule, fact))
        derived = tuple(
            DerivedFact(
                name=fact["name"], value=fact["value"], rule=rule.id,
                label=effect.derived_label or _fill(rule.derive.label, None, situation, derived_values))
            for effect, rule, fact in first_derivation.values())
        trace = tuple(self._firing(order, effect) for order, (effect, _) in enumerate(fired, start=1)) if full else ()

        scores = dict.fromkeys(self.order, 0)
        reasons: dict[str, list[Reason]] = {i: [] for i in self.order}
        exclusions: dict[str, list[WhyNot]] = {i: [] for i in self.order}
        caveats: dict[str, list[Caveat]] = {i: [] for i in self.order}
        general: list[Caveat] = []
        fits: dict[str, list[Effect]] = {i: [] for i in self.order}     # made only where shown
        effect_lists: dict[str, dict[str, list[Reason]] | dict[str, list[WhyNot]] | dict[str, list[Caveat]]] = {
            "score": reasons, "exclude": exclusions, "caveat": caveats}
        served: dict[str, set[str]] = {i: set() for i in self.order}
        off_topic: set[str] = set()
        last: set[str] = set()      # a hard constraint (ranks_last) puts these after all others
        # Lex specialis: a rule that fires on an instrument sets aside the rules it supersedes there.
        set_aside: dict[str, set[str]] = {i: set() for i in self.order}
        for effect, _ in fired:
            if isinstance(effect.rule, InstrumentRule) and effect.rule.supersedes:
                for instrument_id in effect.instruments:
                    set_aside[instrument_id].update(effect.rule.supersedes)
        for effect, _ in fired:
            rule = effect.rule
            if isinstance(rule, CaveatRule) and rule.general:
                general.append(Caveat(rule=rule.id, text=_fill(rule.text, None, situation, derived_values),
                                      legal_reference=legal_reference(kb, rule.source), source=rule.source,
                                      review=self.reviews[rule.id]))
                continue
            target = effect_lists.get(rule.kind)
            if isinstance(rule, FitRule):
                for instrument_id in effect.instruments:
                    if rule.id not in set_aside[instrument_id]:
                        fits[instrument_id].append(effect)
                continue
            if target is None:
                continue
            for instrument_id in effect.instruments:
                if rule.id in set_aside[instrument_id]:
                    continue
                if isinstance(rule, ScoreRule):
                    served[instrument_id].update(rule.serves)
                    if rule.off_topic:
                        off_topic.add(instrument_id)
                    if rule.ranks_last:
                        last.add(instrument_id)
                    scores[instrument_id] += rule.points
                target[instrument_id].append(self._explanation(effect, instrument_id, situation, derived_values))

        goals = situation.goals

        def fit_of(i: str) -> tuple[Fit, ...]:
            made = [self._explanation(effect, i, situation, derived_values) for effect in fits[i]]
            return self._fit(i, made, reasons[i], situation)

        def in_favour(instrument_id: str) -> list[Reason]:
            return [r for r in reasons[instrument_id] if r.points > 0]

        # DESIGN 3a: with stated goals, only an instrument that serves one of them is recommended;
        # theme, role and phase fit order those. An off-topic rule cancels serving.
        serves = {i: tuple(g for g in goals if g in served[i]) if i not in off_topic else () for i in self.order}
        eligible = [i for i in self.order if not exclusions[i] and scores[i] > 0 and (serves[i] or not goals)]
        weak = {i for i in eligible if scores[i] < MIN_SCORE}
        candidates = [i for i in eligible if i not in weak]
        # Each stated goal's best instrument comes before the rest (DESIGN 3a: every goal named gets its
        # answer up front), hard constraints (ranks_last) still last; within a tier, by score.
        leaders = {max((i for i in candidates if g in serves[i]), default=None,
                       key=lambda i: (i not in last, scores[i], len(in_favour(i)), -self.order[i])) for g in goals}
        candidates.sort(key=lambda i: (i in last, i not in leaders, -scores[i], -len(in_favour(i)), self.order[i]))
        ranked: list[Recommendation] = []
        for rank, i in enumerate(candidates, start=1):
            fit = fit_of(i)
            on = tuple(caveats[i]) + tuple(shortfall_caveats(fit, self.reviews))
            steps = self.steps.steps(kb.instrument(i), situation, derived_values, on) if rank <= TOP and full else ()
            ranked.append(Recommendation(
                instrument=i, name=self.names[i], rank=rank, score=scores[i], serves=serves[i], fit=fit,
                caveats=on, next_steps=steps, reasons=tuple(sorted(reasons[i], key=lambda r: -r.points))))
        recommendations = tuple(ranked)
        chosen = set(candidates)
        not_recommended = []
        for i in self.order:
            if i in chosen:
                continue
            if not full:
                why = []
            elif i in weak:
                why = [WhyNot(rule=None, source=None, text=TOO_WEAK.format(score=scores[i], least=MIN_SCORE))]
            else:
                why = list(exclusions[i]) or self._why_not(reasons[i], scores[i], goals, served[i] & set(goals),
                                                           i in off_topic)
            not_recommended.append(NotRecommended(
                instrument=i, name=self.names[i], score=scores[i], excluded=bool(exclusions[i]),
                serves=tuple(g for g in goals if g in served[i]), why_not=tuple(why),
                caveats=tuple(caveats[i]) if full else (), fit=fit_of(i) if full else ()))
        not_recommended.sort(key=lambda n: (n.excluded, -n.score, self.order[n.instrument]))
        return Advice(
            kb_version=kb.version, situation=situation, reference_date=reference_date, derived=derived,
            recommendations=recommendations, general_caveats=tuple(general),
            unmet_goals=self._unmet(goals, recommendations, [n for n in not_recommended if n.instrument not in off_topic]),
            not_recommended=tuple(not_recommended), trace=trace, tie_break=TIE_BREAK)

    def _fit(self, instrument_id: str, fits: list[Fit], reasons: list[Reason], situation: Situation) -> tuple[Fit, ...]:
        """Answer by answer, in the order of the questionnaire (goals from the `serves` rules)."""
        serving = {g: [r for r in reasons if g in self.serving_rules.get(r.rule, ())] for g in situation.goals}
        goal_fits = [self._goal_fit(g, instrument_id, tuple(serving[g])) for g in situation.goals]
        chosen = {f: {v: n for n, v in enumerate(getattr(situation, f) or ())} for f in ("themes", "levels", "goals")}
        every = fits + goal_fits
        every.sort(key=lambda f: (self.words.order.get(f.answer, 99), chosen.get(f.answer, {}).get(f.value, 0)))
        return tuple(every)

    def _goal_fit(self, goal: str, instrument_id: str, serving: tuple[Reason, ...]) -> Fit:
        key = ("goal-fit", goal, instrument_id, serving[:1])
        made = self._memo.get(key)
        if made is None:
            made = self._memo[key] = self.words.goal_fit(goal, instrument_id, self.names[instrument_id], list(serving))
        return made

    def _why_not(self, reasons: list[Reason], score: int, goals, serves, off_topic: bool) -> list[WhyNot]:
        """Why a non-excluded instrument is not recommended: its points against, then one summary
        line unless those points already say it all. `serves`: the stated goals it would serve
        (an off-topic instrument serves one, but its points against say why it does not count)."""
        against = [WhyNot(rule=r.rule, text=r.text, source=r.source) for r in reasons if r.points < 0]
        favour = sum(r.points for r in reasons if r.points > 0)
        line: Optional[str]
        if off_topic and score > 0:
            line = OFF_TOPIC
        elif goals and not serves:
            line = NO_GOAL.format(goals=", ".join(self._goal(g) for g in goals))
            about_goals = [w for w in against if w.rule in self.goal_rules]
            return about_goals + [WhyNot(rule=None, source=None, text=line)] + \
                [w for w in against if w.rule not in self.goal_rules]
        elif not favour:
            line = None if against else NO_MATCH
        else:
            line = f"De punten vóór ({favour}) wegen niet op tegen de punten tegen; totaalscore {score}."
        return against + ([WhyNot(rule=None, source=None, text=line)] if line else [])

    def _goal(self, goal: str) -> str:
        """A goal as the questionnaire names it, in lower case to sit inside a sentence."""
        label = self.words.answer("goals", goal)
        return label[:1].lower() + label[1:]

    def _unmet(self, goals, recommendations, not_recommended) -> tuple[UnmetGoal, ...]:
        """Stated goals no recommendation serves, each with the nearest alternatives: the instruments
        that serve that goal but fell short, never one the situation excludes or that is beside the
        user's theme (`not_recommended` comes without those; none: none named)."""
        met = {g for r in recommendations for g in r.serves}
        unmet = []
        for goal in goals:
            if goal in met:
                continue
            # Nearest means: serves this goal, but fell short; never one the situation excludes.
            nearest = [n for n in not_recommended if goal in n.serves and not n.excluded]
            ids = tuple(n.instrument for n in nearest[:NEAREST])
            text = UNMET.format(goal=self._goal(goal))
            if ids:
                text += UNMET_NEAREST.format(names=", ".join(self.names[i] for i in ids))
            unmet.append(UnmetGoal(goal=goal, text=text, nearest=ids))
        return tuple(unmet)
