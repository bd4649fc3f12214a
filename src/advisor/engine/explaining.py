"""From rule firings to an Advice: scores, ranking, reasons, caveats, why-not and trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional

from ..kb import conditions as cnd
from ..kb.kinds import KINDS
from ..kb.models import Situation
from ..kb.rule_models import CaveatRule, DeriveRule, FitRule, InstrumentRule, ScoreRule
from .advice import Advice, Caveat, DerivedFact, Firing, Fit, NotRecommended, Reason, Recommendation, UnmetGoal, WhyNot
from .compiling import CompiledRuleset, Effect
from .explanations import ExplanationTable
from .steps import StepMaker
from .wishes import AnswerWords, shortfall_caveats

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from ..kb.kbtypes import KB
    from ..kb.vocab import Goal

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
# Too low a score to recommend (docs/architecture.md, "What makes an advice right"): a single small plus
# (a free instrument, one matching level) is not a recommendation. Absolute, not relative to the best: a
# second goal that only a weaker instrument serves must still get it.
MIN_SCORE = 10
TOP = 3      # the recommendations that get 'Aan de slag' steps
MEMO_LIMIT = 100_000


class Explainer:
    """Builds advices for one KB.

    Everything that depends on the KB alone is compiled once (explanations.ExplanationTable: each
    rule's text per instrument, its page, articles and review state). An advice first adds up the
    points from the firings, without making a single explanation; then it makes the explanations of
    what its view shows: the compact view those of the recommended instruments, the full view also
    the why-not, fit and caveats of the others and the next steps of the first three.
    """

    def __init__(self, kb: KB, compiled: CompiledRuleset):
        self.kb = kb
        self.order = {i.id: n for n, i in enumerate(kb.instruments)}
        self.names = {i.id: i.name for i in kb.instruments}
        self.instruments = {i.id: i for i in kb.instruments}
        self.words = AnswerWords(kb)
        self.table = ExplanationTable(kb, compiled, self.words)
        self.reviews = self.table.reviews
        self.serving_rules = {r.id: r.serves for r in kb.rules if isinstance(r, ScoreRule) and r.serves}
        # rules whose condition is about the user's goals: their points against explain why an instrument
        # does not serve a goal; others (an unknown region, a cost) come after the line that says so
        self.goal_rules = {r.id for r in kb.rules
                           if any(leaf.field == "goals" for leaf in cnd.walk(kb.conditions(r)[0] or cnd.All(())))}
        self.steps = StepMaker(kb)
        self._memo: dict[tuple, Any] = {}   # why-not lines and goal fits, made once
        self._firings: dict[tuple[int, str], Firing] = {}

    def _kept(self, key: tuple, make: Callable[[], Any], store: Optional[dict] = None) -> Any:
        store = self._memo if store is None else store
        found = store.get(key)
        if found is None:
            found = make()
            if len(store) < MEMO_LIMIT:   # the keys come from closed sets; the limit is a backstop
                store[key] = found
        return found

    def _firing(self, order: int, effect: Effect) -> Firing:
        """One line of the trace. Kept in a store of its own: a trace's positions times the network's rules
        can be many in a large KB, and must not crowd out the why-not lines."""
        return self._kept((order, effect.name), lambda: Firing(
            order=order, rule=effect.rule.id, kind=effect.rule.kind, instruments=effect.instruments), self._firings)

    def _line(self, text: str) -> WhyNot:
        """A why-not line of the engine's own (no rule behind it)."""
        return self._kept(("line", text), lambda: WhyNot(rule=None, source=None, text=text))

    def _against(self, reason: Reason) -> WhyNot:
        """A point against, as a why-not line."""
        return self._kept(("against", reason.rule, reason.text, reason.source),
                          lambda: WhyNot(rule=reason.rule, text=reason.text, source=reason.source))

    def build(self, situation: Situation, reference_date: dt.date,
              fired: list[tuple[Effect, Optional[dict]]], full: bool = True) -> Advice:
        """The advice. With full=False (the compact view), only what the compact view shows is made:
        no trace, no fit or why-not for instruments that are not recommended, no next steps."""
        kb = self.kb
        table = self.table
        derived_values = {fact["name"]: fact["value"] for _, fact in fired if fact is not None}
        # a fact two rules derive (onderhands_uitgesloten) is stated once, with the first rule that did
        first_derivation: dict[str, tuple[Effect, DeriveRule, dict]] = {}
        for effect, fact in fired:
            if fact is not None and isinstance(effect.rule, DeriveRule):
                first_derivation.setdefault(fact["name"], (effect, effect.rule, fact))
        derived = tuple(
            DerivedFact(
                name=fact["name"], value=fact["value"], rule=rule.id,
                label=effect.derived_label or table.label(rule, situation, derived_values))
            for effect, rule, fact in first_derivation.values())
        trace = tuple(self._firing(order, effect) for order, (effect, _) in enumerate(fired, start=1)) if full else ()

        # First the arithmetic, from the firings alone: no explanation is made until we know it is shown.
        scores = dict.fromkeys(self.order, 0)
        favour_count = dict.fromkeys(self.order, 0)
        scored: dict[str, list[ScoreRule]] = {i: [] for i in self.order}
        excluded: dict[str, list[InstrumentRule]] = {i: [] for i in self.order}
        cautioned: dict[str, list[InstrumentRule]] = {i: [] for i in self.order}
        fits: dict[str, list[FitRule]] = {i: [] for i in self.order}
        general: list[Caveat] = []
        # each kind's firings on an instrument go where kinds.KINDS says they are explained
        buckets: dict[str, dict[str, list]] = {"reason": scored, "why_not": excluded, "caveat": cautioned, "fit": fits}
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
                general.append(table.explain(rule, None, situation, derived_values))  # type: ignore[arg-type]
                continue
            explains = KINDS[rule.kind].explains
            if explains is None or not isinstance(rule, InstrumentRule):   # a derived fact: stated, not explained
                continue
            bucket = buckets[explains]
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
                    favour_count[instrument_id] += rule.points > 0
                bucket[instrument_id].append(rule)

        def explained(rules: list, i: str) -> list:
            return [table.explain(rule, i, situation, derived_values) for rule in rules]

        def fit_of(i: str, reasons: list[Reason]) -> tuple[Fit, ...]:
            return self._fit(i, explained(fits[i], i), reasons, situation)

        goals = situation.goals
        # docs/architecture.md, "What makes an advice right": with stated goals, only an instrument that serves
        # one of them is recommended; theme, role and phase fit order those. An off-topic rule cancels serving.
        serves = {i: tuple(g for g in goals if g in served[i]) if i not in off_topic else () for i in self.order}
        eligible = [i for i in self.order if not excluded[i] and scores[i] > 0 and (serves[i] or not goals)]
        weak = {i for i in eligible if scores[i] < MIN_SCORE}
        candidates = [i for i in eligible if i not in weak]
        # Each stated goal's best instrument comes before the rest (docs/architecture.md, "What makes an advice
        # right": every goal named gets its answer up front), hard constraints (ranks_last) still last; within a
        # tier, by score.
        leaders = {max((i for i in candidates if g in serves[i]), default=None,
                       key=lambda i: (i not in last, scores[i], favour_count[i], -self.order[i])) for g in goals}
        candidates.sort(key=lambda i: (i in last, i not in leaders, -scores[i], -favour_count[i], self.order[i]))
        ranked: list[Recommendation] = []
        for rank, i in enumerate(candidates, start=1):
            reasons = explained(scored[i], i)
            fit = fit_of(i, reasons)
            on = tuple(explained(cautioned[i], i)) + tuple(shortfall_caveats(fit, self.reviews))
            steps = self.steps.steps(self.instruments[i], situation, derived_values, on) if rank <= TOP and full else ()
            ranked.append(Recommendation(
                instrument=i, name=self.names[i], rank=rank, score=scores[i], serves=serves[i], fit=fit,
                caveats=on, next_steps=steps, reasons=tuple(sorted(reasons, key=lambda r: -r.points))))
        recommendations = tuple(ranked)
        chosen = set(candidates)
        not_recommended = []
        for i in self.order:
            if i in chosen:
                continue
            reasons = explained(scored[i], i) if full else []
            if not full:
                why = []
            elif i in weak:
                why = [self._line(TOO_WEAK.format(score=scores[i], least=MIN_SCORE))]
            else:
                why = explained(excluded[i], i) or self._why_not(reasons, scores[i], goals, served[i] & set(goals),
                                                                 i in off_topic)
            not_recommended.append(NotRecommended(
                instrument=i, name=self.names[i], score=scores[i], excluded=bool(excluded[i]),
                serves=tuple(g for g in goals if g in served[i]), why_not=tuple(why),
                caveats=tuple(explained(cautioned[i], i)) if full else (), fit=fit_of(i, reasons) if full else ()))
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
        return self._kept(("goal-fit", goal, instrument_id, serving[:1]), lambda: self.words.goal_fit(
            goal, instrument_id, self.names[instrument_id], list(serving)))

    def _why_not(self, reasons: list[Reason], score: int, goals: Sequence[Goal], serves: Collection[str],
                 off_topic: bool) -> list[WhyNot]:
        """Why a non-excluded instrument is not recommended: its points against, then one summary
        line unless those points already say it all. `serves`: the stated goals it would serve
        (an off-topic instrument serves one, but its points against say why it does not count)."""
        against = [self._against(r) for r in reasons if r.points < 0]
        favour = sum(r.points for r in reasons if r.points > 0)
        line: Optional[str]
        if off_topic and score > 0:
            line = OFF_TOPIC
        elif goals and not serves:
            line = NO_GOAL.format(goals=", ".join(self._goal(g) for g in goals))
            about_goals = [w for w in against if w.rule in self.goal_rules]
            return about_goals + [self._line(line)] + \
                [w for w in against if w.rule not in self.goal_rules]
        elif not favour:
            line = None if against else NO_MATCH
        else:
            line = f"De punten vóór ({favour}) wegen niet op tegen de punten tegen; totaalscore {score}."
        return against + ([self._line(line)] if line else [])

    def _goal(self, goal: str) -> str:
        """A goal as the questionnaire names it, in lower case to sit inside a sentence."""
        label = self.words.answer("goals", goal)
        return label[:1].lower() + label[1:]

    def _unmet(self, goals: Sequence[Goal], recommendations: Sequence[Recommendation],
               not_recommended: Sequence[NotRecommended]) -> tuple[UnmetGoal, ...]:
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
