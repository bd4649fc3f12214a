"""Where each article of law is used: the rules that cite it (with the instruments they apply to)
and the EU thresholds that cite it.

The one place behind the legal view: the web pages `/artikelen[/{id}]` and the API
`/api/v1/articles[/{id}]` both read it. Knowledge only: no fastapi, no jinja2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from .checking import matching_instruments
from .kinds import CITED_GROUPS
from .models import Article, Instrument, Threshold
from .rule_models import Rule

if TYPE_CHECKING:
    from .kbtypes import KB

# The order in which a legal advisor reads the rules citing an article (kinds.CITED_GROUPS): how facts are
# derived, then what scores, what excludes, the caveats per instrument and those on the advice as a whole.
GROUPS = tuple(CITED_GROUPS)


@dataclass(frozen=True)
class Citation:
    """One rule citing the article, and the instruments it applies to (none for general/derive rules)."""
    rule: Rule
    instruments: tuple[Instrument, ...]

    @property
    def group(self) -> str:
        return "general" if self.rule.is_general else self.rule.kind


@dataclass(frozen=True)
class ArticleUse:
    article: Article
    citations: tuple[Citation, ...]
    thresholds: tuple[Threshold, ...]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(c.rule.id for c in self.citations)

    def groups(self) -> list[tuple[str, tuple[Citation, ...]]]:
        """(group, citations) in GROUPS order, empty groups left out."""
        found = [(g, tuple(c for c in self.citations if c.group == g)) for g in GROUPS]
        return [(g, items) for g, items in found if items]


def rule_instruments(kb: KB, rule: Rule) -> tuple[Instrument, ...]:
    """The instruments a rule's effect can land on, as compiling resolves its `instruments` selector."""
    if not rule.about_instruments:
        return ()
    _, selector = kb.conditions(rule)
    return tuple(matching_instruments(kb, selector))


def citing_rules(kb: KB, article_id: str) -> tuple[Rule, ...]:
    return tuple(r for r in kb.rules if article_id in r.source.articles)


def citing_thresholds(kb: KB, article_id: str) -> tuple[Threshold, ...]:
    return tuple(t for t in kb.legal.thresholds if article_id in t.source.articles)


def article_use(kb: KB, article_id: str) -> Optional[ArticleUse]:
    """Everything in the KB that cites one article, or None when the KB has no such article."""
    article = kb.article(article_id)
    if article is None:
        return None
    citations = tuple(Citation(rule, rule_instruments(kb, rule)) for rule in citing_rules(kb, article.id))
    return ArticleUse(article, citations, citing_thresholds(kb, article.id))


def article_uses(kb: KB) -> list[ArticleUse]:
    """The use of every article, in the order of knowledge/legal.yaml."""
    return [use for use in (article_use(kb, a.id) for a in kb.legal.articles) if use is not None]
