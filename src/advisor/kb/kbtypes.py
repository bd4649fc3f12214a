"""The knowledge base as the modules that read it see it: a Protocol, so that they are typed without
importing `knowledge` (which calls `checking` while it loads; a Protocol keeps that one-way)."""

from __future__ import annotations

from typing import Optional, Protocol

from .conditions import Cond
from .goal_matrix import GoalEntry
from .loading import Document
from .models import Article, Instrument, Legal, Question, Questionnaire, StepSpec, Term
from .rule_models import Rule
from .scenarios import Scenario


class KB(Protocol):
    """What is read of a knowledge base; knowledge.KnowledgeBase is one."""
    version: str
    instruments: tuple[Instrument, ...]
    glossary: tuple[Term, ...]
    legal: Legal
    questionnaire: Questionnaire
    rules: tuple[Rule, ...]
    goal_matrix: tuple[GoalEntry, ...]
    next_steps: tuple[StepSpec, ...]
    scenarios: tuple[Scenario, ...]
    scenario_docs: tuple[tuple[Document, int], ...]
    docs: dict[str, Document]
    rule_docs: dict[str, tuple[Document, tuple]]

    def instrument(self, instrument_id: str) -> Optional[Instrument]: ...

    def rule(self, rule_id: str) -> Optional[Rule]: ...

    def article(self, article_id: str) -> Optional[Article]: ...

    def conditions(self, rule: Rule) -> tuple[Optional[Cond], Optional[Cond]]: ...

    def show_if(self, question: Question) -> Optional[Cond]: ...
