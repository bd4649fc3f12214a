"""Review stamps: which rules a legal advisor approved, and whether a rule changed since.

A stamp `review: {by, on, hash}` on a rule records the hash of the rule's meaning (every field but
the stamp itself: conditions, instruments, points, texts, source), so comments and key order do
not count as a change. `advisor review` writes the stamp into the YAML as one line, leaving the
rest of the file as it was (`stamping`).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from .rule_models import Rule

if TYPE_CHECKING:
    from .kbtypes import KB

REVIEWED = "beoordeeld door {by} op {on:%d-%m-%Y}"
CHANGED = "gewijzigd na beoordeling (beoordeeld door {by} op {on:%d-%m-%Y})"
UNREVIEWED = "niet beoordeeld"


# Every field the rule model had before each kind got its own model, with its default: a rule is hashed
# with all of them, so review stamps made then stay valid.
STAMPED_FIELDS: dict[str, Any] = {"when": None, "instruments": None, "general": False, "points": None, "serves": [],
                                  "off_topic": False, "supersedes": [], "answer": None, "value": None,
                                  "verdict": None, "text": None, "derive": None}
# Fields added since: left out of the hash while at their default, so older stamps stay valid (a rule
# that uses one has changed meaning, and its hash changes with it).
ADDED_SINCE: dict[str, Any] = {"ranks_last": False}
ADDED_SINCE_IN_DERIVE: dict[str, Any] = {"outside": None}


def meaning_hash(rule: Rule) -> str:
    meaning = {**STAMPED_FIELDS, **rule.model_dump(mode="json", exclude={"review"})}
    for added, default in ADDED_SINCE.items():
        if meaning.get(added, default) == default:
            meaning.pop(added, None)
    if isinstance(meaning.get("derive"), dict):
        meaning["derive"] = {k: v for k, v in meaning["derive"].items()
                             if not (k in ADDED_SINCE_IN_DERIVE and v == ADDED_SINCE_IN_DERIVE[k])}
    return hashlib.sha256(json.dumps(meaning, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def state(rule: Rule) -> str:
    """'beoordeeld door … op …', 'gewijzigd na beoordeling (…)' or 'niet beoordeeld'."""
    if rule.review is None:
        return UNREVIEWED
    template = REVIEWED if rule.review.hash == meaning_hash(rule) else CHANGED
    return template.format(by=rule.review.by, on=rule.review.on)


def is_current(rule: Rule) -> bool:
    return rule.review is not None and rule.review.hash == meaning_hash(rule)


def review_notes(kb: KB, strict: bool) -> list[str]:
    """'path:line: warning: ...' for every rule changed after its review (and, with strict, never reviewed)."""
    notes = []
    for rule in kb.rules:
        if is_current(rule) or (rule.review is None and not strict):
            continue
        doc, position = kb.rule_docs[rule.id]
        where = f"{doc.file}:{doc.line(position)}"
        if rule.review is None:
            notes.append(f"{where}: error: rule '{rule.id}' is not reviewed")
        else:
            level = "error" if strict else "warning"
            notes.append(f"{where}: {level}: rule '{rule.id}' changed after its review by {rule.review.by} "
                         f"on {rule.review.on}; review it again (advisor review {rule.id} --by NAME)")
    return notes
