"""The knowledge base as one value: instruments, glossary, legal facts, questions and rules."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from . import conditions as cnd
from .checking import check, parse_rule
from .citations import fixed_appendix_pages
from .conditions import Cond
from .errors import KnowledgeBaseError
from .goal_matrix import GoalEntry, check_matrix
from .loading import Document, Problem, YamlError, read_yaml, validate
from .models import Article, Instrument, Legal, Question, Questionnaire, StepSpec, Term
from .rule_models import Rule
from .scenarios import Scenario

KNOWLEDGE_FILES = ("instruments.yaml", "glossary.yaml", "legal.yaml", "questions.yaml", "goal_matrix.yaml",
                   "next_steps.yaml")


@dataclass
class KnowledgeBase:
    root: Path
    version: str
    instruments: tuple[Instrument, ...]
    glossary: tuple[Term, ...]
    legal: Legal
    questionnaire: Questionnaire
    rules: tuple[Rule, ...]
    goal_matrix: tuple[GoalEntry, ...] = ()
    next_steps: tuple[StepSpec, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    scenario_docs: tuple[tuple[Document, int], ...] = field(default=(), repr=False)   # file and index of each
    docs: dict[str, Document] = field(default_factory=dict, repr=False)
    rule_docs: dict[str, tuple[Document, tuple]] = field(default_factory=dict, repr=False)

    def instrument(self, instrument_id: str) -> Optional[Instrument]:
        return self._instruments.get(instrument_id)

    def rule(self, rule_id: str) -> Optional[Rule]:
        return self._rules.get(rule_id)

    def article(self, article_id: str) -> Optional[Article]:
        return next((a for a in self.legal.articles if a.id == article_id), None)

    def conditions(self, rule: Rule) -> tuple[Optional[Cond], Optional[Cond]]:
        """The rule's `when` and its `instruments` selector as condition trees (None where absent), parsed
        once: `check` parses every rule while the KB loads (reporting what is wrong, at its line), and the
        checker, compiler, wording and pages read the same trees from here."""
        found = self._conditions.get(rule.id)
        if found is None:
            found = self._conditions[rule.id] = parse_rule(rule)
        return found

    def show_if(self, question: Question) -> Optional[Cond]:
        """A question's `show_if` as a condition tree, parsed once (checked at load)."""
        if question.show_if is None:
            return None
        found = self._show_if.get(question.field)
        if found is None:
            found = self._show_if[question.field] = cnd.parse(question.show_if)
        return found

    def __post_init__(self) -> None:
        self._instruments = {i.id: i for i in self.instruments}
        self._rules = {r.id: r for r in self.rules}
        self._conditions: dict[str, tuple[Optional[Cond], Optional[Cond]]] = {}
        self._show_if: dict[str, Cond] = {}

    def counts(self) -> dict[str, int]:
        return {"instruments": len(self.instruments), "rules": len(self.rules),
                "questions": len(self.questionnaire.questions), "terms": len(self.glossary),
                "articles": len(self.legal.articles), "thresholds": len(self.legal.thresholds),
                "scenarios": len(self.scenarios)}


def default_root() -> Path:
    """The default KB: $ADVISOR_KB, else the one shipped with the package (paths.SHIPPED: the wheel's
    copy, or the checkout of an editable install), else the working dir."""
    if os.environ.get("ADVISOR_KB"):
        return Path(os.environ["ADVISOR_KB"])
    from .paths import SHIPPED
    if (SHIPPED / "knowledge").is_dir():
        return SHIPPED
    return Path.cwd()


def kb_files(root: Path) -> list[Path]:
    files = [root / "knowledge" / name for name in KNOWLEDGE_FILES]
    files += sorted((root / "rules").glob("*.yaml"))
    files += sorted((root / "knowledge" / "scenarios").glob("*.yaml"))
    return files


def version_of(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _read(path: Path, problems: list[Problem]) -> Optional[Document]:
    if not path.exists():
        problems.append(Problem(str(path), 1, "file not found"))
        return None
    try:
        return read_yaml(path)
    except YamlError as err:
        problems.append(err.problem)
        return None


def _list_of(doc: Document, model: Any, label: str, problems: list[Problem], indexed: bool = False) -> list:
    """The valid items of a list file (with their index in the file when `indexed`)."""
    if not isinstance(doc.data, list):
        problems.append(doc.problem((), f"expected a list of {label}s at the top of the file"))
        return []
    items = []
    for index, raw in enumerate(doc.data):
        name = (raw.get("id") or raw.get("name")) if isinstance(raw, dict) else None
        prefix = f"{label} '{name}': " if name else f"{label} #{index + 1}: "
        item, found = validate(model, raw, doc, (index,), prefix)
        problems.extend(found)
        if item is not None:
            items.append((index, item) if indexed else item)
    return items


def load(root: Optional[Path] = None) -> KnowledgeBase:
    """Read and check everything; raise KnowledgeBaseError with all problems at once."""
    root = Path(root) if root else default_root()
    problems: list[Problem] = []
    if not (root / "knowledge").is_dir():
        raise KnowledgeBaseError([Problem(str(root), 1, "no 'knowledge' folder here: expected a folder holding knowledge/ and rules/")])
    docs = {name: _read(root / "knowledge" / name, problems) for name in KNOWLEDGE_FILES}
    instruments = _list_of(docs["instruments.yaml"], Instrument, "instrument", problems) \
        if docs["instruments.yaml"] else []
    glossary = _list_of(docs["glossary.yaml"], Term, "term", problems) if docs["glossary.yaml"] else []
    matrix = _list_of(docs["goal_matrix.yaml"], GoalEntry, "goal", problems) if docs["goal_matrix.yaml"] else []
    steps = _list_of(docs["next_steps.yaml"], StepSpec, "step", problems) if docs["next_steps.yaml"] else []
    if docs["goal_matrix.yaml"] and not problems:
        problems += check_matrix(tuple(matrix), instruments, docs["goal_matrix.yaml"])
    legal = questionnaire = None
    if docs["legal.yaml"]:
        legal, found = validate(Legal, docs["legal.yaml"].data, docs["legal.yaml"], ())
        problems.extend(found)
    if docs["questions.yaml"]:
        questionnaire, found = validate(Questionnaire, docs["questions.yaml"].data, docs["questions.yaml"], ())
        problems.extend(found)
    rules: list[Rule] = []
    rule_docs: dict[str, tuple[Document, tuple]] = {}
    rule_ids: list[tuple[Document, int, str]] = []  # every id as written, duplicates included
    for path in sorted((root / "rules").glob("*.yaml")):
        doc = _read(path, problems)
        if doc is None:
            continue
        positions: dict[str, int] = {}
        for index, raw in enumerate(doc.data if isinstance(doc.data, list) else []):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                rule_ids.append((doc, index, raw["id"]))
                positions.setdefault(raw["id"], index)
        for rule in _list_of(doc, Rule, "rule", problems):
            rules.append(rule)
            rule_docs.setdefault(rule.id, (doc, (positions[rule.id],)))
    scenarios: list[Scenario] = []
    scenario_docs: list[tuple[Document, int]] = []
    for path in sorted((root / "knowledge" / "scenarios").glob("*.yaml")):
        doc = _read(path, problems)
        if doc is None:
            continue
        for index, scenario in _list_of(doc, Scenario, "scenario", problems, indexed=True):
            scenarios.append(scenario)
            scenario_docs.append((doc, index))
    if problems or legal is None or questionnaire is None:
        raise KnowledgeBaseError(problems)
    kb = KnowledgeBase(root=root, version=version_of(kb_files(root)), instruments=tuple(instruments),
                       glossary=tuple(glossary), legal=legal, questionnaire=questionnaire, rules=tuple(rules),
                       goal_matrix=tuple(matrix), next_steps=tuple(steps), scenarios=tuple(scenarios),
                       scenario_docs=tuple(scenario_docs),
                       docs={k: v for k, v in docs.items() if v}, rule_docs=rule_docs)
    problems = sorted(check(kb, rules_in_files=rule_ids) + fixed_appendix_pages(kb))
    if problems:
        raise KnowledgeBaseError(problems)
    return kb

