"""The advice as a reader receives it (DESIGN 3a, "An advice is read, not parsed"): one reading, shared by
the page, the CLI text, the Markdown and the documents.

- 'Advies in het kort' first (advice.summary), with the one legal caveat that matters most;
- each caveat once: identical caveats of several recommended instruments become one, naming them, and
  numbered; steps and cards point to the number instead of reprinting it; the unmet wishes that a
  caveat only repeats are shown with the fit instead;
- a sentence of eight words or more is said once: a later text that repeats it points back to where it
  was said (`Said`);
- 'Waarom niet?' in one short line per instrument, instruments with the same reason on one line;
- scores, rule ids and the review state per rule in a details part for lawyers and maintainers.

Presentation only: the engine decides; this chooses what to say first and says it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .advice import Advice, Caveat, Fit, NotRecommended, Recommendation, Summary
from .formatting import unsaid
from .models import Instrument, Source
from .reviews import UNREVIEWED
from .rule_models import ScoreRule
from .summary import is_shortfall, summarize
from .textcheck import MIN_WORDS, PAGE_REF, WORD, fragments

SHORT_LABEL = 6        # words of a long answer label repeated in a card or table


def short_label(text: str, words: int = SHORT_LABEL) -> str:
    """A long answer (the reserved-contract goal) shortened where it is repeated; said in full once."""
    parts = text.split()
    return text if len(parts) <= words + 2 else " ".join(parts[:words]) + " …"


def names_joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _key(fragment: str) -> Optional[str]:
    tokens = [w.lower() for w in WORD.findall(PAGE_REF.sub("", fragment))]
    return " ".join(tokens) if len(tokens) >= MIN_WORDS else None


class Said:
    """What this reading said already, and where: a later text leaves a said sentence out and points there."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}

    def claim(self, text: str, where: str) -> None:
        for fragment in fragments(text):
            key = _key(fragment)
            if key and key not in self.where:
                self.where[key] = where

    def tell(self, text: str, where: str) -> str:
        """`text` without the sentences said before (pointing to where they were said); claims the rest."""
        kept: list[str] = []
        pointers: list[str] = []
        for fragment in fragments(text):
            key = _key(fragment)
            if key and key in self.where:
                if self.where[key] != where and self.where[key] not in pointers:
                    pointers.append(self.where[key])
                continue
            kept.append(fragment)
            if key:
                self.where[key] = where
        told = " ".join(kept)
        if pointers:
            told = (told + " " if told else "") + f"(zie {' en '.join(pointers)})"
        return told


def _with_pronoun(text: str, name: str, count: int) -> str:
    """An instrument's text for a line that names the instruments in front: the name becomes 'dit
    instrument' or 'deze instrumenten'."""
    if text.startswith(name):   # the subject: 'Elk van deze instrumenten' keeps the verb singular
        text = ("Dit instrument" if count == 1 else "Elk van deze instrumenten") + text[len(name):]
    return text.replace(name, "dit instrument" if count == 1 else "deze instrumenten")


@dataclass
class ReadCaveat:
    number: int
    text: str
    source: Optional[Source]          # what is left to cite after the text (no doubled page)
    articles: tuple[str, ...]
    legal_reference: tuple[str, ...]
    instruments: tuple[str, ...]      # ids; empty for a general caveat
    names: tuple[str, ...]
    rules: tuple[str, ...]
    reviews: tuple[str, ...]
    in_summary: bool = False          # the main warning, stated in 'Advies in het kort'
    lead: str = ""                    # 'Algemeen: ', 'Bij A en B: ' (once per set of instruments), or ''

    @property
    def anchor(self) -> str:
        return f"kanttekening-{self.number}"

    @property
    def label(self) -> str:
        return f"kanttekening {self.number}"


@dataclass
class ReadStep:
    title: str
    text: str
    source: Optional[Source]
    caveats: list[int]


@dataclass
class ReadFit:
    fit: Fit
    answer: str                       # the answer, shortened if long
    reason: str                       # '' for a met wish (its reason is a reason of the card)
    source: Optional[Source]


@dataclass
class Line:
    text: str
    source: Optional[Source]


@dataclass
class Card:
    rec: Recommendation
    instrument: Instrument
    fit: str                          # how well it fits, in words
    reasons: list[Line]               # in favour
    against: list[Line]
    met: list[ReadFit]
    unmet: list[ReadFit]
    caveats: list[int]
    steps: list[ReadStep]


@dataclass
class WhyNotLine:
    instruments: list[tuple[str, str]]   # (id, name)
    text: str
    source: Optional[Source]
    excluded: bool


@dataclass
class DetailRow:
    order: int
    rule: str
    kind: str
    points: Optional[int]
    instruments: tuple[str, ...]
    review: str


@dataclass
class Reading:
    advice: Advice
    summary: Summary
    actions: dict[str, str]           # instrument id -> what to do now (as said in the short advice)
    unmet: list[str]                  # texts of the goals nothing serves
    warning: Optional[ReadCaveat]
    caveats: list[ReadCaveat]
    cards: list[Card]
    why_not: list[WhyNotLine]
    details: list[DetailRow]
    scores: list[tuple[str, int, str]]   # name, score, what became of it
    notes: list[str] = field(default_factory=list)

    @property
    def listed_caveats(self) -> list[ReadCaveat]:
        """The caveats under 'Kanttekeningen' (the main warning is said in the short advice)."""
        return [c for c in self.caveats if not c.in_summary]


def _group_caveats(advice: Advice, said: Said, warning: Optional[Caveat]) -> tuple[list[ReadCaveat], dict]:
    """Each caveat once: general ones first, then per recommended instrument; one text for several
    instruments becomes one caveat naming them. Returns the caveats and (rule, instrument) -> number."""
    groups: dict[str, dict] = {}
    order: list[str] = []

    def add(caveat: Caveat, instrument: Optional[str], name: Optional[str]) -> None:
        key = caveat.text.replace(name, "\x00") if name else "\x01" + caveat.text
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"caveat": caveat, "ids": [], "names": [], "rules": [], "members": []}
            order.append(key)
        if instrument is not None and instrument not in group["ids"]:
            group["ids"].append(instrument)
            group["names"].append(name)
        if caveat.rule and caveat.rule not in group["rules"]:
            group["rules"].append(caveat.rule)
        group["members"].append((caveat.rule, instrument))

    if warning is not None:   # the main warning is number 1
        owner = next((r for r in advice.recommendations if warning in r.caveats), None)
        add(warning, owner.instrument if owner else None, owner.name if owner else None)
    for caveat in advice.general_caveats:
        add(caveat, None, None)
    for rec in advice.recommendations:
        for caveat in rec.caveats:
            if not is_shortfall(caveat, rec):
                add(caveat, rec.instrument, rec.name)
    made: list[ReadCaveat] = []
    numbers: dict[tuple[Optional[str], Optional[str]], int] = {}
    for number, key in enumerate(order, start=1):
        group = groups[key]
        first: Caveat = group["caveat"]
        text = first.text
        if len(group["names"]) > 1:
            text = _with_pronoun(key, "\x00", len(group["names"]))
        label = f"kanttekening {number}"
        text = said.tell(text, label)
        made.append(ReadCaveat(
            number=number, text=text, source=unsaid(first.source, text), articles=first.source.articles,
            legal_reference=first.legal_reference, instruments=tuple(group["ids"]), names=tuple(group["names"]),
            rules=tuple(group["rules"]), reviews=(first.review or UNREVIEWED,),
            in_summary=warning is not None and number == 1))
        for member in group["members"]:
            numbers[member] = number
    leads: dict[tuple[str, ...], int] = {}
    for c in made:
        if not c.names:
            c.lead = "Algemeen: "
        elif len(c.names) == 1 and c.names[0] in c.text:
            c.lead = ""
        elif c.names in leads:   # the same instruments again: named once, then pointed to
            c.lead = f"Bij dezelfde instrumenten als kanttekening {leads[c.names]}: "
        else:
            leads[c.names] = c.number
            c.lead = f"Bij {names_joined(list(c.names))}: "
    return made, numbers


def _why_not_line(item: NotRecommended, goals: tuple[str, ...]) -> tuple[str, Optional[Source]]:
    """One short line: the exclusion, that it serves none of the goals, or the point against it."""
    if item.excluded and item.why_not:
        first = item.why_not[0]
        return first.text, first.source
    if goals and not item.serves:
        return ("Dient geen van uw doelen." if len(goals) > 1 else "Dient uw doel niet."), None
    against = [w for w in item.why_not if w.rule is not None]
    line = against[0] if against else (item.why_not[-1] if item.why_not else None)
    if line is None:
        return "Past niet bij uw antwoorden.", None
    return line.text, line.source


def _why_not(advice: Advice, said: Said) -> list[WhyNotLine]:
    grouped: dict[tuple, WhyNotLine] = {}
    for item in advice.not_recommended:
        text, source = _why_not_line(item, advice.situation.goals)
        key = (text.replace(item.name, "\x00"), source.page if source else None, item.excluded)
        line = grouped.get(key)
        if line is None:
            line = grouped[key] = WhyNotLine([], key[0], source, item.excluded)
        line.instruments.append((item.instrument, item.name))
    lines = list(grouped.values())
    for line in lines:
        line.text = said.tell(_with_pronoun(line.text, "\x00", len(line.instruments)), "Waarom niet?")
        line.source = unsaid(line.source, line.text)
    return lines


def _details(advice: Advice, kb, reviews: dict[str, str]) -> list[DetailRow]:
    from .wording import KIND_TITLES
    rows = []
    for firing in advice.trace:
        rule = kb.rule(firing.rule)
        rows.append(DetailRow(order=firing.order, rule=firing.rule, kind=KIND_TITLES.get(firing.kind, firing.kind),
                              points=rule.points if isinstance(rule, ScoreRule) else None,
                              instruments=firing.instruments, review=reviews.get(firing.rule, UNREVIEWED)))
    return rows


def reading(advice: Advice, kb, reviews: Optional[dict[str, str]] = None) -> Reading:
    """The reading of one advice. `reviews`: rule id -> review state (reviews.state); from the KB if not given."""
    if reviews is None:
        from .reviews import state
        reviews = {r.id: state(r) for r in kb.rules}
    summary = advice.summary or summarize(advice, reviews)
    said = Said()
    caveats, numbers = _group_caveats(advice, said, summary.warning)
    warning = caveats[0] if caveats and caveats[0].in_summary else None
    actions = {item.instrument: said.tell(item.action, "Advies in het kort")
               for item in summary.instruments if item.action}
    unmet = [said.tell(u.text, "Advies in het kort") for u in summary.unmet_goals]
    cards = []
    for rec in advice.recommendations:
        where = f"aanbeveling {rec.rank}"
        reasons = [Line(t, unsaid(r.source, t)) for r in rec.reasons if r.points >= 0
                   for t in [said.tell(r.text, where)]]
        against = [Line(t, unsaid(r.source, t)) for r in rec.reasons if r.points < 0
                   for t in [said.tell(r.text, where)]]
        met = [ReadFit(f, short_label(f.answer_text), "", None) for f in rec.fit if f.verdict == "voldoet"]
        unmet_fits = []
        for f in rec.fit:
            if f.verdict == "voldoet":
                continue
            reason = said.tell(f.reason, where)
            unmet_fits.append(ReadFit(f, short_label(f.answer_text), reason, unsaid(f.source, reason)))
        steps = []
        for step in rec.next_steps:
            text = said.tell(step.text, where)
            refs = sorted({numbers[(c.rule, rec.instrument)] for c in step.caveats
                           if (c.rule, rec.instrument) in numbers})
            steps.append(ReadStep(step.title, text, unsaid(step.source, text), refs))
        own = sorted({n for (rule, instrument), n in numbers.items() if instrument == rec.instrument})
        cards.append(Card(rec=rec, instrument=kb.instrument(rec.instrument),
                          fit=next((i.fit for i in summary.instruments if i.instrument == rec.instrument),
                                   _fit_of(rec)),
                          reasons=reasons, against=against, met=met, unmet=unmet_fits, caveats=own, steps=steps))
    why_not = _why_not(advice, said)
    ranks = {r.instrument: r.rank for r in advice.recommendations}
    scores = [(r.name, r.score, f"aanbevolen, {r.rank}e") for r in advice.recommendations]
    scores += [(n.name, n.score, "uitgesloten" if n.excluded else "niet aanbevolen") for n in advice.not_recommended
               if n.instrument not in ranks]
    return Reading(advice=advice, summary=summary, actions=actions, unmet=unmet, warning=warning, caveats=caveats,
                   cards=cards, why_not=why_not, details=_details(advice, kb, reviews), scores=scores)


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


def _fit_of(rec: Recommendation) -> str:
    from .summary import fit_words
    return fit_words(rec)
