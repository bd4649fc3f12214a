"""The words of `advisor diff` for the lawyer: field names in Dutch, a situation in the questionnaire's
words, and a word-level comparison of an old and a new sentence (Markdown marks: ~~weg~~ **erbij**), and what
kind of change an advice underwent (the diff's headline: top 3, scores, wording, other).
Imports no engine: `impact_diff` computes, `impact_report` renders, both use these words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from ..engine.advice import Advice
    from ..kb.models import Situation
    from ..kb.wording import Labels

__all__ = ["RULE_FIELDS", "THRESHOLD_FIELDS", "field_label", "situation_words", "word_diff", "is_wording", "category",
           "scenario_status"]

RULE_FIELDS = {"id": "id", "kind": "soort", "title": "titel", "when": "voorwaarden", "instruments": "instrumenten",
               "points": "punten", "serves": "dient doelen", "off_topic": "buiten het thema", "supersedes": "vervangt",
               "text": "tekst", "rationale": "motivering", "source": "bron", "general": "algemeen",
               "answer": "antwoord", "value": "waarde", "verdict": "oordeel", "derive": "afleiding"}
THRESHOLD_FIELDS = {"id": "id", "label": "omschrijving", "amount_eur": "bedrag", "valid_from": "geldig vanaf",
                    "valid_to": "geldig tot", "contract_types": "soorten opdracht",
                    "authorities": "aanbestedende diensten", "source": "bron"}
_WORDY = re.compile(r"\s")


def field_label(kind: str, name: str, labels: Optional[Labels] = None) -> str:
    """A KB field in Dutch: rules and thresholds from the tables above, instrument attributes as the
    questionnaire names them (knowledge/questions.yaml `labels.fields`)."""
    if kind == "rules":
        return RULE_FIELDS.get(name, name)
    if kind == "thresholds":
        return THRESHOLD_FIELDS.get(name, name)
    if labels is not None:
        return labels.field(name, "instrument")
    return name


def is_wording(old: Any, new: Any) -> bool:
    """A change of prose (both sides sentences), shown old → new in full rather than as values."""
    return isinstance(old, str) and isinstance(new, str) and (len(old) + len(new) > 60 or bool(
        _WORDY.search(old + new)))


def word_diff(old: str, new: str) -> str:
    """The new sentence with deleted words as ~~weg~~ and added words as **erbij** (Markdown)."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out += a[i1:i2]
            continue
        if op in ("delete", "replace"):
            out.append("~~" + " ".join(a[i1:i2]) + "~~")
        if op in ("insert", "replace"):
            out.append("**" + " ".join(b[j1:j2]) + "**")
    return " ".join(out)


def situation_words(situation: Situation, labels: Labels, skip_date: Optional[dt.date] = None) -> str:
    """'fase: Aanbesteding; doelen: Inschrijvers vergelijken' in the questionnaire's own words."""
    parts = []
    for name, value in situation.model_dump(exclude_defaults=True).items():
        if name == "reference_date" and value == skip_date:
            continue
        words = labels.values_of(value, name) if isinstance(value, (tuple, list)) else labels.value(value, name)
        parts.append(f"{labels.field(name)}: {words}")
    return "; ".join(parts) or "(niets ingevuld)"


# ---------------------------------------------------------------- what kind of change

TEXT_KEYS = frozenset({"text", "reason", "title", "review", "name", "label", "question", "answer_text", "tie_break"})
SCORE_KEYS = frozenset({"score", "points"})


def _without(value: Any, keys: frozenset) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, (list, tuple)):
        return [_without(v, keys) for v in value]
    return value


def category(a: Advice, b: Advice, top_changed: bool) -> str:
    """What changed most in one advice: 'top3', else 'scores' (and maybe wording), 'wording' or 'other'."""
    if top_changed:
        return "top3"
    da, db = (x.model_dump(mode="json", exclude={"trace", "kb_version"}) for x in (a, b))
    if _without(da, TEXT_KEYS) == _without(db, TEXT_KEYS):
        return "wording"
    if _without(da, TEXT_KEYS | SCORE_KEYS) == _without(db, TEXT_KEYS | SCORE_KEYS):
        return "scores"
    return "other"


def scenario_status(before: str, after: str) -> str:
    if before == "absent":
        return f"nieuw ({'slaagt' if after == 'pass' else 'faalt'})"
    if after == "absent":
        return "verwijderd"
    if before != after:
        return "slaagde → faalt" if after == "fail" else "faalde → slaagt"
    return "andere top 3"
