"""How amounts, vocabulary slugs, sources and fit read in Dutch text: one place for the advice, the CLI's
text, the Markdown export, the documents and the web pages (a neutral module below the shells)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .kbtypes import KB
    from .models import Article, Source

# How an instrument meets a wish (advice.Fit.verdict): a mark, and the words beside it.
FIT_MARKS = {"voldoet": ("✔", "voldoet"), "deels": ("◐", "voldoet deels"), "voldoet_niet": ("✘", "voldoet niet"),
             "onbekend": ("?", "onbekend")}


def money(value: Any) -> str:
    """216000 -> '€ 216.000' (whole euros, Dutch thousands separator); anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"€ {int(round(value)):,}".replace(",", ".")


def humanize(value: str) -> str:
    """A vocabulary slug as words: 'meervoudig_onderhands' -> 'meervoudig onderhands'."""
    return value.replace("_", " ")


def article_name(article: Article) -> str:
    """'art. 2.82 Aanbestedingswet 2012'; a regulation cited as a whole (its 'article' is its name) once."""
    if article.article == article.law or article.law in article.article:
        return article.article
    return f"{article.article} {article.law}"


def legal_reference(kb: KB, source: "Source") -> tuple[str, ...]:
    """The articles a source cites, as the law names them ('art. 2.82 Aanbestedingswet 2012')."""
    refs = []
    for article_id in source.articles:
        article = kb.article(article_id)
        refs.append(article_name(article) if article else article_id)
    return tuple(refs)


def article_groups(kb: KB, article_ids: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The cited articles grouped by law, so a law is named once: [(law, [(id, number)])] renders as
    'art. 1.7, 1.10 en 2.80 Aanbestedingswet 2012'; an article cited by its own name has law '' and
    its full name as the number."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for article_id in article_ids:
        article = kb.article(article_id)
        name = article_name(article) if article else article_id
        if article is None or name == article.article or not article.article.startswith("art. "):
            groups.append(("", [(article_id, name)]))
            continue
        found = next((g for g in groups if g[0] == article.law), None)
        if found is None:
            found = (article.law, [])
            groups.append(found)
        found[1].append((article_id, article.article[len("art. "):]))
    return groups


def grouped_reference(kb: KB, article_ids: Iterable[str]) -> list[str]:
    """'art. 1.7, 1.10 en 2.80 Aanbestedingswet 2012', one string per law (article_groups)."""
    said = []
    for law, items in article_groups(kb, article_ids):
        numbers = [n for _, n in items]
        joined = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " en " + numbers[-1]
        said.append(f"art. {joined} {law}" if law else joined)
    return said


def unsaid(source: Optional["Source"], text: str = "") -> Optional["Source"]:
    """The source as still to be cited after `text`: without its page when the text already names that
    page ('... (p. 16).' gets no second '(p. 16)'); None when nothing is left to cite."""
    if source is None or not source.page or not re.search(rf"\bp\. {source.page}\b", text):
        return source
    if not source.articles:
        return None
    return type(source).model_construct(page=None, articles=source.articles, instrument_field=None)


def source_text(kb: KB, source: Optional["Source"], text: str = "") -> str:
    """' (p. 16 · art. 2.82 Aanbestedingswet 2012)' for plain text, Markdown and documents; with `text`, only
    what that text does not already cite."""
    source = unsaid(source, text)
    if source is None:
        return ""
    parts = ([f"p. {source.page}"] if source.page else []) + grouped_reference(kb, source.articles)
    return f" ({' · '.join(parts)})" if parts else ""


def cited(kb: KB, text: str, source: Optional["Source"]) -> str:
    """A text with its source, the page not repeated when the text names it."""
    return text + source_text(kb, source, text)

