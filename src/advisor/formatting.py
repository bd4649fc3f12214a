"""How amounts, vocabulary slugs, sources and fit read in Dutch text: one place for the advice, the CLI's
text, the Markdown export, the documents and the web pages (a neutral module below the shells)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional
from collections.abc import Iterable

if TYPE_CHECKING:
    from .advice import Fit
    from .models import Source

# How an instrument meets a wish (advice.Fit.verdict): a mark, and the words beside it.
FIT_MARKS = {"voldoet": ("✔", "voldoet"), "deels": ("◐", "voldoet deels"), "voldoet_niet": ("✘", "voldoet niet"),
             "onbekend": ("?", "onbekend")}
MARKS = {verdict: mark for verdict, (mark, _) in FIT_MARKS.items()}


def money(value: Any) -> str:
    """216000 -> '€ 216.000' (whole euros, Dutch thousands separator); anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"€ {int(round(value)):,}".replace(",", ".")


def humanize(value: str) -> str:
    """A vocabulary slug as words: 'meervoudig_onderhands' -> 'meervoudig onderhands'."""
    return value.replace("_", " ")


def legal_reference(kb, source: "Source") -> tuple[str, ...]:
    """The articles a source cites, as the law names them ('art. 2.82 Aanbestedingswet 2012')."""
    refs = []
    for article_id in source.articles:
        article = kb.article(article_id)
        refs.append(f"{article.article} {article.law}" if article else article_id)
    return tuple(refs)


def source_text(kb, source: Optional["Source"]) -> str:
    """' (p. 16 · art. 2.82 Aanbestedingswet 2012)' for plain text, Markdown and documents."""
    if source is None:
        return ""
    parts = ([f"p. {source.page}"] if source.page else []) + list(legal_reference(kb, source))
    return f" ({' · '.join(parts)})" if parts else ""


def fit_summary(fits: Iterable["Fit"]) -> str:
    """'✔ fase: uitvoeringsfase · ✘ niveaus: outcome' (the reasons of shortfalls are caveats)."""
    return " · ".join(f"{MARKS[f.verdict]} {f.question}: {f.answer_text}" for f in fits)
