"""Worked scenarios: a situation and what the advice must say, kept in the KB (knowledge/scenarios/).

They are read and validated with the rest of the KB (`advisor check` reports a misspelt key, an
unknown instrument or rule, an empty `expect` or a situation that does not validate, each at its
path:line), shown to legal reviewers on /regels, run as tests, and compared by `advisor diff`.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, model_validator

from .models import PageSource, Strict
from .vocab import Goal

Words = tuple[str, ...]


class Expect(Strict):
    """What the advice must say. Every key is a check; instrument and rule ids are validated."""
    first: Optional[str] = None                     # the top recommendation
    top: tuple[str, ...] = ()                       # all of these in the first len(top)
    not_top: tuple[str, ...] = ()                   # none of these in the first 3
    recommended: tuple[str, ...] = ()
    not_recommended: tuple[str, ...] = ()
    recommendations: Optional[int] = Field(default=None, ge=0)   # how many are recommended
    excluded: dict[str, str] = Field(default_factory=dict)        # instrument -> word in its exclusion
    why_not: dict[str, str] = Field(default_factory=dict)         # instrument -> word in its why-not
    caveats: dict[str, Words] = Field(default_factory=dict)       # instrument -> words in its caveats
    mentions: dict[str, Words] = Field(default_factory=dict)      # instrument -> words said of it anywhere
    absent: dict[str, Words] = Field(default_factory=dict)        # instrument -> words never said of it
    steps: dict[str, Words] = Field(default_factory=dict)         # instrument -> words in its 'Aan de slag'
    absent_steps: dict[str, Words] = Field(default_factory=dict)  # instrument -> words no step of it says
    nearest: dict[Goal, tuple[str, ...]] = Field(default_factory=dict)   # unmet goal -> exactly these nearest
    general_caveats: Words = ()
    absent_general: Words = ()
    derived: dict[str, Any] = Field(default_factory=dict)         # fact -> value
    fires: tuple[str, ...] = ()                                   # rule ids that must fire
    not_fires: tuple[str, ...] = ()
    unmet_goals: Optional[tuple[Goal, ...]] = None                 # exactly these goals unmet, in order

    @model_validator(mode="after")
    def _checks_something(self) -> "Expect":
        if not self.model_fields_set:
            raise ValueError("'expect' is empty: a scenario must check something")
        # an empty list or mapping checks nothing (`unmet_goals: []` does: no goal may stay unmet)
        empty = [key for key in sorted(self.model_fields_set - {"unmet_goals", "recommendations"})
                 if getattr(self, key) in ((), {})]
        if empty:
            raise ValueError(f"'{empty[0]}' is empty and checks nothing: name what it must check, or drop it")
        return self

    def instrument_ids(self) -> list[tuple[tuple, str]]:
        found: list[tuple[tuple, str]] = [(("first",), self.first)] if self.first else []
        for key in ("top", "not_top", "recommended", "not_recommended"):
            found += [((key, i), v) for i, v in enumerate(getattr(self, key))]
        for key in ("excluded", "why_not", "caveats", "mentions", "absent", "steps", "absent_steps"):
            found += [((key, v), v) for v in getattr(self, key)]
        found += [(("nearest", goal, i), v) for goal, ids in self.nearest.items() for i, v in enumerate(ids)]
        return found


class Scenario(Strict):
    name: str = Field(min_length=1)
    source: PageSource
    situation: dict[str, Any] = Field(default_factory=dict)
    expect: Expect
