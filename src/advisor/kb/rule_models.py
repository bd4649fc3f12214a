"""The rules as pydantic models: one model per kind (derive, score, exclude, caveat, fit), each with only
its own fields, told apart by `kind` (`Rule`, a discriminated union). `loading.validate` reports a field
that belongs to another kind as such, at its line."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Field, model_validator

from .models import Source, Strict
from .vocab import Goal, Verdict

__all__ = ["RuleKind", "Review", "Undecided", "Derivation", "RuleBase", "DeriveRule", "InstrumentRule", "ScoreRule",
           "ExcludeRule", "CaveatRule", "FitRule", "Rule"]

RuleKind = Literal["exclude", "score", "caveat", "derive", "fit"]


class Review(Strict):
    """Who approved the rule, when, and the hash of its meaning then (reviews.meaning_hash)."""
    by: str = Field(min_length=1)
    on: dt.date
    hash: str = Field(pattern=r"^[0-9a-f]{12}$")


class Undecided(Strict):
    """For a table derivation: the fact asserted when the answers leave the table's value open."""
    fact: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str


class Derivation(Strict):
    fact: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    value: Any = True
    label: str
    from_table: Optional[Literal["eu_thresholds"]] = None
    undecided: Optional[Undecided] = None
    # For a table derivation: the fact asserted when the reference date lies in no period of the table
    # (a value is given, but the table has no amount for that date).
    outside: Optional[Undecided] = None

    @model_validator(mode="after")
    def _undecided_needs_table(self) -> "Derivation":
        if (self.undecided is not None or self.outside is not None) and self.from_table is None:
            raise ValueError("'undecided' and 'outside' only go with 'from_table'")
        return self


class RuleBase(Strict):
    """What every rule has. Each kind adds only its own fields (see `Rule`)."""
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: RuleKind
    title: str
    when: Optional[dict[str, Any]] = None
    rationale: str
    source: Source
    review: Optional[Review] = None

    @property
    def is_general(self) -> bool:
        """A caveat on the advice as a whole (only a caveat rule can be one, with `general: true`)."""
        return False

    @property
    def about_instruments(self) -> bool:
        """Whether the rule's effect lands on instruments (not a derived fact, not a general caveat)."""
        return False


class DeriveRule(RuleBase):
    """Derives a fact from the situation (forward chaining): other rules read it as `derived.<fact>`."""
    kind: Literal["derive"]
    derive: Derivation


class InstrumentRule(RuleBase):
    """A rule whose effect lands on instruments: those that `instruments` selects (all when absent)."""
    instruments: Optional[dict[str, Any]] = None
    text: str = Field(min_length=1)   # Dutch, shown in the advice
    # Lex specialis: where this rule fires on an instrument, these rules do not apply to it.
    supersedes: tuple[str, ...] = ()

    @property
    def about_instruments(self) -> bool:
        return not self.is_general


class ScoreRule(InstrumentRule):
    kind: Literal["score"]
    points: int
    # Relevance (docs/architecture.md, "What makes an advice right"): which stated goals the instruments of a
    # score rule serve; an off-topic rule says the instrument is beside the user's question and so serves no goal.
    serves: tuple[Goal, ...] = ()
    off_topic: bool = False
    # A hard constraint of the user (no budget at all): the instruments this rule fires on rank after
    # every instrument it does not fire on, whatever their points; they stay in the list with the
    # reason, so the cost is shown rather than silently excluded.
    ranks_last: bool = False

    @model_validator(mode="after")
    def _points_fit_relevance(self) -> "ScoreRule":
        if not self.points:
            raise ValueError("a 'score' rule needs non-zero 'points'")
        if self.serves and self.points < 0:
            raise ValueError("'serves' belongs on a 'score' rule with positive 'points'")
        if self.off_topic and self.points > 0:
            raise ValueError("'off_topic' belongs on a 'score' rule with negative 'points'")
        if self.ranks_last and self.points > 0:
            raise ValueError("'ranks_last' belongs on a 'score' rule with negative 'points'")
        return self


class ExcludeRule(InstrumentRule):
    kind: Literal["exclude"]


class CaveatRule(InstrumentRule):
    kind: Literal["caveat"]
    general: bool = False   # a caveat on the advice as a whole, not on any instrument

    @property
    def is_general(self) -> bool:
        return self.general

    @model_validator(mode="after")
    def _general_has_no_instruments(self) -> "CaveatRule":
        if self.general and self.instruments is not None:
            raise ValueError("a 'general' caveat applies to no instrument: drop 'instruments'")
        if self.general and self.supersedes:
            raise ValueError("'supersedes' works per instrument: not on 'general' or 'derive' rules")
        return self


class FitRule(InstrumentRule):
    """Judges one answer of the user per instrument: `answer` is the situation field (and `value`, for
    a list field, the chosen value it is about), `verdict` the judgement."""
    kind: Literal["fit"]
    answer: str
    value: Optional[str] = None
    verdict: Verdict


# A rule is one of the kinds, told apart by `kind`; each kind allows only its own fields.
Rule = Annotated[Union[DeriveRule, ScoreRule, ExcludeRule, CaveatRule, FitRule], Field(discriminator="kind")]
