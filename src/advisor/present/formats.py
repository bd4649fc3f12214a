"""The output formats of an advice, one entry each: the one table that `advisor advise --format NAME` and
the web's `/advies.SUFFIX` both read. A new format is a function from an advice to text or bytes and one
`OutputFormat` here (modelled on Datasette's `register_output_renderer`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional, Union

from ..engine.advice import Advice
from ..kb.kbtypes import KB
from ..kb.situations import FREE_TEXT
from .documents import DOCUMENT_TYPES, Filing, advice_document, to_docx, to_markdown, to_odt
from .markdown import md_cell, md_escape, md_strict
from .text import advice_text


@dataclass(frozen=True)
class Rendering:
    """What a format may need besides the advice."""
    kb: KB
    reviews: Optional[dict[str, str]] = None   # the review state per rule (Explainer.reviews)
    permalink: str = ""                        # the line that links the online version (documents.permalink_text)
    filing: Filing = field(default_factory=Filing)
    top: int = 5                               # text: the recommended instruments shown in full
    indent: Optional[int] = None               # json: None for programs, 2 for people


@dataclass(frozen=True)
class OutputFormat:
    name: str                     # as `--format NAME` on the command line
    suffix: str                   # the web page `/advies.SUFFIX` and the file's extension
    title: str                    # the link's words on the advice page
    media_type: str
    render: Callable[[Advice, Rendering], Union[str, bytes]]
    binary: bool = False          # bytes: the CLI writes it to a file (-o), the web offers it as a download
    web: bool = True              # offered as /advies.SUFFIX


def _markdown(advice: Advice, r: Rendering) -> str:
    # a municipality typed as Markdown would be read as Markdown: then every value is escaped
    strict = md_strict([getattr(advice.situation, name) for name in FREE_TEXT])
    made = advice_document(advice, r.kb, r.permalink, r.filing, r.reviews)
    return to_markdown(made, md_escape if strict else md_cell)


def _document(write: Callable) -> Callable[[Advice, Rendering], bytes]:
    return lambda advice, r: write(advice_document(advice, r.kb, r.permalink, r.filing, r.reviews))


# In the order the advice page offers them (text is the terminal's, not a download).
FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("docx", "docx", "Word-document (.docx)", DOCUMENT_TYPES["docx"], _document(to_docx), binary=True),
    OutputFormat("odt", "odt", "ODF-document (.odt)", DOCUMENT_TYPES["odt"], _document(to_odt), binary=True),
    OutputFormat("markdown", "md", "Markdown", "text/markdown; charset=utf-8", _markdown),
    OutputFormat("json", "json", "JSON", "application/json", lambda advice, r: advice.model_dump_json(indent=r.indent)),
    OutputFormat("text", "txt", "Tekst", "text/plain; charset=utf-8",
                 lambda advice, r: advice_text(advice, r.kb, r.top), web=False),
)}
WEB_FORMATS = {f.suffix: f for f in FORMATS.values() if f.web}
