"""What the HTML pages show, prepared for the templates: Dutch labels, conditions in words,
the answers of a questionnaire, catalogue filters and which scenarios exercise a rule.

Presentation only: no rule is decided here. The engine decides; this module names things.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from . import conditions as cnd
from .checking import derived_facts
from .errors import SituationError
from .formatting import humanize, money
from .models import Instrument, Question, Situation
from .situations import parse_situation

log = logging.getLogger("advisor.web")

KIND_TITLES = {"exclude": "Uitsluiten", "score": "Punten", "caveat": "Kanttekeningen", "fit": "Wensen",
               "derive": "Afgeleide feiten"}
KIND_INTROS = {
    "exclude": "Deze regels halen een instrument uit het advies als uw situatie het uitsluit.",
    "score": "Deze regels geven punten vóór (of tegen) een instrument; de som bepaalt de volgorde.",
    "caveat": "Deze regels voegen een juridische of praktische kanttekening toe; ze veranderen de score niet.",
    "fit": ("Deze regels beoordelen per instrument of het past bij één antwoord van u (voldoet, deels, voldoet "
            "niet, onbekend); ze veranderen de score niet."),
    "derive": "Deze regels leiden feiten af uit uw antwoorden, zoals de Europese drempel; andere regels gebruiken ze.",
}
# The rules citing an article, per group (articles.GROUPS), on /artikelen/{id}.
ARTICLE_GROUP_TITLES = {
    "derive": "Afgeleide feiten",
    "score": "Punten",
    "exclude": "Uitsluiten",
    "caveat": "Kanttekeningen bij instrumenten",
    "fit": "Wensen",
    "general": "Algemene kanttekeningen",
}


def first_upper(text: str) -> str:
    """Capitalise the first letter only ('MVI-score' stays as it is, unlike jinja's |capitalize)."""
    return text[:1].upper() + text[1:]


class Labels:
    """Dutch names of situation fields, instrument attributes and vocabulary values."""

    def __init__(self, kb):
        self.kb = kb
        self.questions = {q.field: q for q in kb.questionnaire.questions}
        self.fields = kb.questionnaire.labels.fields
        self.values = kb.questionnaire.labels.values
        self.facts = {name: rule.derive.label for name, rule in derived_facts(kb).items()}

    def question(self, name: str) -> Optional[Question]:
        return self.questions.get(name)

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
        if name == "contract_value_eur" or (name or "").startswith("derived.") and isinstance(value, (int, float)):
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


def describe(raw: Optional[dict], labels: Labels, scope: str = "situation") -> Optional[Words]:
    if raw is None:
        return None
    return _words(cnd.parse(raw), labels, scope)


def _words(cond, labels: Labels, scope: str) -> Words:
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


PHRASES = {
    "equals": "{n} is {v}",
    "not_equals": "{n} is bekend en is niet {v}",
    "in": "{n} is {v}",
    "not_in": "{n} is bekend en is niet {v}",
    "contains": "{n} bevat {v}",
    "contains_any": "{n} bevat {v}",
    "contains_all": "{n} bevat {v}",
    "contains_none": "{n} is ingevuld maar bevat niet {v}",
    "within": "{n} is ingevuld en bevat alleen {v}",
    "not_within": "{n} bevat iets anders dan {v}",
    "gte": "{n} is minstens {v}",
    "lte": "{n} is hoogstens {v}",
    "gt": "{n} is meer dan {v}",
    "lt": "{n} is minder dan {v}",
}
# Comparisons with a list attribute of the instrument ("$instrument.phases").
REF_PHRASES = dict(PHRASES, **{
    "in": "{n} is een van {v}",
    "not_in": "{n} is bekend en is geen van {v}",
    "contains_any": "{n} bevat ten minste één van {v}",
    "contains_all": "{n} bevat alle {v}",
    "contains_none": "{n} is ingevuld maar bevat geen van {v}",
    "within": "{n} is ingevuld en valt helemaal binnen {v}",
    "not_within": "{n} valt niet helemaal binnen {v}",
})


def _leaf(leaf: cnd.Leaf, labels: Labels, scope: str) -> str:
    name = labels.field(leaf.field, scope)
    if leaf.field.startswith("derived."):
        return name if leaf.value else f"niet: {name}"
    if leaf.op == "exists":
        if scope == "instrument":
            return f"{name} is opgegeven" if leaf.value else f"{name} is niet opgegeven"
        return f"{name} is bekend" if leaf.value else f"{name} is onbekend"
    if scope == "instrument" and isinstance(leaf.value, bool):
        return name if leaf.value else f"niet {name}"
    if scope == "instrument" and leaf.op == "contains_none":
        return f"{name} bevat niet {_operand(leaf, labels, scope)}"
    phrases = REF_PHRASES if isinstance(leaf.value, cnd.Ref) else PHRASES
    joiner = "en" if leaf.op == "contains_all" else "of"
    return phrases[leaf.op].format(n=name, v=_operand(leaf, labels, scope, joiner))


def condition_json(raw: Optional[dict]) -> Optional[dict]:
    """A show_if condition in the normalised form the browser script evaluates (no `not`)."""
    if raw is None:
        return None

    def tree(cond) -> dict:
        if isinstance(cond, (cnd.All, cnd.Any_)):
            return {"op": "all" if isinstance(cond, cnd.All) else "any", "items": [tree(c) for c in cond.items]}
        if isinstance(cond, cnd.Not):
            return tree(cnd.negate(cond.item))
        value = list(cond.value) if isinstance(cond.value, tuple) else cond.value
        return {"op": cond.op, "field": cond.field, "value": value}
    return tree(cnd.parse(raw))


# ---------------------------------------------------------------- the questionnaire

def shown(question: Question, situation: Optional[Situation]) -> bool:
    """Hide a question only when the answers so far say it does not apply (unknown keeps it)."""
    if question.show_if is None or situation is None:
        return True
    result = cnd.evaluate(cnd.parse(question.show_if), lambda name: getattr(situation, name, None))
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


FIT_MARKS = {"voldoet": ("✔", "voldoet"), "deels": ("◐", "voldoet deels"), "voldoet_niet": ("✘", "voldoet niet"),
             "onbekend": ("?", "onbekend")}


@dataclass
class FitRow:
    question: str
    answer: str
    cells: list   # one Fit (or None) per compared instrument


def fit_rows(recommendations) -> list[FitRow]:
    """One row per answered wish for the top-3 table, in the order the first instrument lists them."""
    rows: dict[tuple, FitRow] = {}
    for column, rec in enumerate(recommendations):
        for fit in rec.fit:
            row = rows.setdefault((fit.answer, fit.value),
                                  FitRow(fit.question, fit.answer_text, [None] * len(recommendations)))
            row.cells[column] = fit
    return list(rows.values())


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
            if shown(question, situation):
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


def filter_options(kb, labels: Labels) -> dict[str, list[tuple[str, str]]]:
    seen: dict[str, list[str]] = {name: [] for name in FILTERS}
    for instrument in kb.instruments:
        for name, attr in FILTERS.items():
            for value in getattr(instrument, attr):
                if value not in seen[name]:
                    seen[name].append(value)
    return {name: [(v, labels.value(v, scope="instrument")) for v in values] for name, values in seen.items()}


def filter_instruments(kb, labels: Labels, query: dict[str, str]) -> tuple[list[Instrument], dict[str, str]]:
    """Instruments matching every chosen filter, and a Dutch message per unknown filter value."""
    options = filter_options(kb, labels)
    errors = {name: f"onbekende waarde '{query[name]}'; kies uit: {', '.join(v for v, _ in options[name])}"
              for name in FILTERS if query.get(name) and query[name] not in dict(options[name])}
    chosen = {name: query[name] for name in FILTERS if query.get(name) and name not in errors}
    found = [i for i in kb.instruments if all(value in getattr(i, FILTERS[name]) for name, value in chosen.items())]
    return found, errors


# ---------------------------------------------------------------- scenarios per rule

_coverage: dict[str, dict[str, list[str]]] = {}
_coverage_lock = threading.Lock()


def scenario_coverage(advisor) -> dict[str, list[str]]:
    """Rule id -> names of the KB's scenarios whose advice fires it; computed once per KB version."""
    kb = advisor.kb
    with _coverage_lock:
        if kb.version in _coverage:
            return _coverage[kb.version]
        fired: dict[str, list[str]] = {}
        for scenario, (doc, _) in zip(kb.scenarios, kb.scenario_docs):
            advice = advisor.advise(parse_situation(scenario.situation))   # validated when the KB loaded
            name = f"{scenario.name} ({doc.file.rsplit('/', 1)[-1]})"
            for rule_id in dict.fromkeys(f.rule for f in advice.trace):
                fired.setdefault(rule_id, []).append(name)
        _coverage.clear()
        _coverage[kb.version] = fired
        return fired
