"""How an advice reads, measured: the plain text of each view (page, Markdown, text, DOCX, ODT), its
words, the words above 'Waarom niet?', sentences said twice, raw placeholders, repository paths and
doubled page references. Used by the tests and by benchmarks/advice_words.py (docs/architecture.md: "Measure it").
"""

from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any, Optional

WHY_NOT = "Waarom niet?"
MIN_WORDS = 8          # a sentence this long, said twice, is a repetition (not a common phrase)

WORD = re.compile(r"[\wÀ-ÿ€%+\-]+(?:[.,'][\wÀ-ÿ]+)*")
RAW_PLACEHOLDER = re.compile(r"\{[a-z_.]+\}")
REPO_PATH = re.compile(r"\b(?:knowledge|rules|src|templates|static|tests)/[\w./-]+\.(?:ya?ml|py|html|md)\b")
DOUBLED_PAGE = re.compile(r"\((?:rapport )?p\. (\d+)\)\.?\s*\((?:rapport )?p\. \1\b")
PAGE_REF = re.compile(r"\s*\((?:[^()]*\bp\. \d+[^()]*|art\.[^()]*)\)")


class _Text(HTMLParser):
    """The text a reader sees: no script, style, or visually hidden helper text; blocks on their own line."""
    BLOCK = {"p", "li", "h1", "h2", "h3", "h4", "tr", "dt", "dd", "div", "section", "summary", "caption", "br"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self, folded: bool = True) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip: list[str] = []
        self.folded = folded          # False: leave out what a <details> element folds away (not its summary)
        self.details = 0
        self.in_summary = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "details":
            self.details += 1
        elif tag == "summary":
            self.in_summary = True
        if tag in self.SKIP or "visually-hidden" in classes or "print-alleen" in classes or self.skip:
            self.skip.append(tag)
        if tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.details -= 1
        elif tag == "summary":
            self.in_summary = False
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip and (self.folded or not self.details or self.in_summary):
            self.parts.append(re.sub(r"\s+", " ", data))


def html_text(html: str, main_only: bool = True, folded: bool = True) -> str:
    """The visible text of a page (only its <main> when `main_only`), one block a line; with folded=False
    without what <details> elements fold away (what a reader sees before opening anything)."""
    if main_only and "<main" in html:
        html = html[html.index("<main"):html.index("</main>") + 7]
    parser = _Text(folded)
    parser.feed(html)
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def docx_text(data: bytes) -> str:
    import docx
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(line for line in lines if line.strip())


def odt_text(data: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load
    document = load(io.BytesIO(data))
    from odf.namespaces import TEXTNS
    wanted = ((TEXTNS, "h"), (TEXTNS, "p"))
    lines: list[str] = []

    def walk(node: Any) -> None:   # in document order: headings and paragraphs as they follow each other
        for child in node.childNodes:
            if getattr(child, "qname", None) in wanted:
                lines.append(teletype.extractText(child))
            elif child.nodeType == child.ELEMENT_NODE:
                walk(child)
    walk(document.text)
    return "\n".join(line for line in lines if line.strip())


def words(text: str) -> int:
    return len(WORD.findall(text))


WHY_NOT_HEADING = re.compile(r"^(?:#+ )?Waarom niet\?$", re.MULTILINE | re.IGNORECASE)


def above_why_not(text: str) -> str:
    """The part of a view above its 'Waarom niet?' heading (all of it when there is none)."""
    found = WHY_NOT_HEADING.search(text)
    return text if found is None else text[:found.start()]


FRAGMENT_END = re.compile(r"(?<=[.!?;:])\s+")
PARENS = re.compile(r"\([^()]*\)")


def fragments(text: str) -> list[str]:
    """A line cut into sentences (and the parts between ';' and ':'), never inside parentheses ('bijv. ...')."""
    kept: list[str] = []

    def hide(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x01"
    hidden = PARENS.sub(hide, text)
    return [re.sub(r"\x00(\d+)\x01", lambda m: kept[int(m.group(1))], part)
            for part in FRAGMENT_END.split(hidden) if part]


def sentences(text: str) -> list[str]:
    """Sentences of MIN_WORDS words or more, compared without page references, case or punctuation."""
    found = []
    for line in text.split("\n"):
        for part in (f for cell in PAGE_REF.sub("", line).split(" | ") for f in fragments(cell)):
            tokens = [w.lower() for w in WORD.findall(part)]
            items = part.split(",")
            if len(items) >= 3 and all(len(WORD.findall(item)) <= 3 for item in items):
                continue   # a list of names (instruments in a table or a trace), not a sentence
            if len(tokens) >= MIN_WORDS:
                found.append(" ".join(tokens))
    return found


def repeated_sentences(text: str) -> dict[str, int]:
    """Each sentence of MIN_WORDS words or more that the view says more than once, with its count."""
    return {s: n for s, n in Counter(sentences(text)).items() if n > 1}


def slips(text: str) -> list[str]:
    """What no reader should see: a raw {placeholder}, a path in the repository, a doubled page reference."""
    found = [f"raw placeholder {m.group(0)}" for m in RAW_PLACEHOLDER.finditer(text)]
    found += [f"repository path {m.group(0)}" for m in REPO_PATH.finditer(text)]
    found += [f"doubled page reference {m.group(0)!r}" for m in DOUBLED_PAGE.finditer(text)]
    return found


# The situations the issue of readable advice was judged on (an inkoper's reading of /advies), as the
# form sends them; the benchmark prints their words per view, the tests hold them to the limits.
READER_SITUATIONS: dict[str, str] = {
    "voorbeeld (vergelijken en monitoren, Europees, Groningen)":
        "phase=voorbereiding&goals=inschrijvers_vergelijken&goals=sr_monitoren&contract_type=diensten"
        "&contracting_authority=decentraal&contract_value_eur=450000&procedure=europees&province=groningen",
    "voorbehouden opdracht":
        "phase=aanbesteding&goals=voorbehouden_opdracht&contract_type=leveringen&contracting_authority=centraal"
        "&contract_value_eur=150000",
    "vergelijken boven de drempel":
        "phase=aanbesteding&goals=inschrijvers_vergelijken&contract_type=diensten&contracting_authority=decentraal"
        "&contract_value_eur=450000&procedure=europees",
    "monitoren in de uitvoering zonder budget":
        "phase=uitvoering&goals=sr_monitoren&budget_opdrachtgever=geen",
    "diversiteit en inclusie":
        "phase=uitvoering&themes=diversiteit_inclusie&goals=ontwikkeling_medewerkers",
    "waarde in euro's":
        "phase=uitvoering&goals=waarde_in_euro&themes=brede_impact",
}
