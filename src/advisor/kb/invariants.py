"""What must hold across the KB beyond each file being valid, checked by `advisor check` (not by tests
alone, so a maintainer editing a copy of the KB hears of it):

- the goal matrix and the rules agree: a score rule serves a goal only with instruments the report
  names for that goal (knowledge/goal_matrix.yaml), every goal has an instrument the report names,
  and every instrument the matrix sets aside says why;
- every instrument has its own section page in the report, and appears in the goal matrix;
- the threshold table still covers the coming months: a warning when its last period ends within
  `THRESHOLD_NOTICE_DAYS` of today (or has ended), since an advice after that date cannot tell
  whether a contract is above the EU threshold.

Each finding is a `Note` at its file:line, an error or a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from .checking import matching_instruments
from .loading import Document

if TYPE_CHECKING:
    from .kbtypes import KB

__all__ = ["Note", "invariant_notes", "THRESHOLD_NOTICE_DAYS"]

THRESHOLD_NOTICE_DAYS = 180


@dataclass(frozen=True, order=True)
class Note:
    file: str
    line: int
    message: str
    error: bool = True

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'error' if self.error else 'warning'}: {self.message}"


def _at(doc: Optional[Document], path: tuple, message: str, error: bool = True) -> Note:
    if doc is None:
        return Note("knowledge", 1, message, error)
    return Note(doc.file, doc.line(path), message, error)


def _goal_matrix(kb: KB) -> list[Note]:
    doc = kb.docs.get("goal_matrix.yaml")
    notes = []
    entries = {entry.goal: (index, entry) for index, entry in enumerate(kb.goal_matrix)}
    for goal, (index, entry) in entries.items():
        if not entry.named:
            notes.append(_at(doc, (index, "goal"), f"goal '{goal}': the matrix names no instrument for it, so "
                                                    "no advice can ever serve it"))
        for part in ("not_followed", "unsuitable"):
            for j, item in enumerate(getattr(entry, part)):
                if not item.note.strip():
                    notes.append(_at(doc, (index, part, j), f"goal '{goal}': '{item.instrument}' is {part} "
                                                             "without a note saying why"))
    for rule in kb.rules:
        for goal in getattr(rule, "serves", ()):   # only score rules serve goals
            if goal not in entries:
                continue
            landed = {i.id for i in matching_instruments(kb, kb.conditions(rule)[1])}
            unnamed = sorted(landed - entries[goal][1].named_in(None))
            if unnamed:
                rule_doc, position = kb.rule_docs[rule.id]
                notes.append(Note(rule_doc.file, rule_doc.line(position + ("serves",)),
                                  f"rule '{rule.id}' serves goal '{goal}' with {', '.join(unnamed)}, which "
                                  f"knowledge/goal_matrix.yaml does not name for it"))
    in_matrix = {item.instrument for entry in kb.goal_matrix for item in entry.named} | \
        {item.instrument for entry in kb.goal_matrix for item in entry.not_followed + entry.unsuitable}
    instruments_doc = kb.docs.get("instruments.yaml")
    for index, instrument in enumerate(kb.instruments):
        if instrument.id not in in_matrix:
            notes.append(_at(instruments_doc, (index, "id"), f"instrument '{instrument.id}' is in no goal of "
                             "knowledge/goal_matrix.yaml: with a goal stated it is never recommended", error=False))
    return notes


def _section_pages(kb: KB) -> list[Note]:
    doc = kb.docs.get("instruments.yaml")
    first: dict[int, str] = {}
    notes = []
    for index, instrument in enumerate(kb.instruments):
        page = instrument.source.page
        if page in first:
            notes.append(_at(doc, (index, "source", "page"), f"instrument '{instrument.id}': section page {page} "
                             f"is the section of '{first[page]}'; each instrument has its own section"))
        first.setdefault(page, instrument.id)
    return notes


def _thresholds(kb: KB, today: dt.date) -> list[Note]:
    doc = kb.docs.get("legal.yaml")
    rows = list(enumerate(kb.legal.thresholds))
    if not rows:
        return [_at(doc, (), "the threshold table is empty: no advice can say whether a contract is above the "
                             "EU threshold", error=False)]
    index, last = max(rows, key=lambda row: row[1].valid_to)
    left = (last.valid_to - today).days
    if left > THRESHOLD_NOTICE_DAYS:
        return []
    when = f"ended on {last.valid_to.isoformat()}" if left < 0 else \
        f"ends on {last.valid_to.isoformat()}, in {left} days"
    return [_at(doc, ("thresholds", index, "valid_to"),
                f"the threshold table {when}: add the next period's thresholds (delegated regulation) before an "
                "advice falls outside it", error=False)]


def today() -> dt.date:
    """The day `check` measures the threshold table against (`advisor docs` fixes it, so the guide's
    output does not depend on the day it is built)."""
    return dt.date.today()


def invariant_notes(kb: KB, on: Optional[dt.date] = None) -> list[Note]:
    """Every broken invariant of the KB (errors) and what will soon break (warnings), sorted."""
    return sorted(_goal_matrix(kb) + _section_pages(kb) + _thresholds(kb, on or today()))
