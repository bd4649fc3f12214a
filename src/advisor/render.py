"""Plain-text rendering of an Advice for the terminal (the web uses templates instead)."""

from __future__ import annotations

from .models import Advice, Caveat, Source


def source_text(source: Source | None) -> str:
    if source is None:
        return ""
    parts = [f"p. {source.page}"] if source.page else []
    parts += list(source.articles)
    return f" [{', '.join(parts)}]"


def caveat_source(caveat: Caveat) -> str:
    parts = [f"p. {caveat.source.page}"] if caveat.source.page else []
    return f" [{', '.join(parts + list(caveat.legal_reference))}]"


def advice_text(advice: Advice, top: int = 5) -> str:
    lines = [f"Advies (kennisbank {advice.kb_version}, peildatum {advice.reference_date})"]
    for fact in advice.derived:
        lines.append(f"  · {fact.label}")
    lines.append("")
    if not advice.recommendations:
        lines.append("Geen instrument aanbevolen: vul meer antwoorden in (doelen, thema's, fase).")
    for rec in advice.recommendations[:top]:
        lines.append(f"{rec.rank}. {rec.name} (score {rec.score})")
        for reason in rec.reasons:
            lines.append(f"   {reason.points:+d} {reason.text}{source_text(reason.source)}")
        for caveat in rec.caveats:
            lines.append(f"   ! {caveat.text}{caveat_source(caveat)}")
    if advice.general_caveats:
        lines.append("\nLet op:")
        lines += [f"  ! {c.text}{caveat_source(c)}" for c in advice.general_caveats]
    lines.append("\nWaarom niet?")
    for item in advice.not_recommended:
        why = "; ".join(w.text for w in item.why_not)
        lines.append(f"  - {item.name}: {why}")
    lines.append(f"\n{advice.tie_break}")
    return "\n".join(lines)
