"""From rule firings to an Advice: scores, ranking, reasons, caveats, why-not and trace."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from .checking import PLACEHOLDER
from .compiling import Effect
from .formatting import humanize, money
from .models import (
    Advice, Caveat, DerivedFact, Firing, NotRecommended, Reason, Recommendation, Situation, Source, WhyNot,
)

TIE_BREAK = ("Gelijke scores: eerst het instrument met meer redenen vóór, daarna de volgorde van "
             "Tabel 1 in het rapport.")
NO_MATCH = ("Geen van uw antwoorden wijst op dit instrument: het past niet bij de gekozen doelen, "
            "thema's of meetniveaus.")


def _fill(text: str, instrument_name: str, situation: Situation, derived: dict[str, Any]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name == "instrument":
            return instrument_name
        if name.startswith("derived."):
            return money(derived.get(name.removeprefix("derived."), "?"))
        value = getattr(situation, name, None)
        if isinstance(value, tuple):
            return ", ".join(humanize(v) for v in value)
        if name == "province":
            return str(value).title()  # noord-holland -> Noord-Holland
        if name == "contract_value_eur":
            return money(value)
        return str(value) if name == "municipality" else humanize(str(value))
    return PLACEHOLDER.sub(one, text)


def legal_reference(kb, source: Source) -> tuple[str, ...]:
    refs = []
    for article_id in source.articles:
        article = kb.article(article_id)
        refs.append(f"{article.article} {article.law}" if article else article_id)
    return tuple(refs)


UNBOUNDED = ("municipality", "contract_value_eur", "derived.")  # free values: never memoised
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
        self._placeholders: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._memo: dict[tuple, Any] = {}

    def _explanation(self, effect: Effect, instrument_id: str, situation: Situation, derived: dict[str, Any]):
        rule = effect.rule
        meta = self._placeholders.get(rule.id)
        if meta is None:
            names = tuple(n for n in dict.fromkeys(PLACEHOLDER.findall(rule.text or "")) if n != "instrument")
            meta = self._placeholders[rule.id] = (names, not any(n.startswith(UNBOUNDED) for n in names))
        names, bounded = meta
        key = (effect.name, instrument_id, *(getattr(situation, n) for n in names)) if bounded else None
        made = self._memo.get(key) if key is not None else None
        if made is not None:
            return made
        text = _fill(rule.text or "", self.names[instrument_id], situation, derived)
        if rule.kind == "score":
            made = Reason(rule=rule.id, text=text, points=rule.points, source=rule.source)
        elif rule.kind == "exclude":
            made = WhyNot(rule=rule.id, text=text, source=rule.source)
        else:
            made = Caveat(rule=rule.id, text=text, source=rule.source,
                          legal_reference=legal_reference(self.kb, rule.source))
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
              fired: list[tuple[Effect, Optional[dict]]]) -> Advice:
        kb = self.kb
        derived_values = {fact["name"]: fact["value"] for _, fact in fired if fact is not None}
        derived = tuple(
            DerivedFact(
                name=fact["name"], value=fact["value"], rule=effect.rule.id,
                label=effect.derived_label or _fill(effect.rule.derive.label, "", situation, derived_values))
            for effect, fact in fired if fact is not None)
        trace = tuple(self._firing(order, effect) for order, (effect, _) in enumerate(fired, start=1))

        scores = dict.fromkeys(self.order, 0)
        reasons: dict[str, list[Reason]] = {i: [] for i in self.order}
        exclusions: dict[str, list[WhyNot]] = {i: [] for i in self.order}
        caveats: dict[str, list[Caveat]] = {i: [] for i in self.order}
        general: list[Caveat] = []
        effect_lists = {"score": reasons, "exclude": exclusions, "caveat": caveats}
        for effect, _ in fired:
            rule = effect.rule
            if rule.general:
                general.append(Caveat(rule=rule.id, text=_fill(rule.text, "", situation, derived_values),
                                      legal_reference=legal_reference(kb, rule.source), source=rule.source))
                continue
            target = effect_lists.get(rule.kind)
            if target is None:
                continue
            for instrument_id in effect.instruments:
                target[instrument_id].append(self._explanation(effect, instrument_id, situation, derived_values))
                if rule.kind == "score":
                    scores[instrument_id] += rule.points

        def in_favour(instrument_id: str) -> list[Reason]:
            return [r for r in reasons[instrument_id] if r.points > 0]

        candidates = [i for i in self.order if not exclusions[i] and scores[i] > 0]
        candidates.sort(key=lambda i: (-scores[i], -len(in_favour(i)), self.order[i]))
        recommendations = tuple(
            Recommendation(
                instrument=i, name=self.names[i], rank=rank, score=scores[i], caveats=tuple(caveats[i]),
                reasons=tuple(sorted(reasons[i], key=lambda r: -r.points)))
            for rank, i in enumerate(candidates, start=1))
        chosen = set(candidates)
        not_recommended = []
        for i in self.order:
            if i in chosen:
                continue
            why = list(exclusions[i])
            if not why:
                why = [WhyNot(rule=r.rule, text=r.text, source=r.source)
                       for r in reasons[i] if r.points < 0]
                favour = sum(r.points for r in in_favour(i))
                why.append(WhyNot(rule=None, source=None, text=NO_MATCH if not favour else (
                    f"De punten vóór ({favour}) wegen niet op tegen de punten tegen; totaalscore {scores[i]}.")))
            not_recommended.append(NotRecommended(
                instrument=i, name=self.names[i], score=scores[i], excluded=bool(exclusions[i]),
                why_not=tuple(why), caveats=tuple(caveats[i])))
        not_recommended.sort(key=lambda n: (n.excluded, -n.score, self.order[n.instrument]))
        return Advice(
            kb_version=kb.version, situation=situation, reference_date=reference_date, derived=derived,
            recommendations=recommendations, general_caveats=tuple(general),
            not_recommended=tuple(not_recommended), trace=trace, tie_break=TIE_BREAK)
