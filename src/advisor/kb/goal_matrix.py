"""The report's own table of which instruments it names for each goal, per phase.

It is the yardstick the rules are tested against (tests/test_goal_matrix.py), kept in the KB
(knowledge/goal_matrix.yaml) so a maintainer corrects it where the report is read differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from pydantic import Field, model_validator

from .loading import Document, Problem, did_you_mean
from .models import Instrument, Strict
from .vocab import Goal, Phase, values


class Named(Strict):
    instrument: str
    phases: tuple[Phase, ...] = Field(min_length=1)
    pages: tuple[int, ...] = Field(min_length=1)
    note: str


class Mentioned(Strict):
    instrument: str
    pages: tuple[int, ...] = Field(min_length=1)
    note: str


class GoalEntry(Strict):
    goal: Goal
    named: tuple[Named, ...] = ()
    not_followed: tuple[Mentioned, ...] = ()
    unsuitable: tuple[Mentioned, ...] = ()

    @model_validator(mode="after")
    def _once(self) -> "GoalEntry":
        ids = [n.instrument for n in self.named + self.not_followed + self.unsuitable]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"goal '{self.goal}': an instrument is named, not followed or unsuitable, "
                             f"never two of these: {', '.join(twice)}")
        return self

    def named_in(self, phase: Optional[str]) -> set[str]:
        """The instruments named for this goal in `phase` (in any phase when it is unknown)."""
        return {n.instrument for n in self.named if phase is None or phase in n.phases}


def check_matrix(entries: tuple[GoalEntry, ...], instruments: Iterable[Instrument], doc: Document) -> list[Problem]:
    """Every goal once, known instrument ids, and phases the instrument itself has."""
    problems = []
    by_id = {i.id: i for i in instruments}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.goal in seen:
            problems.append(doc.problem((index, "goal"), f"goal '{entry.goal}' appears twice"))
        seen.add(entry.goal)
        for part in ("named", "not_followed", "unsuitable"):
            for j, item in enumerate(getattr(entry, part)):
                instrument = by_id.get(item.instrument)
                where = (index, part, j)
                if instrument is None:
                    problems.append(doc.problem(where + ("instrument",), f"goal '{entry.goal}': unknown instrument "
                                                f"'{item.instrument}'{did_you_mean(item.instrument, by_id)}"))
                elif part == "named" and not set(item.phases) <= set(instrument.phases):
                    extra = ", ".join(sorted(set(item.phases) - set(instrument.phases)))
                    problems.append(doc.problem(where + ("phases",), f"goal '{entry.goal}': '{item.instrument}' "
                                                f"has no phase {extra} in instruments.yaml"))
    missing = [g for g in values(Goal) if g not in seen]
    if missing:
        problems.append(doc.problem((), f"goals missing from the matrix: {', '.join(missing)}"))
    return problems
