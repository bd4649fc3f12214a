"""Review stamps: which rules a legal advisor approved, and whether a rule changed since.

A stamp `review: {by, on, hash}` on a rule records the hash of the rule's meaning (every field but
the stamp itself: conditions, instruments, points, texts, source), so comments and key order do
not count as a change. `advisor review` writes the stamp into the YAML as one line, leaving the
rest of the file as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from .models import Rule

REVIEWED = "beoordeeld door {by} op {on:%d-%m-%Y}"
CHANGED = "gewijzigd na beoordeling (beoordeeld door {by} op {on:%d-%m-%Y})"
UNREVIEWED = "niet beoordeeld"


def meaning_hash(rule: Rule) -> str:
    meaning = rule.model_dump(mode="json", exclude={"review"})
    return hashlib.sha256(json.dumps(meaning, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def state(rule: Rule) -> str:
    """'beoordeeld door … op …', 'gewijzigd na beoordeling (…)' or 'niet beoordeeld'."""
    if rule.review is None:
        return UNREVIEWED
    template = REVIEWED if rule.review.hash == meaning_hash(rule) else CHANGED
    return template.format(by=rule.review.by, on=rule.review.on)


def is_current(rule: Rule) -> bool:
    return rule.review is not None and rule.review.hash == meaning_hash(rule)


STAMP = re.compile(r"^  review:")


def stamp(kb, rule_id: str, by: str, on: dt.date) -> Path:
    """Write `review: {by, on, hash}` into the rule's file, replacing an earlier stamp; return the file."""
    rule = kb.rule(rule_id)
    doc, (index,) = kb.rule_docs[rule_id]
    path = Path(doc.file)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = doc.line((index,)) - 1
    end = doc.line((index + 1,)) - 1 if index + 1 < len(doc.data) else len(lines)
    body = lines[start:end]
    # drop an earlier stamp (our one-line form, or a block mapping under it)
    kept, skipping = [], False
    for line in body:
        if STAMP.match(line):
            skipping = True
            continue
        if skipping and line.startswith("    "):
            continue
        skipping = False
        kept.append(line)
    last = max(n for n, line in enumerate(kept) if line.strip() and not line.lstrip().startswith("#"))
    if not kept[last].endswith("\n"):
        kept[last] += "\n"
    entry = (f"  review: {{by: {json.dumps(by, ensure_ascii=False)}, on: {on.isoformat()}, "
             f"hash: {meaning_hash(rule)}}}\n")
    kept.insert(last + 1, entry)
    path.write_text("".join(lines[:start] + kept + lines[end:]), encoding="utf-8")
    return path
