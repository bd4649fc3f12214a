"""Advice and KB text as Markdown that cannot turn into anything else: the Markdown export of an advice
(present/formats.py) and the web's Markdown pages share these escapes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Optional

LINE_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]+")   # control characters but tab
MD_SYNTAX = re.compile(r"([\\`*_\[\](){}#+\-!|~:@])")   # ':' and '@': GFM autolinks http://, mailto:, a@b
WWW = re.compile(r"(?i)(www)\.")                            # and bare www. addresses


class MarkdownSafe(str):
    """Text that is already Markdown (built here from escaped parts): the template prints it as is."""


def md_plain(text: str) -> str:
    """Every value in the Markdown: no raw HTML, and no line break (so it cannot start a block)."""
    return LINE_BREAKS.sub(" ", text).replace("<", "&lt;").replace(">", "&gt;")


def md_cell(text: Any) -> str:
    """KB text in Markdown as written (no raw HTML, no line break), with '|' escaped so a table cell holds."""
    return md_plain(str(text)).replace("|", "\\|")


def md_escape(text: Any) -> str:
    """User text as literal Markdown: it cannot form a link (bare URLs included: GitHub autolinks
    `http://…`, `www.…` and e-mail addresses), image, heading, emphasis, code, list, table cell,
    strike-through or line break (CommonMark backslash escapes; `<` and `>` as entities)."""
    return WWW.sub(r"\1\\.", MD_SYNTAX.sub(r"\\\1", md_plain(str(text))))


def md_strict(user_texts: Iterable[Optional[str]]) -> bool:
    """Whether a Markdown export must escape every value: when a free user text (the municipality, which
    the advice quotes in its texts and answers) holds anything Markdown could read as syntax. Otherwise
    the KB's own texts stay as readable as they are written (escaping never changes how they render)."""
    return any(text and (MD_SYNTAX.search(md_plain(text)) or WWW.search(text)) for text in user_texts)
