"""From rule firings to an Advice: scores, ranking, reasons, caveats, why-not and trace."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional

from .compiling import Effect
from .models import (
    Advice, Caveat, DerivedFact, Firing, NotRecommended, Reason, Recommendation, Situation, Source, WhyNot,
)

TIE_BREAK = ("Gelijke scores: eerst het instrument met meer redenen vóór, daarna de volgorde van "
             "Tabel 1 in het rapport.")
NO_MATCH = ("Geen van uw antwoorden wijst op dit instrument: het past niet bij de gekozen doelen, "
            "thema's of meetniveaus.")
PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")


def money(value: Any) -> str:
    return f"€ {int(value):,}".replace(",", ".") if isinstance(value, (int, float)) else str(value)


def _fill(text: str, instrument_name: str, situation: Situation, derived: dict[str, Any]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name == "instrument":
            return instrument_name
        if name.startswith("derived."):
            return money(derived.get(name.removeprefix("derived."), "?"))
        value = getattr(situation, name, None)
        if isinstance(value, tuple):
            return ", ".join(value)
        return money(value) if name == "contract_value_eur" else str(value)
    return PLACEHOLDER.sub(one, text)


def legal_reference(kb, source: Source) -> tuple[str, ...]:
    refs = []
    for article_id in source.articles:
        article = kb.article(article_id)
        refs.append(f"{article.article} {article.law}" if article else article_id)
    return tuple(refs)


_MEMO: dict[tuple, Any] = {}
MEMO_LIMIT = 200_000
_NAMES: dict[tuple, tuple[str, ...]] = {}
UNBOUNDED = ("municipality", "contract_value_eur", "derived.")  # free values: never memoised


def _explanation(kb, effect: Effect, instrument_id: str, situation: Situation, derived: dict[str, Any]):
    """The Reason, WhyNot or Caveat of one firing for one instrument.

    Texts only vary with the instrument and a few closed-vocabulary answers, so each one is
    built once and shared (the models are frozen); that keeps an advice under a millisecond.
    """
    rule = effect.rule
    names = _NAMES.get((kb.version, rule.id))
    if names is None:
        names = _NAMES[(kb.version, rule.id)] = tuple(
            n for n in dict.fromkeys(PLACEHOLDER.findall(rule.text or "")) if n != "instrument")
    bounded = not any(n.startswith(UNBOUNDED) for n in names)
    key = (kb.version, effect.name, instrument_id, tuple(getattr(situation, n) for n in names)) if bounded else None
    if key is not None and key in _MEMO:
        return _MEMO[key]
    text = _fill(rule.text or "", kb.instrument(instrument_id).name, situation, derived)
    if rule.kind == "score":
        made = Reason(rule=rule.id, text=text, points=rule.points, source=rule.source)
    elif rule.kind == "exclude":
        made = WhyNot(rule=rule.id, text=text, source=rule.source)
    else:
        made = Caveat(rule=rule.id, text=text, source=rule.source, legal_reference=legal_reference(kb, rule.source))
    if key is not None:
        if len(_MEMO) > MEMO_LIMIT:  # old KB versions after many reloads
            _MEMO.clear()
        _MEMO[key] = made
    return made


def _firing(kb, order: int, effect: Effect) -> Firing:
    key = (kb.version, order, effect.name)
    found = _MEMO.get(key)
    if found is None:
        found = _MEMO[key] = Firing(order=order, rule=effect.rule.id, kind=effect.rule.kind,
                                    instruments=effect.instruments)
    return found


def build_advice(kb, situation: Situation, reference_date: dt.date,
                 fired: list[tuple[Effect, Optional[dict]]]) -> Advice:
    derived_values: dict[str, Any] = {}
    derived: list[DerivedFact] = []
    trace: list[Firing] = []
    for order, (effect, fact) in enumerate(fired, start=1):
        trace.append(_firing(kb, order, effect))
        if fact is not None:
            derived_values[fact["name"]] = fact["value"]
    for effect, fact in fired:
        if fact is not None:
            label = effect.derived_label or _fill(effect.rule.derive.label, "", situation, derived_values)
            derived.append(DerivedFact(name=fact["name"], value=fact["value"], label=label, rule=effect.rule.id))

    scores = {i.id: 0 for i in kb.instruments}
    reasons: dict[str, list[Reason]] = {i.id: [] for i in kb.instruments}
    exclusions: dict[str, list[WhyNot]] = {i.id: [] for i in kb.instruments}
    caveats: dict[str, list[Caveat]] = {i.id: [] for i in kb.instruments}
    general: list[Caveat] = []
    for effect, _ in fired:
        rule = effect.rule
        if rule.kind == "caveat" and rule.general:
            general.append(Caveat(rule=rule.id, text=_fill(rule.text, "", situation, derived_values),
                                  legal_reference=legal_reference(kb, rule.source), source=rule.source))
        for instrument_id in effect.instruments:
            made = _explanation(kb, effect, instrument_id, situation, derived_values)
            if rule.kind == "score":
                scores[instrument_id] += rule.points
                reasons[instrument_id].append(made)
            elif rule.kind == "exclude":
                exclusions[instrument_id].append(made)
            elif rule.kind == "caveat":
                caveats[instrument_id].append(made)

    order = {i.id: n for n, i in enumerate(kb.instruments)}
    candidates = [i for i in kb.instruments if not exclusions[i.id] and scores[i.id] > 0]
    candidates.sort(key=lambda i: (-scores[i.id], -sum(r.points > 0 for r in reasons[i.id]), order[i.id]))
    recommendations = tuple(
        Recommendation(instrument=i.id, name=i.name, rank=rank, score=scores[i.id],
                       reasons=tuple(sorted(reasons[i.id], key=lambda r: -r.points)),
                       caveats=tuple(caveats[i.id]))
        for rank, i in enumerate(candidates, start=1))
    chosen = {i.id for i in candidates}
    not_recommended = []
    for instrument in kb.instruments:
        if instrument.id in chosen:
            continue
        why = list(exclusions[instrument.id])
        if not why:
            why = [WhyNot(rule=r.rule, text=r.text, source=r.source) for r in reasons[instrument.id] if r.points < 0]
            if not any(r.points > 0 for r in reasons[instrument.id]):
                why.append(WhyNot(rule=None, text=NO_MATCH, source=None))
            else:
                why.append(WhyNot(rule=None, source=None, text=(
                    f"De punten vóór ({sum(r.points for r in reasons[instrument.id] if r.points > 0)}) wegen niet "
                    f"op tegen de punten tegen; totaalscore {scores[instrument.id]}.")))
        not_recommended.append(NotRecommended(
            instrument=instrument.id, name=instrument.name, score=scores[instrument.id],
            excluded=bool(exclusions[instrument.id]), why_not=tuple(why), caveats=tuple(caveats[instrument.id])))
    not_recommended.sort(key=lambda n: (n.excluded, -n.score, order[n.instrument]))
    return Advice(kb_version=kb.version, situation=situation, reference_date=reference_date,
                  derived=tuple(derived), recommendations=recommendations, general_caveats=tuple(general),
                  not_recommended=tuple(not_recommended), trace=tuple(trace), tie_break=TIE_BREAK)
