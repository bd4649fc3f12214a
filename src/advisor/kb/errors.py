"""The few exception types, each with a message a user or maintainer can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .loading import Problem


class AdvisorError(Exception):
    """Base of all errors advisor reports to a user."""


SHOWN_PROBLEMS = 20   # problems of a KnowledgeBaseError spelt out in its str(); `lines()` has them all


class KnowledgeBaseError(AdvisorError):
    """The YAML under knowledge/ or rules/ is broken; carries every problem, sorted.

    `str(err)` reads on its own (a library user logs it): the count, then one `file:line: message`
    per problem. `headline` is the count alone, `lines()` every problem (what the CLI prints)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        files = {p.file for p in self.problems}
        self.headline = self.summary(len(files))
        shown = [f"  {line}" for line in self.lines()[:SHOWN_PROBLEMS]]
        rest = len(self.problems) - len(shown)
        super().__init__("\n".join([f"{self.headline}:", *shown] + ([f"  ... and {rest} more"] if rest > 0 else [])))

    def summary(self, nfiles: int) -> str:
        n = len(self.problems)
        return f"{n} error{'s' if n != 1 else ''} in {nfiles} file{'s' if nfiles != 1 else ''}"

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


MAX_ERRORS = 50   # problems described per invalid input; the rest are only counted


class SituationError(AdvisorError):
    """A situation that does not fit the input contract; `errors` lists (field path, Dutch message),
    at most MAX_ERRORS of them; `more` counts the problems left out."""

    def __init__(self, errors: list[tuple[str, str]], more: int = 0):
        self.errors = errors
        self.more = more
        text = "; ".join(f"{path}: {message}" for path, message in errors)
        super().__init__(text + (f"; en nog {more} {'fout' if more == 1 else 'fouten'}" if more else ""))
