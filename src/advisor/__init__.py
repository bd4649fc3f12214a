"""advisor: which instrument of "Zicht op sociale impact" (2022) measures or monitors the social
impact of a purchase, and why.

The library API for embedders::

    from advisor import Advisor, Situation

    advisor = Advisor.default()            # the shipped KB (or $ADVISOR_KB); build once, reuse
    advice = advisor.advise(Situation(phase="uitvoering", goals=("sr_monitoren",)))
    advice.recommendations[0].name
    situation = read_situation({"phase": "uitvoering"})   # JSON data or text, read as the API reads it

`read_situation` raises `SituationError` (every problem, in Dutch); `Advisor.from_root` raises
`KnowledgeBaseError` (every `file:line: message`). Both derive from `AdvisorError`.

`Advisor`, `Situation` and `Advice` are imported on first use, so `import advisor` (and reading
`advisor.__version__`) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"   # the one place: pyproject.toml reads it ([tool.hatch.version])

__all__ = ["Advice", "AdvisorError", "Advisor", "CompactAdvice", "KnowledgeBaseError", "Situation", "SituationError",
           "__version__", "read_situation"]

_LAZY = {"Advisor": ".engine.advising", "Situation": ".kb.models", "Advice": ".engine.advice",
         "CompactAdvice": ".engine.compact", "read_situation": ".kb.situations", "AdvisorError": ".kb.errors",
         "KnowledgeBaseError": ".kb.errors", "SituationError": ".kb.errors"}

if TYPE_CHECKING:
    from .engine.advice import Advice
    from .engine.advising import Advisor
    from .engine.compact import CompactAdvice
    from .kb.errors import AdvisorError, KnowledgeBaseError, SituationError
    from .kb.models import Situation
    from .kb.situations import read_situation


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
