"""The advice as a reader receives it (docs/architecture.md, "An advice is read, not parsed"): one reading, shared by
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
from typing import TYPE_CHECKING, Optional

from ..engine.advice import Advice, Caveat, Fit, NotRecommended, Recommendation, Summary
from ..engine.summary import SHOWN, is_shortfall, summarize
from ..kb.formatting import unsaid
from ..kb.models import Instrument, Source
from ..kb.reviews import UNREVIEWED
from ..kb.rule_models import ScoreRule
from .textcheck import MIN_WORDS, PAGE_REF, WORD, fragments

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..kb.kbtypes import KB

NUMBER_WORDS = {2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven", 8: "acht", 9: "negen", 10: "tien"}
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
        if told and pointers and told[0].islower():   # its first sentence was said before: it starts a sentence now
            told = told[0].upper() + told[1:]
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
    same_as: Optional["Recommendation"] = None   # the same shortfall was said at this (earlier) instrument
    also: list[str] = field(default_factory=list)   # names of later instruments with the same shortfall


@dataclass
class Line:
    text: str
    source: Optional[Source]


@dataclass
class Card:
    rec: Recommendation
    instrument: Optional[Instrument]   # None only for an advice made with another KB
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
    pages: list[int] = field(default_factory=list)   # further report pages, when the instruments cite others


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
    value_caveat: Optional[int] = None   # the caveat on the value's side of the threshold (after the value line)
    gaps: dict[str, str] = field(default_factory=dict)   # instrument id -> the wishes it misses ('budget')

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
    top_names = [r.name for r in advice.recommendations]
    for c in made:
        if not c.names:
            c.lead = "Algemeen: "
        elif len(c.names) == 1 and c.names[0] in c.text:
            c.lead = ""
        elif len(c.names) > 2 and list(c.names) == top_names[:len(c.names)]:
            c.lead = f"Bij de eerste {NUMBER_WORDS.get(len(c.names), len(c.names))} instrumenten: "
        elif c.names in leads:   # the same instruments again: named once, then pointed to
            c.lead = f"Bij dezelfde instrumenten als kanttekening {leads[c.names]}: "
        else:
            leads[c.names] = c.number
            c.lead = f"Bij {names_joined(list(c.names))}: "
    return made, numbers


def _value_said(advice: Advice, summary: Summary, caveats: list[ReadCaveat]) -> Optional[int]:
    """The short advice states the value and its side of the EU threshold ('Geraamde waarde: € 450.000; die
    ligt boven de Europese drempel ...'); a general caveat opening with the same fact ('De geraamde waarde
    (€ 450.000) ligt op of boven de Europese drempel (€ 216.000): deel 2 ...') then starts at what follows,
    under a lead naming the side. Returns that caveat's number, for the value line to point to."""
    facts = {f.name for f in advice.derived}
    side = "Boven" if "boven_eu_drempel" in facts else "Onder" if "onder_eu_drempel" in facts else None
    if summary.contract_value is None or side is None or "eu_drempel" not in facts:
        return None
    for c in caveats:
        parts = fragments(c.text)
        if c.instruments or len(parts) < 2 or c.in_summary:
            continue
        if summary.contract_value in parts[0] and "drempel" in parts[0] and parts[0].endswith(":"):
            c.text = " ".join(parts[1:])   # after the lead's colon, so it starts in lower case
            c.lead = f"{side} de Europese drempel: "
            return c.number
    return None


def _why_not_line(item: NotRecommended, goals: tuple[str, ...]) -> tuple[str, Optional[Source]]:
    """One short line: the exclusion, that it serves none of the goals, or the point against it."""
    if item.excluded and item.why_not:
        first = item.why_not[0]
        return first.text, first.source
    # a point against it about the goals says why (the situation rules out the use through which it would
    # serve the goal, or the report calls it unsuitable; the engine puts those first); else that it
    # serves none of the goals
    if goals and not item.serves:
        if item.why_not and item.why_not[0].rule is not None:
            return item.why_not[0].text, item.why_not[0].source
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
        # one line per reason: the same words for two instruments are one line naming both, each page cited
        # (a line per page left the second one empty, its sentence said already)
        key = (text.replace(item.name, "\x00"), item.excluded)
        line = grouped.get(key)
        if line is None:
            line = grouped[key] = WhyNotLine([], key[0], source, item.excluded)
        elif source is not None and source.page and (line.source is None or source.page != line.source.page) \
                and source.page not in line.pages:
            line.pages.append(source.page)
        line.instruments.append((item.instrument, item.name))
    lines = list(grouped.values())
    for line in lines:
        line.text = said.tell(_with_pronoun(line.text, "\x00", len(line.instruments)), "Waarom niet?")
        line.source = unsaid(line.source, line.text)
    return lines


def _details(advice: Advice, kb: KB, reviews: dict[str, str]) -> list[DetailRow]:
    from ..kb.kinds import KIND_TITLES
    rows = []
    for firing in advice.trace:
        rule = kb.rule(firing.rule)
        rows.append(DetailRow(order=firing.order, rule=firing.rule, kind=KIND_TITLES.get(firing.kind, firing.kind),
                              points=rule.points if isinstance(rule, ScoreRule) else None,
                              instruments=firing.instruments, review=reviews.get(firing.rule, UNREVIEWED)))
    return rows


def reading(advice: Advice, kb: KB, reviews: Optional[dict[str, str]] = None) -> Reading:
    """The reading of one advice. `reviews`: rule id -> review state (reviews.state); from the KB if not given."""
    if reviews is None:
        from ..kb.reviews import state
        reviews = {r.id: state(r) for r in kb.rules}
    summary = advice.summary or summarize(advice, reviews)
    said = Said()
    caveats, numbers = _group_caveats(advice, said, summary.warning)
    warning = caveats[0] if caveats and caveats[0].in_summary else None
    value_caveat = _value_said(advice, summary, caveats)
    actions: dict[str, str] = {}
    done: dict[str, str] = {}   # an action with the instrument's name left out -> who it was said for first
    for item in summary.instruments:
        if not item.action:
            continue
        same = item.action.replace(item.name, "\x00")
        if same in done:   # three monitoring systems in preparation: one action, said once
            actions[item.instrument] = f"hetzelfde als bij {done[same]}."
        else:
            done[same] = str(item.rank)
            actions[item.instrument] = said.tell(item.action, "Advies in het kort")
    unmet = [said.tell(u.text, "Advies in het kort") for u in summary.unmet_goals]
    cards = []
    shortfalls: dict[tuple, ReadFit] = {}
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
            # the same shortfall of several instruments (a goal the report names for none of them) is said
            # once, at the first, naming the others; the later cards point back to it
            key = (f.answer, f.value, f.verdict, f.rule, f.reason.replace(rec.name, "\x00"))
            first = shortfalls.get(key)
            if first is not None:
                first.also.append(rec.name)
                unmet_fits.append(ReadFit(f, short_label(f.answer_text), "", None, same_as=first.same_as))
                continue
            # a shortfall that a point against the card already states ('kost €€€€, terwijl u geen budget
            # heeft') is named, not explained again
            reason = "" if any(_covers(line.text, f.reason) for line in against) else said.tell(f.reason, where)
            shortfalls[key] = ReadFit(f, short_label(f.answer_text), reason, unsaid(f.source, reason), same_as=rec)
            unmet_fits.append(shortfalls[key])
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
    for told in shortfalls.values():
        if told.also and told.same_as is not None:
            name = told.same_as.name
            # 'Het rapport noemt A, B en C niet bij dit doel'; a name that is the subject keeps its verb
            # singular, so the others follow in a sentence of their own
            told.reason = (told.reason.replace(name, names_joined([name] + told.also))
                           if name in told.reason and not told.reason.startswith(name)
                           else f"{told.reason} Dat geldt ook voor {names_joined(told.also)}.")
            told.same_as = None
        elif told.same_as is not None:
            told.same_as = None
    why_not = _why_not(advice, said)
    ranks = {r.instrument: r.rank for r in advice.recommendations}
    scores = [(r.name, r.score, f"aanbevolen, {r.rank}e") for r in advice.recommendations]
    scores += [(n.name, n.score, "uitgesloten" if n.excluded else "niet aanbevolen") for n in advice.not_recommended
               if n.instrument not in ranks]
    # the short advice names what an instrument misses ('past bij 2 van uw 3 wensen (niet: budget)'), so
    # 'WIZZR costs money you do not have' is read before the cards
    # a goal is named by its label ('Niet bij: Inschrijvers vergelijken op sociale impact'; a long one shortened,
    # as in the table: said in full under 'Uw antwoorden'), another wish by its question ('budget'): 'doelen'
    # alone does not say which of two goals it misses
    gaps = {r.instrument: ", ".join(dict.fromkeys(short_label(f.answer_text, 5) if f.answer == "goals" else f.question
                                                  for f in r.fit if f.verdict != "voldoet"))
            for r in advice.recommendations}
    first_with: dict[str, int] = {}   # the same gap for a later instrument: said once, as with 'Nu:'
    for rec in advice.recommendations:
        gap = gaps[rec.instrument]
        if gap and gap in first_with:
            gaps[rec.instrument] = f"hetzelfde als {first_with[gap]}"
        elif gap:
            first_with[gap] = rec.rank
            # a goal the short advice's instruments miss but a folded one serves: say which, at the first mention
            shown = {r.instrument for r in advice.recommendations[:SHOWN]}
            missed = [f.value for f in rec.fit if f.answer == "goals" and f.verdict != "voldoet"]
            later = [r for r in advice.recommendations if r.instrument not in shown
                     and any(goal in r.serves for goal in missed)
                     and not any(goal in s.serves for s in advice.recommendations[:SHOWN] for goal in missed)]
            if rec.instrument in shown and later:
                gaps[rec.instrument] = f"{gap} (daarvoor: {later[0].rank}. {later[0].name})"
    return Reading(advice=advice, summary=summary, actions=actions, unmet=unmet, warning=warning, caveats=caveats,
                   cards=cards, why_not=why_not, details=_details(advice, kb, reviews), scores=scores,
                   value_caveat=value_caveat, gaps={k: v for k, v in gaps.items() if v})


def _covers(said_text: str, reason: str, share: float = 0.7) -> bool:
    """Whether `said_text` already says `reason`: most of the reason's words (of four letters or more) are in it."""
    def tokens(text: str) -> set[str]:
        return {w.lower() for w in WORD.findall(PAGE_REF.sub("", text)) if len(w) >= 4}
    wanted = tokens(reason)
    return bool(wanted) and len(wanted & tokens(said_text)) >= share * len(wanted)


@dataclass
class FitRow:
    question: str
    answer: str
    cells: list   # one Fit (or None) per compared instrument


def fit_rows(recommendations: Sequence[Recommendation]) -> list[FitRow]:
    """One row per answered wish for the top-3 table, in the order the first instrument lists them."""
    rows: dict[tuple, FitRow] = {}
    for column, rec in enumerate(recommendations):
        for fit in rec.fit:
            row = rows.setdefault((fit.answer, fit.value),
                                  FitRow(fit.question, fit.answer_text, [None] * len(recommendations)))
            row.cells[column] = fit
    return list(rows.values())


def _fit_of(rec: Recommendation) -> str:
    from ..engine.summary import fit_words
    return fit_words(rec)
