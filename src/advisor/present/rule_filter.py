"""The filter and search of /regels, for the legal advisor looking for what still needs a verdict:
review state (alles / niet beoordeeld / gewijzigd sinds beoordeling / beide) and a search over a
rule's id, title, text and rationale. Works on `ruledocs.rule_book` groups; no web imports."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..kb.reviews import UNREVIEWED, is_current

if TYPE_CHECKING:
    from .ruledocs import Group, RuleDoc

__all__ = ["STATES", "filter_book"]

STATES = {"": "Alle regels", "open": "Nog te beoordelen (niet beoordeeld of gewijzigd)",
          "niet_beoordeeld": "Alleen niet beoordeeld", "gewijzigd": "Alleen gewijzigd sinds beoordeling"}


def _state_fits(described: RuleDoc, state: str) -> bool:
    rule = described.rule
    if state == "open":
        return not is_current(rule)
    if state == "niet_beoordeeld":
        return described.review == UNREVIEWED
    if state == "gewijzigd":
        return rule.review is not None and not is_current(rule)
    return True


def _matches(described: RuleDoc, words: list[str]) -> bool:
    rule = described.rule
    haystack = " ".join(str(x) for x in (rule.id, rule.title, getattr(rule, "text", "") or "", rule.rationale)).lower()
    return all(word in haystack for word in words)


def filter_book(groups: list[Group], state: str = "", query: str = "") -> list[Group]:
    """The groups with only the rules that fit; an unknown state filters nothing (the form offers the
    known ones, and a hand-typed URL should not fail)."""
    state = state if state in STATES else ""
    words = query.lower().split()
    return [replace(group, rules=[d for d in group.rules if _state_fits(d, state) and _matches(d, words)])
            for group in groups]
