"""The shapes the JSON API answers with, as pydantic models: they document the responses in the
OpenAPI at /api/v1/openapi.json, and the builders below fill them from the KB.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from ..engine.advice import Advice
from ..engine.compact import CompactAdvice
from ..kb.articles import ArticleUse
from ..kb.kinds import KINDS
from ..kb.models import Article, Instrument, Questionnaire, Situation, Source, Strict, Threshold
from ..kb.reviews import state as review_state
from ..kb.rule_models import InstrumentRule, Rule, RuleKind
from .problems import Problem

if TYPE_CHECKING:
    from ..kb.kbtypes import KB

MAX_BATCH = 1000


# ---------------------------------------------------------------- documented shapes

class InstrumentOut(Instrument):
    pages: dict[str, int] = Field(description="Per veld de rapportpagina die het onderbouwt.")


class InstrumentList(BaseModel):
    kb_version: str
    instruments: list[InstrumentOut]


class RulePlacement(Strict):
    defined_in: str = Field(description="Bestand en regel in de KB, bijvoorbeeld `rules/fit.yaml:7`.")
    review_state: str = Field(description="'beoordeeld door … op …', 'gewijzigd na beoordeling (…)' of "
                                          "'niet beoordeeld'.")


def _placed(model: type) -> type:
    """The API's model of a rule kind: its own fields, and where it is defined and reviewed ('ScoreRuleOut')."""
    return type(f"{model.__name__}Out", (RulePlacement, model), {"__module__": __name__})


# A rule as the API shows it: one model per kind of kinds.KINDS, told apart by `kind`. The union is made at
# run time from that table; the type checker, which cannot follow it, sees a rule with its placement.
RULE_OUT: dict[str, type[RulePlacement]] = {kind: _placed(spec.model) for kind, spec in KINDS.items()}
if TYPE_CHECKING:
    RuleOut = RulePlacement
else:
    RuleOut = Annotated[Union[tuple(RULE_OUT.values())], Field(discriminator="kind")]


class RuleList(BaseModel):
    kb_version: str
    rules: list[RuleOut]


class CitingRule(BaseModel):
    id: str
    kind: RuleKind
    general: bool = Field(description="Een algemene kanttekening: geldt voor het advies als geheel.")
    title: str
    text: Optional[str] = Field(description="De tekst in het advies (niet bij `derive`).")
    rationale: str
    source: Source
    instruments: list[str] = Field(description="De instrumenten waarop de regel werkt; leeg bij afgeleide feiten "
                                               "en algemene kanttekeningen.")


class ArticleSummary(Article):
    rule_ids: list[str] = Field(description="De regels die dit artikel aanhalen, in de volgorde van de KB.")


class ArticleList(BaseModel):
    kb_version: str
    articles: list[ArticleSummary]


class ArticleOut(ArticleSummary):
    rules: list[CitingRule] = Field(description="Elke regel die dit artikel aanhaalt.")
    thresholds: list[Threshold] = Field(description="De drempelbedragen die dit artikel als bron noemen.")


class QuestionnaireOut(Questionnaire):
    kb_version: str


class ThresholdList(BaseModel):
    date: dt.date
    kb_version: str
    thresholds: list[Threshold]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    kb_version: str
    counts: dict[str, int]
    errors: list[str] = Field(description="Bij `degraded`: de fouten van de mislukte herlaadpoging, `pad:regel: melding` "
                                          "(paden ten opzichte van de kennisbank).")
    warnings: list[str] = Field(default=[], description="Bij `degraded`: waarom een geldige herlaadpoging niet wordt "
                                                        "gebruikt (regels of instrumenten verdwenen), of dat de "
                                                        "bestandsbewaker is gestopt.")
    watching: bool = Field(default=False, description="Of de server bestanden bewaakt (`--watch`).")
    watcher_alive: bool = Field(default=False, description="Of de bestandsbewaker loopt.")


class Pong(BaseModel):
    pong: bool


class BatchRequest(BaseModel):
    """The body of POST /api/v1/advice/batch as published; BatchEnvelope is what is checked of it as a whole."""
    model_config = ConfigDict(extra="forbid")
    situations: list[Situation] = Field(max_length=MAX_BATCH, description=f"Hoogstens {MAX_BATCH} situaties.")


class BatchEnvelope(BaseModel):
    """A batch body as a whole: an object holding only `situations`, a list of at most MAX_BATCH items. Each
    item is then read on its own (situations.parse_situation): one bad situation does not sink the others."""
    model_config = ConfigDict(extra="forbid")
    situations: list[Any] = Field(max_length=MAX_BATCH)


class BatchItem(BaseModel):
    index: int = Field(description="Plaats van de situatie in het verzoek, vanaf 0.")
    advice: Optional[Advice] = Field(default=None, description="Het advies, als de situatie geldig is.")
    problem: Optional[Problem] = Field(default=None, description="Wat er mis is met deze situatie (status 400, "
                                                                 "`errors` met paden als `situations.3.phase`, "
                                                                 "`instance` de plek in het verzoek: "
                                                                 "`#/situations/3`).")


class BatchAdvice(BaseModel):
    kb_version: str
    failed: int = Field(description="Aantal situaties met een probleem in plaats van een advies.")
    results: list[BatchItem] = Field(description="Per situatie, in de volgorde van het verzoek, een advies of een "
                                                 "probleem.")


class CompactBatchItem(BaseModel):
    index: int = Field(description="Plaats van de situatie in het verzoek, vanaf 0.")
    advice: Optional[CompactAdvice] = Field(default=None, description="Het compacte advies, als de situatie geldig "
                                                                      "is.")
    problem: Optional[Problem] = Field(default=None, description="Wat er mis is met deze situatie.")


class CompactBatchAdvice(BaseModel):
    kb_version: str
    failed: int = Field(description="Aantal situaties met een probleem in plaats van een advies.")
    results: list[CompactBatchItem] = Field(description="Per situatie, in de volgorde van het verzoek, een compact "
                                                        "advies of een probleem.")


# ---------------------------------------------------------------- built from the KB

def instrument_out(instrument: Instrument) -> InstrumentOut:
    fields = [name for name in Instrument.model_fields if name not in ("id", "source", "sources")]
    return InstrumentOut(**dict(instrument), pages={name: instrument.page_of(name) for name in fields})


def article_summary(use: ArticleUse) -> ArticleSummary:
    return ArticleSummary(**dict(use.article), rule_ids=list(use.rule_ids))


def article_out(use: ArticleUse) -> ArticleOut:
    rules = [CitingRule(id=c.rule.id, kind=c.rule.kind, general=c.rule.is_general, title=c.rule.title,
                        text=c.rule.text if isinstance(c.rule, InstrumentRule) else None,
                        rationale=c.rule.rationale, source=c.rule.source, instruments=[i.id for i in c.instruments])
             for c in use.citations]
    return ArticleOut(**dict(article_summary(use)), rules=rules, thresholds=list(use.thresholds))


def rule_out(kb: KB, rule: Rule) -> RulePlacement:
    doc, position = kb.rule_docs[rule.id]
    return RULE_OUT[rule.kind](**dict(rule), defined_in=f"rules/{Path(doc.file).name}:{doc.line(position)}",
                               review_state=review_state(rule))
