"""The rule kinds, one entry each: the one table to extend with a new kind of rule.

A kind's model (its own fields) is in `rule_models` (with the `RuleKind` literal and the `Rule` union, which
static typing needs spelt out); everything else about it is here: how /regels, the rule book and the review
packet title and introduce its rules, how /artikelen groups the rules citing an article, and what the
explainer makes of one of its firings on an instrument. The API's model of a rule (`serve/schemas.py`) is
made from this table too. `tests/test_kinds.py` checks the table and the models agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from .rule_models import CaveatRule, DeriveRule, ExcludeRule, FitRule, RuleBase, ScoreRule

Explains = Literal["reason", "why_not", "caveat", "fit"]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model: type[RuleBase]
    title: str                    # the heading of its rules on /regels, in the rule book and the review packet
    intro: str                    # one sentence under that heading, for the legal advisor
    cited_title: str              # the heading of its rules among those citing an article (/artikelen/{id})
    cited_order: int              # where they come there: how facts are derived, then what scores, excludes, ...
    explains: Optional[Explains]  # what one firing on an instrument adds to the advice (None: a derived fact)


# In the order /regels and the rule book show them.
KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in (
    KindSpec("exclude", ExcludeRule, "Uitsluiten",
             "Deze regels halen een instrument uit het advies als uw situatie het uitsluit.",
             "Uitsluiten", 2, "why_not"),
    KindSpec("score", ScoreRule, "Punten",
             "Deze regels geven punten vóór (of tegen) een instrument; de som bepaalt de volgorde.",
             "Punten", 1, "reason"),
    KindSpec("caveat", CaveatRule, "Kanttekeningen",
             "Deze regels voegen een juridische of praktische kanttekening toe; ze veranderen de score niet.",
             "Kanttekeningen bij instrumenten", 3, "caveat"),
    KindSpec("fit", FitRule, "Wensen",
             "Deze regels beoordelen per instrument of het past bij één antwoord van u (voldoet, deels, voldoet "
             "niet, onbekend); ze veranderen de score niet.",
             "Wensen", 4, "fit"),
    KindSpec("derive", DeriveRule, "Afgeleide feiten",
             "Deze regels leiden feiten af uit uw antwoorden, zoals de Europese drempel; andere regels gebruiken ze.",
             "Afgeleide feiten", 0, None),
)}

GENERAL = ("general", "Algemene kanttekeningen")   # caveats on the advice as a whole, last among those citing an article
KIND_TITLES = {kind: spec.title for kind, spec in KINDS.items()}
KIND_INTROS = {kind: spec.intro for kind, spec in KINDS.items()}
# The groups of rules citing an article, in the order a legal advisor reads them, with their headings.
CITED_GROUPS = {spec.kind: spec.cited_title for spec in sorted(KINDS.values(), key=lambda s: s.cited_order)}
CITED_GROUPS[GENERAL[0]] = GENERAL[1]
