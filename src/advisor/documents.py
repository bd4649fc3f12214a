"""An advice as a document to file: one document model, rendered as ODF text (.odt) or Word (.docx).

The model is a list of blocks (headings, paragraphs, bullet lists, tables) built from the Advice;
each renderer maps blocks to its library (odfpy, python-docx), which escape all text as XML, so
user input shows up literally. No office suite is needed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Union

from collections.abc import Iterator
from typing import Optional

from .advice import Advice
from .formatting import FIT_MARKS, article_name, cited, grouped_reference, money
from .models import Source
from .reading import ReadCaveat, ReadFit, fit_rows, names_joined, reading, short_label
from .wishes import AnswerWords

DOCUMENT_TYPES = {"odt": "application/vnd.oasis.opendocument.text",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# What XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE and U+FFFF), and DEL: none of it
# belongs in a document, and python-docx refuses it (a 500 before this filter).
CONTROL = re.compile("[^\t\n\r\u0020-\u007e\u0080-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


Block = Union[Heading, Para, Bullets, Table]


@dataclass
class Filing:
    """What a team fills in on a document it files (query parameters or form fields); blank lines if not given."""
    opdracht: str = ""
    kenmerk: str = ""
    behandelaar: str = ""


FILING_FIELDS = {"opdracht": "Opdracht", "kenmerk": "Kenmerk", "behandelaar": "Behandelaar"}
FILING_MAX = 200
AUTHOR = "advisor (Keuzehulp sociale impact)"
DISCLAIMER = "Dit advies vervangt geen juridisch advies van uw eigen organisatie."
NO_BASE_URL = ("Geen vaste link naar de online versie: voor deze installatie is geen openbaar adres ingesteld "
               "(ADVISOR_BASE_URL). Met dezelfde antwoorden in de vragenlijst krijgt u dit advies opnieuw.")


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    header: str = ""                  # on every page, with the page number in the footer
    footer: str = ""
    author: str = AUTHOR

    def add(self, block: Block) -> None:
        self.blocks.append(block)


def clean(text: str) -> str:
    return CONTROL.sub("", str(text))


def permalink_text(base: str, path: str) -> str:
    """The link on paper: absolute from the configured base URL, or a note that there is none."""
    return f"Online: {base.rstrip('/')}{path}" if base else NO_BASE_URL


def advice_document(advice: Advice, kb, permalink: str, filing: Optional[Filing] = None,
                    reviews: Optional[dict[str, str]] = None) -> Document:
    """Everything a procurement team files, in the order a reader needs it: the short advice, the review
    line and the disclaimer first; answers, the top 3 side by side, the instruments with 'Aan de slag', the
    numbered caveats (each once), why not the others, sources; scores, rules and their review state in an
    appendix. `permalink`: the line that links the online version (permalink_text)."""
    read = reading(advice, kb, reviews)
    filing = filing or Filing()
    words = AnswerWords(kb)
    summary = read.summary
    doc = Document(title="Advies: instrumenten om sociale impact te meten en te monitoren")
    today = dt.date.today()
    doc.header = " · ".join(x for x in ("Advies sociale impact", filing.opdracht, filing.kenmerk) if x)
    doc.footer = f"Gemaakt op {today:%d-%m-%Y} · kennisbank {advice.kb_version} · pagina"
    doc.add(Heading(1, doc.title))
    doc.add(Para(f"Peildatum {advice.reference_date:%d-%m-%Y} · kennisbank {advice.kb_version} · "
                 f"gemaakt op {today:%d-%m-%Y}"))
    doc.add(Table(["Gegeven", "Invullen"], [[label, getattr(filing, name)] for name, label in FILING_FIELDS.items()]))
    doc.add(Para(summary.review.text + " (per regel: bijlage)."))
    doc.add(Para(DISCLAIMER))
    doc.add(Para(permalink))

    doc.add(Heading(2, "Advies in het kort"))
    if summary.contract_value:
        doc.add(Para(f"Geraamde waarde: {summary.contract_value}" + _threshold(advice)
                     + (f" (kanttekening {read.value_caveat})" if read.value_caveat and _threshold(advice) else "") + "."))
    items = []
    for item in summary.instruments:
        line = f"{item.rank}. {item.name}: {item.fit}."
        if read.actions.get(item.instrument):
            line += f" Nu: {read.actions[item.instrument]}"
        items.append(line)
    if items:
        doc.add(Bullets(items))
    elif not read.unmet:
        doc.add(Para("Geen instrument past al duidelijk bij uw antwoorden: vul meer in, vooral uw doelen, "
                     "thema's en fase."))
    for text in read.unmet:
        doc.add(Para("Geen instrument voor uw doel. " + text))
    if read.warning:
        doc.add(Para(f"Belangrijkste juridische punt (kanttekening {read.warning.number}): "
                     + _caveat_text(kb, read.warning)))

    situation = advice.situation
    answers = [[words.question(f).capitalize(), words.answer(f, getattr(situation, f))]
               for f in sorted(words.order, key=lambda f: words.order[f])
               if getattr(situation, f, None) not in (None, ())]
    doc.add(Heading(2, "Uw antwoorden"))
    doc.add(Table(["Vraag", "Antwoord"], answers) if answers else Para("(geen antwoorden)"))

    top = advice.recommendations[:3]
    if len(top) > 1:
        doc.add(Heading(2, f"De top {len(top)} naast elkaar"))
        instruments = [kb.instrument(r.instrument) for r in top]
        value = kb.questionnaire.labels.values
        rows = [["Kosten opdrachtgever"] + [value.get(i.cost.opdrachtgever, i.cost.opdrachtgever) for i in instruments],
                ["Kosten opdrachtnemer"] + [value.get(i.cost.opdrachtnemer, i.cost.opdrachtnemer) for i in instruments],
                ["Niveaus"] + [", ".join(i.levels) for i in instruments]]
        for row in fit_rows(top):
            verdicts = {c.verdict if c else None for c in row.cells}
            if len(verdicts) > 1:
                rows.append([f"Uw wens: {row.question}: {short_label(row.answer)}"]
                            + [FIT_MARKS[c.verdict][1] if c else "onbekend" for c in row.cells])
        doc.add(Table(["Kenmerk"] + [r.name for r in top], rows))

    doc.add(Heading(2, "Aanbevolen instrumenten"))
    if not read.cards:
        doc.add(Para("Geen instrument aanbevolen (zie het advies in het kort)."))
    for card in read.cards:
        doc.add(Heading(3, f"{card.rec.rank}. {card.rec.name}"))
        doc.add(Para(card.fit[:1].upper() + card.fit[1:] + "."))
        doc.add(Bullets([cited(kb, line.text, line.source) for line in card.reasons]))
        if card.against:
            doc.add(Para("Wat ertegen pleit:"))
            doc.add(Bullets([cited(kb, line.text, line.source) for line in card.against]))
        if card.unmet:
            doc.add(Para("Wat niet (helemaal) past:"))
            doc.add(Bullets([_shortfall(kb, f) for f in card.unmet]))
        if card.steps:
            doc.add(Heading(4, "Aan de slag"))
            for number, step in enumerate(card.steps, start=1):
                line = f"{number}. {step.title} {cited(kb, step.text, step.source)}"
                if step.caveats:
                    line += " Let op: " + refs(step.caveats) + "."
                doc.add(Para(line))
        if card.caveats:
            doc.add(Para("Kanttekeningen bij dit instrument: " + refs(card.caveats, noun=False) + "."))

    if read.listed_caveats:
        doc.add(Heading(2, "Kanttekeningen"))
        doc.add(Bullets([f"{c.number}. " + ("Zie het belangrijkste juridische punt, bovenaan."
                                            if c.in_summary else _lead(c) + _caveat_text(kb, c))
                         for c in read.caveats]))
    doc.add(Heading(2, "Waarom niet?"))
    doc.add(Bullets([", ".join(name for _, name in line.instruments) + (" (uitgesloten)" if line.excluded else "")
                     + ": " + cited(kb, line.text, line.source) for line in read.why_not]))
    doc.add(Heading(2, "Bronnen"))
    pages = sorted({s.page for s in _sources(advice) if s.page})
    articles = sorted({a for s in _sources(advice) for a in s.articles})
    doc.add(Para("Rapport 'Zicht op sociale impact' (september 2022), pagina's: " + ", ".join(map(str, pages)) + "."))
    found = [kb.article(a) for a in articles if kb.article(a)]
    if found:
        doc.add(Bullets([f"{article_name(a)}: {a.title}" for a in found]))

    doc.add(Heading(2, "Bijlage: details voor juristen en beheerders"))
    doc.add(Para(advice.tie_break))
    if advice.derived:
        doc.add(Bullets([f"{f.label} (regel {f.rule})" for f in advice.derived]))
    doc.add(Table(["Instrument", "Score", "Uitkomst"], [[n, str(score), outcome] for n, score, outcome in read.scores]))
    doc.add(Table(["#", "Regel", "Soort", "Punten", "Instrumenten", "Beoordeling"],
                  [[str(r.order), r.rule, r.kind, f"{r.points:+d}" if r.points is not None else "",
                    ", ".join(r.instruments) or "algemeen", r.review] for r in read.details]))
    return doc


def _shortfall(kb, f: ReadFit) -> str:
    verdict = FIT_MARKS[f.fit.verdict][1]
    if f.same_as is not None:   # said at an earlier instrument, naming this one: point there
        return f"{f.fit.question}: {f.answer}: {verdict} (zie aanbeveling {f.same_as.rank})."
    if not f.reason:   # stated by a point against the instrument, just above
        return f"{f.fit.question}: {f.answer} ({verdict})."
    return f"{f.fit.question}: {f.answer} ({verdict}): " + cited(kb, f.reason, f.source)


def refs(numbers: list[int], noun: bool = True) -> str:
    """'kanttekeningen 1, 6 en 7'."""
    said = names_joined([str(n) for n in numbers])
    return (("kanttekening " if len(numbers) == 1 else "kanttekeningen ") if noun else "") + said


def _lead(c: ReadCaveat) -> str:
    return c.lead


def _caveat_text(kb, c: ReadCaveat) -> str:
    parts = ([f"p. {c.source.page}"] if c.source is not None and c.source.page else []) + grouped_reference(kb, c.articles)
    return c.text + (f" ({' · '.join(parts)})" if parts else "")


def _threshold(advice: Advice) -> str:
    facts = {f.name: f.value for f in advice.derived}
    if "eu_drempel" not in facts:
        return ""
    side = "boven" if facts.get("boven_eu_drempel") else "onder" if facts.get("onder_eu_drempel") else None
    if side and advice.situation.contract_value_eur == facts["eu_drempel"]:   # 'op of boven' in the law
        return f"; die ligt op de Europese drempel van {money(facts['eu_drempel'])} (op de drempel telt als erboven)"
    return f"; die ligt {side} de Europese drempel van {money(facts['eu_drempel'])}" if side else ""


def _sources(advice: Advice) -> Iterator[Source]:
    for rec in advice.recommendations:
        yield from (r.source for r in rec.reasons)
        yield from (c.source for c in rec.caveats)
        yield from (s.source for s in rec.next_steps)
    yield from (c.source for c in advice.general_caveats)


def _docx_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out the pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def to_docx(doc: Document) -> bytes:
    import docx

    out = docx.Document()
    out.core_properties.title = clean(doc.title)
    out.core_properties.author = AUTHOR
    out.core_properties.last_modified_by = AUTHOR
    out.core_properties.comments = DISCLAIMER
    section = out.sections[0]
    section.header.paragraphs[0].text = clean(doc.header or doc.title)
    footer = section.footer.paragraphs[0]
    footer.text = clean(doc.footer) + " "
    _docx_field(footer, "PAGE")
    footer.add_run(" van ")
    _docx_field(footer, "NUMPAGES")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_heading(clean(block.text), level=block.level)
        elif isinstance(block, Para):
            out.add_paragraph(clean(block.text))
        elif isinstance(block, Bullets):
            for item in block.items:
                out.add_paragraph(clean(item), style="List Bullet")
        else:
            table = out.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            # row by row: python-docx's table.cell(r, c) walks the whole table on every call
            for values, row in zip([block.header] + block.rows, table.rows):
                for value, cell in zip(values, row.cells):
                    cell.text = clean(value)
            for cell in table.rows[0].cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def to_odt(doc: Document) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import (Footer, Header, MasterPage, PageLayout, PageLayoutProperties, ParagraphProperties,
                           Style, TableCellProperties, TextProperties)
    from odf.table import Table as OdfTable, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P, PageCount, PageNumber

    out = OpenDocumentText()
    headings = {}
    for level, size in ((1, "20pt"), (2, "16pt"), (3, "13pt"), (4, "12pt")):
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        out.styles.addElement(style)
        headings[level] = style
    small = Style(name="Kop_en_voet", family="paragraph")
    small.addElement(TextProperties(fontsize="8pt", color="#555555"))
    out.styles.addElement(small)
    cell_style = Style(name="Cel", family="table-cell")
    cell_style.addElement(TableCellProperties(border="0.5pt solid #888888", padding="0.08cm"))
    out.automaticstyles.addElement(cell_style)
    bold = Style(name="Vet", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    out.automaticstyles.addElement(bold)
    layout = PageLayout(name="Pagina")
    layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", margintop="1.5cm",
                                           marginbottom="1.5cm", marginleft="2cm", marginright="2cm"))
    out.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(P(stylename=small, text=clean(doc.header or doc.title)))
    master.addElement(header)
    footer = Footer()
    line = P(stylename=small, text=clean(doc.footer) + " ")
    line.addElement(PageNumber(selectpage="current", text="1"))
    line.addText(" van ")
    line.addElement(PageCount(text="1"))
    footer.addElement(line)
    master.addElement(footer)
    out.masterstyles.addElement(master)
    bullets = ListStyle(name="Bullets")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    out.automaticstyles.addElement(bullets)
    out.meta.addElement(dc.Title(text=clean(doc.title)))
    out.meta.addElement(dc.Creator(text=AUTHOR))
    out.meta.addElement(meta.InitialCreator(text=AUTHOR))
    out.meta.addElement(dc.Description(text=DISCLAIMER))
    for number, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            out.text.addElement(H(outlinelevel=block.level, stylename=headings[min(block.level, 4)],
                                  text=clean(block.text)))
        elif isinstance(block, Para):
            out.text.addElement(P(text=clean(block.text)))
        elif isinstance(block, Bullets):
            items = List(stylename=bullets)
            for item in block.items:
                entry = ListItem()
                entry.addElement(P(text=clean(item)))
                items.addElement(entry)
            out.text.addElement(items)
        else:
            table = OdfTable(name=f"Tabel{number}")
            table.addElement(TableColumn(numbercolumnsrepeated=len(block.header)))
            for r, row in enumerate([block.header] + block.rows):
                tr = TableRow()
                for cell in row:
                    tc = TableCell(valuetype="string", stylename=cell_style)
                    tc.addElement(P(text=clean(cell), stylename=bold) if r == 0 else P(text=clean(cell)))
                    tr.addElement(tc)
                table.addElement(tr)
            out.text.addElement(table)
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue()


def to_markdown(doc: Document, escape) -> str:
    """The same document as Markdown; `escape` makes each text literal Markdown (the web's md_escape)."""
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += ["", "#" * block.level + " " + escape(block.text), ""]
        elif isinstance(block, Para):
            lines += [escape(block.text), ""]
        elif isinstance(block, Bullets):
            lines += [f"- {escape(item)}" for item in block.items] + [""]
        else:
            lines.append("| " + " | ".join(escape(h) for h in block.header) + " |")
            lines.append("|" + "---|" * len(block.header))
            lines += ["| " + " | ".join(escape(c) or " " for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).strip() + "\n"
