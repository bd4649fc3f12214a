"""Views of an advice for other programs: the compact view embedders ask for (`POST /api/v1/advice/compact` and `/advice/batch/compact`).

The full advice (advice.Advice) carries everything a lawyer needs to check it: the trace of fired rules,
fit per answer, 'Aan de slag' steps and a why-not for every other instrument (some 20-90 KB). An
embedder that shows a ranked list needs far less: per recommended instrument its rank, score, the
stated goals it serves, the reasons (text, points, page) and caveats (text, page, articles), plus the
stated goals nothing serves and the general caveats. That is `compact(advice)`, typically 1-3 KB.

Neutral: it depends only on the advice model, so the API, the CLI (`advisor batch --view compact`) and
anything else can share it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

from pydantic import BaseModel, Field

from ..kb.vocab import Goal
from .advice import Advice, Caveat, Reason


class CompactReason(BaseModel):
    text: str
    points: int
    page: Optional[int] = Field(default=None, description="Rapportpagina die de reden onderbouwt (weggelaten als "
                                                          "er geen is).")


class CompactCaveat(BaseModel):
    text: str
    page: Optional[int] = Field(default=None, description="Rapportpagina van de kanttekening (weggelaten als er "
                                                          "geen is).")
    articles: list[str] = Field(default=[], description="Ids van de aangehaalde wetsartikelen (zie "
                                                        "/api/v1/articles/{id}); weggelaten als er geen zijn.")


class CompactRecommendation(BaseModel):
    instrument: str = Field(description="Id van het instrument (zie /api/v1/instruments/{id}).")
    name: str
    rank: int
    score: int
    serves: list[Goal] = Field(description="De opgegeven doelen die dit instrument dient.")
    reasons: list[CompactReason]
    caveats: list[CompactCaveat]


class CompactUnmetGoal(BaseModel):
    goal: Goal
    text: str
    nearest: list[str] = Field(description="Ids van de instrumenten die het dichtst in de buurt komen.")


class CompactAdvice(BaseModel):
    """The compact view of an advice (`POST /api/v1/advice/compact`): the ranking with reasons and caveats, without
    the trace, fit per answer, next steps and the why-not list. Empty `articles` and missing pages are
    left out to keep it small."""

    kb_version: str
    reference_date: dt.date
    recommendations: list[CompactRecommendation]
    unmet_goals: list[CompactUnmetGoal]
    general_caveats: list[CompactCaveat]


def _reason(reason: Reason) -> dict[str, Any]:
    found: dict[str, Any] = {"text": reason.text, "points": reason.points}
    if reason.source.page is not None:
        found["page"] = reason.source.page
    return found


def _caveat(caveat: Caveat) -> dict[str, Any]:
    found: dict[str, Any] = {"text": caveat.text}
    if caveat.source.page is not None:
        found["page"] = caveat.source.page
    if caveat.source.articles:
        found["articles"] = list(caveat.source.articles)
    return found


def compact(advice: Advice) -> dict[str, Any]:
    """The compact view as plain JSON-ready data (the shape of CompactAdvice)."""
    return {
        "kb_version": advice.kb_version,
        "reference_date": advice.reference_date.isoformat(),
        "recommendations": [{
            "instrument": rec.instrument, "name": rec.name, "rank": rec.rank, "score": rec.score,
            "serves": list(rec.serves), "reasons": [_reason(r) for r in rec.reasons],
            "caveats": [_caveat(c) for c in rec.caveats],
        } for rec in advice.recommendations],
        "unmet_goals": [{"goal": u.goal, "text": u.text, "nearest": list(u.nearest)} for u in advice.unmet_goals],
        "general_caveats": [_caveat(c) for c in advice.general_caveats],
    }


def dump_compact(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False, separators=(",", ":"))


def compact_json(advice: Advice) -> str:
    return dump_compact(compact(advice))
