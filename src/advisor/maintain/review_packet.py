"""The review packet: every rule a legal advisor still has to approve, as one document to read on paper
(`advisor review --pending --format md|docx|odt|csv -o FILE`).

A rule needs review when it was never stamped or changed since its stamp. For each: its text as the
user sees it (taken from a real advice of a scenario that fires it, else the rule's text with the
instrument named), its conditions in the questionnaire's words (`wording`), its source page and the
articles it cites with their summary, the scenarios that exercise it, and room for a verdict. The
document model and its DOCX/ODT writers are `documents`; Markdown is written here. The CSV form is
the blank verdict list `advisor review --from` reads back (`verdicts`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from ..kb.kinds import KIND_TITLES
from ..kb.reviews import UNREVIEWED, is_current, meaning_hash, state
from ..kb.rule_models import InstrumentRule, Rule
from ..kb.situations import parse_situation
from ..kb.wording import Labels, Words, describe
from ..present.documents import Bullets, Document, Heading, Para, Table, clean
from .verdicts import AGREED, COLUMNS, DISAGREED

if TYPE_CHECKING:
    from ..engine.advice import Advice, Caveat, Reason, WhyNot
    from ..engine.advising import Advisor
    from ..kb.kbtypes import KB

SCENARIOS_SHOWN = 5

__all__ = ["PendingRule", "pending", "packet_document", "to_markdown", "verdict_form"]


@dataclass
class PendingRule:
    rule: Rule
    state: str
    location: str
    seen: list[str]          # the rule's text as an advice shows it (a few distinct ones)
    when: Optional[Words]
    selector: Optional[Words]
    scenarios: list[str]

    @property
    def mark(self) -> str:
        return meaning_hash(self.rule)


def _words_lines(words: Optional[Words], depth: int = 0) -> list[str]:
    if words is None:
        return []
    pad = "  " * depth
    if words.join is None:
        return [pad + words.text]
    head = "alle van:" if words.join == "alle" else "ten minste één van:"
    return [pad + head] + [line for item in words.items for line in _words_lines(item, depth + 1)]


def _texts(advice: Advice, rule_id: str) -> list[str]:
    said: list[Union[Reason, Caveat, WhyNot]] = []
    for r in advice.recommendations:
        said += r.reasons
        said += r.caveats
    for n in advice.not_recommended:
        said += n.why_not
        said += n.caveats
    said += advice.general_caveats
    return [x.text for x in said if x.rule == rule_id]


def pending(advisor: Advisor) -> list[PendingRule]:
    """The rules needing review, in file order, each with what a lawyer reads."""
    kb = advisor.kb
    labels = Labels(kb)
    runs = []
    for scenario in kb.scenarios:
        try:
            runs.append((scenario.name, advisor.advise(parse_situation(scenario.situation))))
        except Exception:   # `check` reports a broken scenario; the packet still lists the rule
            continue
    out = []
    for rule in kb.rules:
        if is_current(rule):
            continue
        doc, position = kb.rule_docs[rule.id]
        names, seen = [], []
        for name, advice in runs:
            if any(f.rule == rule.id for f in advice.trace):
                names.append(name)
                seen += [t for t in _texts(advice, rule.id) if t not in seen]
        if not seen and isinstance(rule, InstrumentRule) and rule.text:
            seen = [rule.text.replace("{instrument}", "[instrument]")]
        when, selector = kb.conditions(rule)
        out.append(PendingRule(rule, state(rule), f"{doc.file.replace(chr(92), '/').rsplit('/', 1)[-1]}:"
                                                  f"{doc.line(position)}", seen[:3],
                               describe(when, labels), describe(selector, labels, "instrument"), names))
    return out


def _source(kb: KB, rule: Rule) -> list[str]:
    lines = [f"rapport “Zicht op sociale impact”, p. {rule.source.page}"] if rule.source.page else []
    if rule.source.instrument_field:
        lines.append(f"de pagina van elk instrument over “{rule.source.instrument_field}”")
    for article_id in rule.source.articles:
        article = kb.article(article_id)
        if article:
            lines.append(f"{article.article} {article.law} ({article.title}): {article.description}")
    return lines


def packet_document(advisor: Advisor, items: list[PendingRule]) -> Document:
    kb = advisor.kb
    doc = Document(title="Regels ter beoordeling")
    doc.add(Heading(1, "Regels ter beoordeling"))
    changed = sum(i.state != UNREVIEWED for i in items)
    doc.add(Para(f"{len(items)} van de {len(kb.rules)} regels wachten op een juridisch oordeel: "
                 f"{len(items) - changed} nooit beoordeeld, {changed} gewijzigd na de laatste beoordeling "
                 f"(KB-versie {kb.version})."))
    doc.add(Para(f"Geef per regel uw oordeel: “{AGREED}” of “{DISAGREED}”, en bij “{DISAGREED}” wat er niet klopt. "
                 "Het formulier achteraan (ook als CSV: advisor review --pending --format csv) gaat terug naar de "
                 "beheerder, die het inleest met advisor review --from BESTAND --by UW NAAM. Het kenmerk bij "
                 "elke regel legt vast welke versie u las: is de regel intussen gewijzigd, dan wordt uw oordeel "
                 "niet verwerkt."))
    for kind, title in KIND_TITLES.items():
        group = [i for i in items if i.rule.kind == kind]
        if not group:
            continue
        doc.add(Heading(2, f"{title} ({len(group)})"))
        for item in group:
            rule = item.rule
            doc.add(Heading(3, f"{rule.title} ({rule.id})"))
            doc.add(Para(f"Staat: {item.state}. Kenmerk: {item.mark}. Vindplaats: {item.location}."))
            if item.seen:
                doc.add(Para("Wat de gebruiker leest:"))
                doc.add(Bullets(item.seen))
            elif rule.kind == "derive":
                doc.add(Para(f"Leidt af: {rule.derive.label}."))
            when = _words_lines(item.when)
            doc.add(Para("Wanneer:" if when else "Wanneer: altijd (geen voorwaarde op de situatie)."))
            if when:
                doc.add(Bullets(when))
            target = _words_lines(item.selector)
            if target:
                doc.add(Para("Voor instrumenten waarvoor geldt:"))
                doc.add(Bullets(target))
            doc.add(Para(f"Motivering: {rule.rationale}"))
            doc.add(Para("Bron:"))
            doc.add(Bullets(_source(kb, rule) or ["geen bron opgegeven"]))
            shown = item.scenarios[:SCENARIOS_SHOWN]
            more = f" en {len(item.scenarios) - len(shown)} andere" if len(item.scenarios) > len(shown) else ""
            doc.add(Para(f"Scenario’s waarin de regel werkt ({len(item.scenarios)}): " +
                         ("; ".join(f"“{name}”" for name in shown) + more + "." if shown else "geen (voeg er een toe).")))
            doc.add(Table(["Oordeel", "Opmerking"], [[f"☐ {AGREED}   ☐ {DISAGREED}", ""]]))
    doc.add(Heading(2, "Formulier"))
    doc.add(Table(["regel", "oordeel", "opmerking", "kenmerk"], [[i.rule.id, "", "", i.mark] for i in items]))
    return doc


def verdict_form(items: list[PendingRule]) -> str:
    """The blank verdict list as CSV (columns of `verdicts.COLUMNS`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([[i.rule.id, "", "", i.mark] for i in items])
    return out.getvalue()


def _md(text: str) -> str:
    return clean(text).replace("\n", " ")


def to_markdown(doc: Document) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + _md(block.text), ""]
        elif isinstance(block, Para):
            out += [_md(block.text), ""]
        elif isinstance(block, Bullets):
            for item in block.items:
                depth = (len(item) - len(item.lstrip(" "))) // 2
                out.append("  " * depth + "- " + _md(item.strip()))
            out.append("")
        else:
            cell = lambda text: _md(text).replace("|", "\\|") or " "  # noqa: E731
            out += ["| " + " | ".join(map(cell, block.header)) + " |", "|" + "---|" * len(block.header)]
            out += ["| " + " | ".join(map(cell, row)) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
