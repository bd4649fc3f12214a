"""A rule cites the page of the fact it states.

A rule that fires on several instruments and cites one fixed page of the appendix states, for all of
them, a fact that page gives for one: "SRM Noord-Nederland ... (p. 21)" where p. 21 is the
Medewerkerstool's section. Such a rule must cite the instrument's own page
(`source: {instrument_field: ...}`). Pages of the chapters before the appendix are general and may
be cited for any instrument.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import conditions as cnd
from .checking import matching_instruments
from .rule_models import CaveatRule, ExcludeRule, FitRule, ScoreRule

if TYPE_CHECKING:
    from .kbtypes import KB
    from .loading import Problem

__all__ = ["section_of", "fixed_appendix_pages"]

LAST_PAGE = 75   # the report's last page (models.Source allows no later one)


def section_of(kb: KB) -> dict[str, tuple[int, int]]:
    """Each instrument's appendix section as (first page, last page), from the section starts."""
    starts = sorted((i.source.page, i.id) for i in kb.instruments)
    ends = [page - 1 for page, _ in starts[1:]] + [LAST_PAGE]
    return {iid: (page, end) for (page, iid), end in zip(starts, ends)}


def fixed_appendix_pages(kb: KB) -> list[Problem]:
    """Problems (at the rule's `source`) for every rule that cites a fixed appendix page while it
    fires on an instrument whose section does not hold that page."""
    sections = section_of(kb)
    if len({first for first, _ in sections.values()}) < len(sections):
        return []   # two instruments share a section page: invariants.py reports that, and pages mean nothing here
    appendix_start = min(first for first, _ in sections.values())
    problems = []
    for rule in kb.rules:
        if not isinstance(rule, (ScoreRule, ExcludeRule, CaveatRule, FitRule)) or rule.is_general:
            continue
        page = rule.source.page
        if page is None or rule.source.instrument_field or page < appendix_start:
            continue
        try:
            _, selector = kb.conditions(rule)
            matching = matching_instruments(kb, selector)
        except (cnd.ConditionError, KeyError, TypeError):   # a broken condition: check_rule reports it
            continue
        outside = [i for i in matching
                   if not sections[i.id][0] <= page <= sections[i.id][1]]
        if outside:
            owner_id = next((iid for iid, (a, b) in sections.items() if a <= page <= b), None)
            owner = kb.instrument(owner_id) if owner_id else None
            doc, base = kb.rule_docs[rule.id]
            named = ", ".join(f"{i.name} (p. {sections[i.id][0]}-{sections[i.id][1]})" for i in outside[:3])
            more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
            problems.append(doc.problem(
                base + ("source", "page"),
                f"rule '{rule.id}': cites p. {page} (the section of {owner.name if owner else '?'}) "
                f"but fires on {named}{more}: cite each instrument's own page with "
                "'source: {instrument_field: ...}'"))
    return problems
