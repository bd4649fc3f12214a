"""The rule book: every rule in Dutch words, grouped by kind, with its review state and the
scenarios that fire it. One description feeds the page /regels and docs/rules.md (`advisor docs`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..kb.kinds import KIND_INTROS, KIND_TITLES
from ..kb.paths import TEMPLATES
from ..kb.reviews import state as review_state
from ..kb.rule_models import Rule
from ..kb.situations import parse_situation
from ..kb.wording import Labels, Words, describe

if TYPE_CHECKING:
    from ..engine.advising import Advisor


@dataclass
class RuleDoc:
    rule: Rule
    when: Optional[Words]
    selector: Optional[Words]
    review: str
    scenarios: list[str]
    defined_in: str


@dataclass
class Group:
    kind: str
    title: str
    intro: str
    rules: list[RuleDoc]


def rule_book(advisor: Advisor) -> list[Group]:
    kb = advisor.kb
    labels = Labels(kb)
    fired = scenario_coverage(advisor)
    groups = []
    for kind, title in KIND_TITLES.items():
        docs = []
        for rule in (r for r in kb.rules if r.kind == kind):
            doc, position = kb.rule_docs[rule.id]
            when, selector = kb.conditions(rule)
            docs.append(RuleDoc(rule, describe(when, labels), describe(selector, labels, "instrument"),
                                review_state(rule), fired.get(rule.id, []),
                                f"rules/{doc.file.replace(chr(92), '/').rsplit('/', 1)[-1]}:{doc.line(position)}"))
        groups.append(Group(kind, title, KIND_INTROS[kind], docs))
    return groups


_coverage: dict[str, dict[str, list[str]]] = {}
_coverage_lock = threading.Lock()


def scenario_coverage(advisor: Advisor) -> dict[str, list[str]]:
    """Rule id -> names of the KB's scenarios whose advice fires it; computed once per KB version."""
    kb = advisor.kb
    with _coverage_lock:
        if kb.version in _coverage:
            return _coverage[kb.version]
        fired: dict[str, list[str]] = {}
        for scenario, (doc, _) in zip(kb.scenarios, kb.scenario_docs):
            advice = advisor.advise(parse_situation(scenario.situation))   # validated when the KB loaded
            name = f"{scenario.name} ({doc.file.replace(chr(92), '/').rsplit('/', 1)[-1]})"
            for rule_id in dict.fromkeys(f.rule for f in advice.trace):
                fired.setdefault(rule_id, []).append(name)
        _coverage.clear()
        _coverage[kb.version] = fired
        return fired


def rule_book_markdown(advisor: Advisor) -> str:
    """docs/rules.md: the rule book in Markdown (written by `advisor docs`, tested to be current)."""
    kb = advisor.kb
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

    def source(rule: Rule) -> str:
        parts = [f"rapport p. {rule.source.page}"] if rule.source.page else []
        if rule.source.instrument_field:
            parts.append(f"de pagina van elk instrument ({rule.source.instrument_field})")
        parts += [f"{a.article} {a.law}" for a in map(kb.article, rule.source.articles) if a]
        return " · ".join(parts)
    return env.get_template("regels.md").render(groups=rule_book(advisor), count=len(kb.rules),
                                                kb_version=kb.version, source=source)
