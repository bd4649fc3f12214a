"""What the HTML pages show, prepared for the templates: Dutch labels, conditions in words,
the answers of a questionnaire, catalogue filters and which scenarios exercise a rule.

Presentation only: no rule is decided here. The engine decides; this module names things.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from ..kb import conditions as cnd
from ..kb.errors import SituationError
from ..kb.kbtypes import KB
from ..kb.models import Instrument, Question, Situation
from ..kb.operators import OPERATORS
from ..kb.wording import Labels
from .reading import FitRow, fit_rows  # noqa: F401 - the templates' names (the documents share them)

log = logging.getLogger("advisor.web")



def first_upper(text: str) -> str:
    """Capitalise the first letter only ('MVI-score' stays as it is, unlike jinja's |capitalize)."""
    return text[:1].upper() + text[1:]


def condition_json(cond: Optional[cnd.Cond]) -> Optional[dict]:
    """A show_if condition as the browser script evaluates it: `all`/`any` with items, and leaves that
    carry their operator's `test` from the one table (operators.py), so the script knows no operator
    by name. `not` is pushed down to the leaves first, as the engine does."""
    if cond is None:
        return None

    def tree(cond: cnd.Cond) -> dict:
        if isinstance(cond, (cnd.All, cnd.Any_)):
            return {"op": "all" if isinstance(cond, cnd.All) else "any", "items": [tree(c) for c in cond.items]}
        if isinstance(cond, cnd.Not):
            return tree(cnd.negate(cond.item))
        value = list(cond.value) if isinstance(cond.value, tuple) else cond.value
        return {"op": cond.op, "field": cond.field, "value": value, "test": OPERATORS[cond.op].test.as_json()}
    return tree(cond)


# ---------------------------------------------------------------- the questionnaire

def shown(kb: KB, question: Question, situation: Optional[Situation]) -> bool:
    """Hide a question only when the answers so far say it does not apply (unknown keeps it)."""
    cond = kb.show_if(question)
    if cond is None or situation is None:
        return True
    result = cnd.evaluate(cond, lambda name: getattr(situation, name, None))
    return result is not False


def form_values(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The raw answers as typed, to refill the form (also when they are invalid)."""
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    return values


def error_map(err: SituationError, questions: dict[str, Question]) -> tuple[dict[str, list[str]], list[str]]:
    """Dutch messages per question field, and the ones that belong to no question."""
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    for path, message in err.errors:
        name = path.split(".")[0]
        question = questions.get(name)
        if question is not None and question.options and message.startswith("onbekende waarde"):
            # the slugs in the engine's message mean nothing on a form: point at the choices instead
            message = message.split(";")[0] + "; kies een van de antwoorden hieronder"
        if question is not None:
            by_field.setdefault(name, []).append(message)
        else:
            other.append(f"{path}: {message}")
    return by_field, other


@dataclass
class Answer:
    question: Question
    text: str


def answers(situation: Situation, labels: Labels, questions: Iterable[Question]) -> tuple[list[Answer], list[Question]]:
    """What the user answered, and the questions that apply but are still open."""
    given, open_ = [], []
    for question in questions:
        value = getattr(situation, question.field)
        if value in (None, ()):
            if shown(labels.kb, question, situation):
                open_.append(question)
            continue
        if isinstance(value, tuple):
            text = labels.values_of(value, question.field)
        else:
            text = labels.value(value, question.field)
        given.append(Answer(question, text))
    return given, open_


# ---------------------------------------------------------------- catalogue

FILTERS = {"phase": "phases", "theme": "themes", "kind": "kinds"}


def filter_options(kb: KB, labels: Labels) -> dict[str, list[tuple[str, str]]]:
    seen: dict[str, list[str]] = {name: [] for name in FILTERS}
    for instrument in kb.instruments:
        for name, attr in FILTERS.items():
            for value in getattr(instrument, attr):
                if value not in seen[name]:
                    seen[name].append(value)
    return {name: [(v, labels.value(v, scope="instrument")) for v in values] for name, values in seen.items()}


def filter_instruments(kb: KB, labels: Labels, query: dict[str, str]) -> tuple[list[Instrument], dict[str, str]]:
    """Instruments matching every chosen filter, and a Dutch message per unknown filter value."""
    options = filter_options(kb, labels)
    errors = {name: f"onbekende waarde '{query[name]}'; kies uit: {', '.join(v for v, _ in options[name])}"
              for name in FILTERS if query.get(name) and query[name] not in dict(options[name])}
    chosen = {name: query[name] for name in FILTERS if query.get(name) and name not in errors}
    found = [i for i in kb.instruments if all(value in getattr(i, FILTERS[name]) for name, value in chosen.items())]
    return found, errors


# ---------------------------------------------------------------- rule texts as templates

PLACEHOLDER_GLUED = re.compile(r"\{([a-z_.]+)\}[a-z]*")
PLACEHOLDER_NAMES = {"instrument": "het instrument"}


def rule_text(text: str) -> str:
    """A rule's text as the rules page shows it: each placeholder as what fills it, in brackets ('[het
    instrument]', '[fase]'), a suffix glued to it ('{phase}sfase') dropped with the braces."""
    def name(match: re.Match) -> str:
        field = match.group(1)
        if field in PLACEHOLDER_NAMES:
            return f"[{PLACEHOLDER_NAMES[field]}]"
        words = {"phase": "fase", "province": "provincie", "municipality": "gemeente", "levels": "niveaus",
                 "measured_by": "wie meet", "contract_value_eur": "geraamde waarde"}
        last = field.split(".")[-1]
        return f"[{words.get(last, last.replace('_', ' '))}]"
    return PLACEHOLDER_GLUED.sub(name, text)
