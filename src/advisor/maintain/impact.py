"""The systematic grid of situations, and what the rules reach over it (`advisor coverage`).

`grid` is shared by `advisor diff` (impact_diff: what a change to the KB does to the advice) and
`advisor coverage`: every advice at one fixed reference date, so the outcome does not depend on the
day. `coverage` counts per instrument how often it is recommended first and in the top 3, and names
the instruments never recommended, the rules that never fire and the goals left without a
recommendation. The renderings (text, Markdown, SVG) are in `impact_report`, re-exported here for
the web page /regels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from ..engine.advising import Advisor
from ..kb.knowledge import KnowledgeBase
from ..kb.models import Situation
from ..kb.vocab import (
    Budget,
    Goal,
    Level,
    MeasuredBy,
    Phase,
    Procedure,
    Province,
    Regime,
    Role,
    SituationTheme,
    SrClause,
    Supplier,
    values,
)
from .reports import Coverage, GoalCount, InstrumentCount, RuleInfo, coverage_markdown, coverage_svg, coverage_text

__all__ = ["REFERENCE_DATE", "grid", "small_grid", "describe", "coverage", "Coverage", "InstrumentCount",
           "GoalCount", "RuleInfo", "coverage_markdown", "coverage_svg", "coverage_text"]

REFERENCE_DATE = dt.date(2026, 6, 1)
TOP = 3


# ---------------------------------------------------------------- the grid

def _threshold_cases(kb: KnowledgeBase, date: dt.date) -> list[dict]:
    """Contracts just below and above every EU threshold in force, plus fixed cases around them."""
    cases: list[dict[str, Any]] = [  # below/above the decentral services threshold, works, social services, an open authority
        {"contract_type": "diensten", "contracting_authority": "decentraal", "contract_value_eur": 100000},
        {"contract_type": "diensten", "contracting_authority": "decentraal", "contract_value_eur": 300000},
        {"contract_type": "werken", "contract_value_eur": 6000000},
        {"contract_type": "sociale_diensten", "contract_value_eur": 800000},
        {"contract_type": "diensten", "contract_value_eur": 180000},
        {"contract_value_eur": 100000},
    ]
    for threshold in kb.legal.thresholds:
        if not threshold.valid_from <= date <= threshold.valid_to:
            continue
        authority = threshold.authorities[0] if len(threshold.authorities) == 1 else None
        for factor in (0.9, 1.1):
            case: dict[str, Any] = {"contract_type": threshold.contract_types[0],
                    "contract_value_eur": round(threshold.amount_eur * factor, -3)}
            if authority:
                case["contracting_authority"] = authority
            cases.append(case)
    unique = {tuple(sorted(c.items())): c for c in cases}
    return list(unique.values())


def _build(rows: list[dict], date: dt.date) -> list[Situation]:
    seen: dict[Situation, None] = {}
    for row in rows:
        clean = {k: v for k, v in row.items() if v is not None and v != ()}
        seen.setdefault(Situation.model_validate(dict(clean, reference_date=date)))
    return list(seen)


def grid(kb: KnowledgeBase, date: dt.date = REFERENCE_DATE) -> list[Situation]:
    """The systematic grid (about 1,900 situations): every phase (and unknown) × goal (each, and
    none) × theme × supplier; per phase × goal every role, budget and banenafspraak; per goal the
    levels (each, two pairs, all) and who measures; contracts just below and above the EU thresholds
    in force (and a few fixed ones) × procedure, in preparation and tender, without a goal and with
    each legal goal; every province, and every municipality where an instrument is local."""
    phases = (None,) + values(Phase)
    goals = ((),) + tuple((g,) for g in values(Goal))
    themes = ((),) + tuple((t,) for t in values(SituationTheme))
    suppliers = (None,) + values(Supplier)
    rows: list[dict[str, Any]] = [{"phase": p, "goals": g, "themes": t, "supplier": s}
            for p in phases for g in goals for t in themes for s in suppliers]
    rows += [{"phase": p, "goals": g, "role": r} for p in phases for g in goals for r in values(Role)]
    rows += [{"phase": p, "goals": g, "budget_opdrachtgever": b} for p in phases for g in goals for b in values(Budget)]
    rows += [{"phase": p, "goals": g, "banenafspraak": b} for p in phases for g in goals for b in (True, False)]
    levels = tuple((lv,) for lv in values(Level)) + (("input", "output"), ("outcome", "impact"), values(Level))
    rows += [{"goals": g, "levels": lv} for g in goals for lv in levels]
    rows += [{"goals": g, "measured_by": m} for g in goals for m in values(MeasuredBy)]
    legal_goals = ((), ("inschrijvers_vergelijken",), ("sociale_ondernemers_herkennen",), ("voorbehouden_opdracht",))
    for case in _threshold_cases(kb, date):
        rows += [dict(case, phase=p, goals=g, procedure=proc) for p in ("voorbereiding", "aanbesteding")
                 for g in legal_goals for proc in (None,) + values(Procedure)]
    rows += [{"phase": p, "goals": g, "province": v} for v in values(Province)
             for p in (None, "uitvoering") for g in ((), ("sr_monitoren",))]
    # the answers a lawyer adds: the contract's social-return clause, the regime, art. 2.82a, cross-border interest
    rows += [{"phase": p, "goals": g, "sr_clause": c} for p in (None, "voorbereiding", "uitvoering")
             for g in ((), ("sr_monitoren",), ("alternatieve_sr_invulling",)) for c in values(SrClause)]
    rows += [{"phase": "voorbereiding", "regime": r, "contract_type": "werken", "contract_value_eur": 6000000}
             for r in values(Regime)]
    rows += [{"phase": "voorbereiding", "goals": ("voorbehouden_opdracht",), "contract_type": "sociale_diensten",
              "contract_value_eur": 800000, "services_art_2_82a": b} for b in (True, False)]
    rows += [{"phase": "voorbereiding", "contract_type": "leveringen", "contracting_authority": "decentraal",
              "contract_value_eur": 150000, "cross_border_interest": b} for b in (True, False)]
    # every municipality where an instrument is local, and one where none is
    towns = [*dict.fromkeys(m for i in kb.instruments for m in i.limits.municipalities), "Amersfoort"]
    rows += [{"phase": p, "goals": g, "municipality": m} for m in towns for p in (None, "uitvoering") for g in goals]
    return _build(rows, date)


def small_grid(kb: KnowledgeBase, date: dt.date = REFERENCE_DATE) -> list[Situation]:
    """A small grid for quick runs and tests: every phase × goal, and each threshold case once."""
    phases = (None,) + values(Phase)
    goals = ((),) + tuple((g,) for g in values(Goal))
    rows = [{"phase": p, "goals": g} for p in phases for g in goals]
    rows += [dict(case, phase="voorbereiding") for case in _threshold_cases(kb, date)]
    return _build(rows, date)


SHORT = {"phase": "fase", "role": "rol", "themes": "thema's", "goals": "doelen", "levels": "niveaus",
         "measured_by": "wie_meet", "supplier": "markt", "province": "provincie", "municipality": "gemeente",
         "procedure": "procedure", "contract_value_eur": "waarde", "contracting_authority": "dienst",
         "contract_type": "soort", "banenafspraak": "banenafspraak", "budget_opdrachtgever": "budget",
         "regime": "regime", "sr_clause": "sr_bepaling", "services_art_2_82a": "diensten_2_82a",
         "cross_border_interest": "grensoverschrijdend", "reference_date": "peildatum"}


def describe(situation: Situation) -> str:
    """A situation in one short line: 'fase=aanbesteding, doelen=inschrijvers_vergelijken'."""
    parts = []
    for name, value in situation.model_dump(exclude_defaults=True).items():
        if name == "reference_date" and value == REFERENCE_DATE:
            continue
        if isinstance(value, (tuple, list)):
            value = "+".join(value)
        elif isinstance(value, bool):
            value = "ja" if value else "nee"
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        parts.append(f"{SHORT.get(name, name)}={value}")
    return ", ".join(parts) or "(niets ingevuld)"


# ---------------------------------------------------------------- coverage

def coverage(advisor: Advisor, situations: Optional[list[Situation]] = None) -> Coverage:
    """Run the advisor over the grid (or the given situations) and count what it reaches."""
    kb = advisor.kb
    situations = grid(kb) if situations is None else situations
    first = dict.fromkeys((i.id for i in kb.instruments), 0)
    top3, recommended = dict(first), dict(first)
    goals = {g: [0, 0] for g in values(Goal)}
    fired: set[str] = set()
    for situation in situations:
        advice = advisor.advise(situation)
        for r in advice.recommendations:
            recommended[r.instrument] += 1
            top3[r.instrument] += r.rank <= TOP
            first[r.instrument] += r.rank == 1
        fired.update(f.rule for f in advice.trace)
        for goal in situation.goals:
            goals[goal][0] += 1
        for unmet in advice.unmet_goals:
            goals[unmet.goal][1] += 1
    labels = next(({o.value: o.label for o in q.options} for q in kb.questionnaire.questions if q.field == "goals"), {})
    return Coverage(
        kb_version=kb.version, reference_date=REFERENCE_DATE, situations=len(situations),
        instruments=tuple(InstrumentCount(id=i.id, name=i.name, first=first[i.id], top3=top3[i.id],
                                          recommended=recommended[i.id]) for i in kb.instruments),
        never_recommended=tuple(i for i, n in recommended.items() if not n),
        silent_rules=tuple(RuleInfo(id=r.id, kind=r.kind, title=r.title) for r in kb.rules if r.id not in fired),
        goals=tuple(GoalCount(goal=g, label=labels.get(g, g), situations=n, unmet=u) for g, (n, u) in goals.items()))
