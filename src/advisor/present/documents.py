"""An advice as a document to file: one document model, rendered as ODF text (.odt) or Word (.docx).

The model is a list of blocks (headings, paragraphs, bullet lists, tables) built from the Advice;
each renderer maps blocks to its library (odfpy, python-docx), which escape all text as XML, so
user input shows up literally. No office suite is needed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from ..engine.advice import Advice
from ..engine.wishes import AnswerWords
from ..kb.formatting import FIT_MARKS, article_name, cited, grouped_reference, money
from ..kb.kbtypes import KB
from ..kb.models import Source
from .reading import ReadCaveat, ReadFit, fit_rows, names_joined, reading, short_label

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
    widths: tuple[float, ...] = ()   # relative column widths (equal when empty)
    small: bool = False              # the appendix: a smaller font, so rule ids fit their column


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


def today() -> dt.date:
    """The day a document is made (the guide in docs/maintaining.md fixes it, so its output stays the same)."""
    return dt.date.today()


EURO_SPACE = re.compile(r"€ (?=\d)")


def clean(text: str) -> str:
    return CONTROL.sub("", str(text))


def on_paper(text: str) -> str:
    """Text for a laid-out page: clean, and '€ 216.000' never broken after the euro sign."""
    return EURO_SPACE.sub("€\u00a0", clean(text))


def permalink_text(base: str, path: str) -> str:
    """The link on paper: absolute from the configured base URL, or a note that there is none."""
    return f"Online: {base.rstrip('/')}{path}" if base else NO_BASE_URL


def advice_document(advice: Advice, kb: KB, permalink: str, filing: Optional[Filing] = None,
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
    made = today()
    doc.header = " · ".join(x for x in ("Advies sociale impact", filing.opdracht, filing.kenmerk) if x)
    doc.footer = f"Gemaakt op {made:%d-%m-%Y} · kennisbank {advice.kb_version} · pagina"
    doc.add(Heading(1, doc.title))
    doc.add(Para(f"Peildatum {advice.reference_date:%d-%m-%Y} · kennisbank {advice.kb_version} · "
                 f"gemaakt op {made:%d-%m-%Y}"))
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
        gap = read.gaps.get(item.instrument)
        line = f"{item.rank}. {item.name}: {item.fit}." + (f" Niet bij: {gap}." if gap else "")
        if read.actions.get(item.instrument):
            line += f" Nu: {read.actions[item.instrument]}"
        items.append(line)
    for line in items:   # numbered by rank, so no bullet in front of the number
        doc.add(Para(line))
    if not items and not read.unmet:
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
        instruments = [i for i in (kb.instrument(r.instrument) for r in top) if i is not None]   # all: they were advised
        value = kb.questionnaire.labels.values
        def label(text: str, field_name: str) -> str:   # the report's page once per row, as on the page
            pages = {i.page_of(field_name) for i in instruments}
            return f"{text} (p. {pages.pop()})" if len(pages) == 1 and None not in pages else text
        measured = kb.questionnaire.labels.values
        rows = [[label("Kosten opdrachtgever", "cost")] + [value.get(i.cost.opdrachtgever, i.cost.opdrachtgever)
                                                         for i in instruments],
                [label("Kosten opdrachtnemer", "cost")] + [value.get(i.cost.opdrachtnemer, i.cost.opdrachtnemer)
                                                         for i in instruments],
                [label("Wie meet", "measured_by")] + [", ".join(measured.get(m, m) for m in i.measured_by)
                                                     for i in instruments],
                [label("Niveaus", "levels")] + [", ".join(i.levels) for i in instruments]]
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
        doc.add(Para("Waarom dit instrument:"))
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
        for c in read.caveats:   # numbered paragraphs: the steps and cards refer to the numbers
            doc.add(Para(f"{c.number}. " + ("Zie het belangrijkste juridische punt, bovenaan."
                                            if c.in_summary else _lead(c) + _caveat_text(kb, c))))
    doc.add(Heading(2, "Waarom niet?"))
    doc.add(Bullets([", ".join(name for _, name in line.instruments) + (" (uitgesloten)" if line.excluded else "")
                     + ": " + cited(kb, line.text, line.source)
                     + "".join(f" (p. {page})" for page in line.pages) for line in read.why_not]))
    doc.add(Heading(2, "Bronnen"))
    pages = sorted({s.page for s in _sources(advice) if s.page})
    articles = sorted({a for s in _sources(advice) for a in s.articles})
    doc.add(Para("Rapport 'Zicht op sociale impact' (september 2022), pagina's: " + ", ".join(map(str, pages)) + "."))
    found = [article for article in map(kb.article, articles) if article is not None]
    if found:
        doc.add(Bullets([f"{article_name(a)}: {a.title}" for a in found]))

    doc.add(Heading(2, "Bijlage: details voor juristen en beheerders"))
    doc.add(Para(advice.tie_break))
    if advice.derived:
        doc.add(Bullets([f"{f.label} (regel {f.rule})" for f in advice.derived]))
    doc.add(Table(["Instrument", "Score", "Uitkomst"], [[n, str(score), outcome] for n, score, outcome in read.scores],
                  widths=(5, 1.2, 2.5), small=True))
    doc.add(Table(["#", "Regel", "Soort", "Punten", "Instrumenten", "Beoordeling"],
                  [[str(r.order), r.rule, r.kind, f"{r.points:+d}" if r.points is not None else "",
                    ", ".join(r.instruments) or "algemeen", r.review] for r in read.details],
                  widths=(0.7, 3.9, 2.7, 1.2, 4.3, 2.2), small=True))
    return doc


def _shortfall(kb: KB, f: ReadFit) -> str:
    verdict = FIT_MARKS[f.fit.verdict][1]
    if f.same_as is not None:   # said at an earlier instrument, naming this one: point there
        return f"{_upper(f.fit.question)}: {f.answer}: {verdict} (zie aanbeveling {f.same_as.rank})."
    if not f.reason:   # stated by a point against the instrument, just above
        return f"{_upper(f.fit.question)}: {f.answer} ({verdict})."
    return f"{_upper(f.fit.question)}: {f.answer} ({verdict}): " + cited(kb, f.reason, f.source)


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def refs(numbers: list[int], noun: bool = True) -> str:
    """'kanttekeningen 1, 6 en 7'."""
    said = names_joined([str(n) for n in numbers])
    return (("kanttekening " if len(numbers) == 1 else "kanttekeningen ") if noun else "") + said


def _lead(c: ReadCaveat) -> str:
    return c.lead


def _caveat_text(kb: KB, c: ReadCaveat) -> str:
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


def _docx_field(paragraph: Any, instruction: str) -> None:
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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    out = docx.Document()
    out.core_properties.title = clean(doc.title)
    out.core_properties.author = AUTHOR
    out.core_properties.last_modified_by = AUTHOR
    out.core_properties.comments = DISCLAIMER
    section = out.sections[0]
    # A4 with 2 cm margins (python-docx's template is US Letter): 17 cm for the text and the tables
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    text_width = 17.0
    section.header.paragraphs[0].text = on_paper(doc.header or doc.title)
    footer = section.footer.paragraphs[0]
    footer.text = on_paper(doc.footer) + " "
    _docx_field(footer, "PAGE")
    footer.add_run(" van ")
    _docx_field(footer, "NUMPAGES")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_heading(on_paper(block.text), level=block.level)
        elif isinstance(block, Para):
            out.add_paragraph(on_paper(block.text))
        elif isinstance(block, Bullets):
            for item in block.items:
                out.add_paragraph(on_paper(item), style="List Bullet")
        else:
            table = out.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            widths = block.widths or (1.0,) * len(block.header)
            if block.widths:
                table.autofit = False
                for column, width in zip(table.columns, widths):
                    column.width = Cm(text_width * width / sum(widths))
            # row by row: python-docx's table.cell(r, c) walks the whole table on every call
            for values, row in zip([block.header] + block.rows, table.rows):
                for column, (value, cell) in enumerate(zip(values, row.cells)):
                    cell.text = on_paper(value)
                    if block.widths:
                        cell.width = Cm(text_width * widths[column] / sum(widths))
                    if block.small:
                        for run in cell.paragraphs[0].runs:
                            run.font.size = Pt(8.5)
            for cell in table.rows[0].cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            header = OxmlElement("w:tblHeader")   # the header row again on every page the table runs to
            header.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(header)
            out.add_paragraph()   # room between the table and what follows
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def to_odt(doc: Document) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        Footer,
        Header,
        ListLevelProperties,
        MasterPage,
        PageLayout,
        PageLayoutProperties,
        ParagraphProperties,
        Style,
        TableCellProperties,
        TableColumnProperties,
        TableProperties,
        TextProperties,
    )
    from odf.table import Table as OdfTable
    from odf.table import TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import H, List, ListItem, ListLevelStyleBullet, ListStyle, P, PageCount, PageNumber

    out = OpenDocumentText()
    headings = {}
    for level, size in ((1, "20pt"), (2, "16pt"), (3, "13pt"), (4, "12pt")):
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        # a heading stays with what it introduces, never alone at the foot of a page
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm", keepwithnext="always"))
        out.styles.addElement(style)
        headings[level] = style
    def add_style(container: Any, name: str, properties: Any, family: str = "paragraph") -> Any:
        made = Style(name=name, family=family)
        made.addElement(properties)
        container.addElement(made)
        return made

    small = add_style(out.styles, "Kop_en_voet", TextProperties(fontsize="8pt", color="#555555"))
    cell_style = add_style(out.automaticstyles, "Cel",
                           TableCellProperties(border="0.5pt solid #888888", padding="0.08cm"), "table-cell")
    bold = add_style(out.automaticstyles, "Vet", TextProperties(fontweight="bold"))
    # paragraphs with room between them (the default style has none), as in the Word document
    body = add_style(out.automaticstyles, "Tekst", ParagraphProperties(margintop="0cm", marginbottom="0.2cm"))
    compact = add_style(out.automaticstyles, "Klein", TextProperties(fontsize="8.5pt"))
    compact_bold = add_style(out.automaticstyles, "Klein_vet", TextProperties(fontsize="8.5pt", fontweight="bold"))
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
    bullet = ListLevelStyleBullet(level=1, bulletchar="•")
    bullet.addElement(ListLevelProperties(spacebefore="0.3cm", minlabelwidth="0.5cm"))   # room after the bullet
    bullets.addElement(bullet)
    out.automaticstyles.addElement(bullets)
    out.meta.addElement(dc.Title(text=clean(doc.title)))
    out.meta.addElement(dc.Creator(text=AUTHOR))
    out.meta.addElement(meta.InitialCreator(text=AUTHOR))
    out.meta.addElement(dc.Description(text=DISCLAIMER))
    for number, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            out.text.addElement(H(outlinelevel=block.level, stylename=headings[min(block.level, 4)],
                                  text=on_paper(block.text)))
        elif isinstance(block, Para):
            out.text.addElement(P(stylename=body, text=on_paper(block.text)))
        elif isinstance(block, Bullets):
            items = List(stylename=bullets)
            for item in block.items:
                entry = ListItem()
                entry.addElement(P(stylename=body, text=on_paper(item)))
                items.addElement(entry)
            out.text.addElement(items)
        else:
            table_style = Style(name=f"Tabel{number}", family="table")
            table_style.addElement(TableProperties(width="17cm", align="left"))
            out.automaticstyles.addElement(table_style)
            table = OdfTable(name=f"Tabel{number}", stylename=table_style)
            widths = block.widths or (1.0,) * len(block.header)
            for column, width in enumerate(widths):   # the column widths the content needs (rule ids, names)
                column_style = Style(name=f"Tabel{number}.{column}", family="table-column")
                column_style.addElement(TableColumnProperties(columnwidth=f"{17 * width / sum(widths):.2f}cm"))
                out.automaticstyles.addElement(column_style)
                table.addElement(TableColumn(stylename=column_style))
            plain, strong = (compact, compact_bold) if block.small else (None, bold)
            head = TableHeaderRows()   # repeated on every page the table runs to
            table.addElement(head)
            for r, row in enumerate([block.header] + block.rows):
                tr = TableRow()
                for cell in row:
                    tc = TableCell(valuetype="string", stylename=cell_style)
                    style = strong if r == 0 else plain
                    tc.addElement(P(text=on_paper(cell), stylename=style) if style else P(text=on_paper(cell)))
                    tr.addElement(tc)
                (head if r == 0 else table).addElement(tr)
            out.text.addElement(table)
            out.text.addElement(P(stylename=body))   # room between the table and what follows
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue()


def to_markdown(doc: Document, escape: Callable[[str], str]) -> str:
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
