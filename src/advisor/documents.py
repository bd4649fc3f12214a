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

from .advice import Advice
from .formatting import fit_summary, source_text
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
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, block: Block) -> None:
        self.blocks.append(block)


def clean(text: str) -> str:
    return CONTROL.sub("", str(text))


def advice_document(advice: Advice, kb, permalink: str) -> Document:
    """Everything a procurement team files: answers, derived facts, recommendations with reasons,
    caveats and 'Aan de slag', the top-3 comparison, why-not, sources, KB version, date, permalink."""
    words = AnswerWords(kb)
    doc = Document(title="Advies: instrumenten om sociale impact te meten en te monitoren")
    doc.add(Heading(1, doc.title))
    doc.add(Para(f"Peildatum {advice.reference_date:%d-%m-%Y} · kennisbank {advice.kb_version} · "
                 f"gemaakt op {dt.date.today():%d-%m-%Y}"))
    doc.add(Para(f"Online: {permalink}"))
    situation = advice.situation
    answers = [f"{words.question(f).capitalize()}: {words.answer(f, getattr(situation, f))}"
               for f in sorted(words.order, key=lambda f: words.order[f])
               if getattr(situation, f, None) not in (None, ())]
    doc.add(Heading(2, "Uw antwoorden"))
    doc.add(Bullets(answers or ["(geen antwoorden)"]))
    if advice.derived:
        doc.add(Heading(2, "Afgeleid uit uw antwoorden"))
        doc.add(Bullets([f.label for f in advice.derived]))
    if advice.general_caveats:
        doc.add(Heading(2, "Let op"))
        doc.add(Bullets([c.text + source_text(kb, c.source) for c in advice.general_caveats]))
    if advice.unmet_goals:
        doc.add(Heading(2, "Geen instrument voor uw doel"))
        doc.add(Bullets([u.text for u in advice.unmet_goals]))
    doc.add(Heading(2, "Aanbevolen instrumenten"))
    if not advice.recommendations:
        doc.add(Para("Geen instrument past al duidelijk bij uw antwoorden."))
    for rec in advice.recommendations:
        doc.add(Heading(3, f"{rec.rank}. {rec.name} (score {rec.score})"))
        doc.add(Bullets([f"{r.points:+d} {r.text}{source_text(kb, r.source)}" for r in rec.reasons]))
        if rec.fit:
            doc.add(Para("Uw wensen: " + fit_summary(rec.fit)))
        if rec.caveats:
            doc.add(Para("Kanttekeningen:"))
            doc.add(Bullets([c.text + source_text(kb, c.source) for c in rec.caveats]))
        if rec.next_steps:
            doc.add(Heading(4, "Aan de slag"))
            for step in rec.next_steps:
                doc.add(Para(f"{step.title} {step.text}{source_text(kb, step.source)}"))
                if step.caveats:
                    doc.add(Bullets([f"Let op: {c.text}" for c in step.caveats]))
    top = advice.recommendations[:3]
    if len(top) > 1:
        doc.add(Heading(2, f"De top {len(top)} naast elkaar"))
        instruments = [kb.instrument(r.instrument) for r in top]
        rows = [["Score"] + [str(r.score) for r in top],
                ["Kosten opdrachtgever"] + [i.cost.opdrachtgever for i in instruments],
                ["Kosten opdrachtnemer"] + [i.cost.opdrachtnemer for i in instruments],
                ["Niveaus"] + [", ".join(i.levels) for i in instruments],
                ["Fasen"] + [", ".join(i.phases) for i in instruments]]
        doc.add(Table(["Kenmerk"] + [r.name for r in top], rows))
    doc.add(Heading(2, "Waarom niet?"))
    doc.add(Bullets([f"{n.name}: " + "; ".join(w.text for w in n.why_not) for n in advice.not_recommended]))
    doc.add(Heading(2, "Bronnen"))
    pages = sorted({s.page for s in _sources(advice) if s.page})
    articles = sorted({a for s in _sources(advice) for a in s.articles})
    doc.add(Para("Rapport 'Zicht op sociale impact' (september 2022), pagina's: " + ", ".join(map(str, pages)) + "."))
    if articles:
        doc.add(Bullets([f"{kb.article(a).article} {kb.article(a).law}: {kb.article(a).title}" for a in articles
                         if kb.article(a)]))
    doc.add(Para(advice.tie_break))
    return doc


def _sources(advice: Advice):
    for rec in advice.recommendations:
        yield from (r.source for r in rec.reasons)
        yield from (c.source for c in rec.caveats)
        yield from (s.source for s in rec.next_steps)
    yield from (c.source for c in advice.general_caveats)


def to_docx(doc: Document) -> bytes:
    import docx

    out = docx.Document()
    out.core_properties.title = clean(doc.title)
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
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def to_odt(doc: Document) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TextProperties
    from odf.table import Table as OdfTable, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P

    out = OpenDocumentText()
    headings = {}
    for level, size in ((1, "20pt"), (2, "16pt"), (3, "13pt"), (4, "12pt")):
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        out.styles.addElement(style)
        headings[level] = style
    bullets = ListStyle(name="Bullets")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    out.automaticstyles.addElement(bullets)
    out.meta.addElement(__import__("odf.dc", fromlist=["Title"]).Title(text=clean(doc.title)))
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
            for row in [block.header] + block.rows:
                tr = TableRow()
                for cell in row:
                    tc = TableCell(valuetype="string")
                    tc.addElement(P(text=clean(cell)))
                    tr.addElement(tc)
                table.addElement(tr)
            out.text.addElement(table)
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue()
