"""Rules and conditions in Dutch words, for /regels, /artikelen and docs/rules.md alike.

Names come from the questionnaire (knowledge/questions.yaml: questions, `labels`); no rule is
decided here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from . import conditions as cnd
from .checking import derived_facts
from .fields import MONEY_FIELDS
from .formatting import humanize, money
from .operators import OPERATORS

if TYPE_CHECKING:
    from .kbtypes import KB


class Labels:
    """Dutch names of situation fields, instrument attributes and vocabulary values."""

    def __init__(self, kb: KB):
        self.kb = kb
        self.questions = {q.field: q for q in kb.questionnaire.questions}
        self.fields = kb.questionnaire.labels.fields
        self.values = kb.questionnaire.labels.values
        self.facts = {name: rule.derive.label for name, rule in derived_facts(kb).items()}

    def field(self, name: str, scope: str = "situation") -> str:
        if scope == "instrument":
            return self.fields.get(name, humanize(name))
        if name.startswith("derived."):
            return self.facts.get(name.removeprefix("derived."), humanize(name))
        question = self.questions.get(name)
        return (question.short or question.label) if question else humanize(name)

    def value(self, value: Any, name: Optional[str] = None, scope: str = "situation") -> str:
        if isinstance(value, bool):
            return "ja" if value else "nee"
        if name in MONEY_FIELDS or (name or "").startswith("derived.") and isinstance(value, (int, float)):
            return money(value)
        if isinstance(value, dt.date):
            return value.strftime("%d-%m-%Y")
        if scope == "instrument" and name == "id":
            instrument = self.kb.instrument(str(value))
            return instrument.name if instrument else str(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        question = self.questions.get(name or "") if scope == "situation" else None
        if question:
            for option in question.options:
                if option.value == text:
                    return option.label
        return self.values.get(text, humanize(text))

    def values_of(self, values: Iterable[Any], name: Optional[str] = None, scope: str = "situation") -> str:
        return ", ".join(self.value(v, name, scope) for v in values)


# ---------------------------------------------------------------- conditions in words

@dataclass
class Words:
    """A condition in Dutch: a sentence, or a list of parts joined by 'alle' / 'ten minste één'."""
    text: str = ""
    join: Optional[str] = None
    items: list["Words"] = field(default_factory=list)


def describe(cond: Optional[cnd.Cond], labels: Labels, scope: str = "situation") -> Optional[Words]:
    """A condition (as the KB parsed it: KnowledgeBase.conditions) in Dutch words; None for none."""
    if cond is None:
        return None
    return _words(cond, labels, scope)


def _words(cond: cnd.Cond, labels: Labels, scope: str) -> Words:
    if isinstance(cond, cnd.All):
        return Words(join="alle", items=[_words(c, labels, scope) for c in cond.items])
    if isinstance(cond, cnd.Any_):
        return Words(join="een", items=[_words(c, labels, scope) for c in cond.items])
    if isinstance(cond, cnd.Not):
        return _words(cnd.negate(cond.item), labels, scope)
    return Words(text=_leaf(cond, labels, scope))


def _operand(leaf: cnd.Leaf, labels: Labels, scope: str, joiner: str = "of") -> str:
    value = leaf.value
    if isinstance(value, cnd.Ref):
        if value.scope == "instrument":
            return f"de {labels.field(value.name, 'instrument')} van het instrument"
        return f"de afgeleide waarde '{labels.facts.get(value.name, value.name)}'"
    if isinstance(value, tuple):
        names = [labels.value(v, leaf.field, scope) for v in value]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {joiner} {names[-1]}"
    return labels.value(value, leaf.field, scope)


def _leaf(leaf: cnd.Leaf, labels: Labels, scope: str) -> str:
    name = labels.field(leaf.field, scope)
    if leaf.field.startswith("derived."):
        return name if leaf.value else f"niet: {name}"
    op = OPERATORS[leaf.op]
    attribute = scope == "instrument"
    if attribute and isinstance(leaf.value, bool) and op.operand != "flag":
        return name if leaf.value else f"niet {name}"
    words = op.wording(leaf.value, ref=isinstance(leaf.value, cnd.Ref), attribute=attribute)
    return words.format(n=name, v=_operand(leaf, labels, scope, op.joiner))
