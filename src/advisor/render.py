"""Plain-text rendering of an Advice for the terminal: the CLI's own helper (the web uses templates)."""

from __future__ import annotations

from .advice import Advice
from .formatting import fit_summary, source_text


def advice_text(advice: Advice, kb, top: int = 5) -> str:
    lines = [f"Advies (kennisbank {advice.kb_version}, peildatum {advice.reference_date})"]
    for fact in advice.derived:
        lines.append(f"  · {fact.label}")
    lines.append("")
    for unmet in advice.unmet_goals:
        lines.append(f"Geen instrument voor uw doel: {unmet.text}")
    if advice.unmet_goals:
        lines.append("")
    if not advice.recommendations and not advice.unmet_goals:
        lines.append("Geen instrument aanbevolen: vul meer antwoorden in (doelen, thema's, fase).")
    for rec in advice.recommendations[:top]:
        lines.append(f"{rec.rank}. {rec.name} (score {rec.score})")
        if rec.fit:
            lines.append(f"   Wensen: {fit_summary(rec.fit)}")
        for reason in rec.reasons:
            lines.append(f"   {reason.points:+d} {reason.text}{source_text(kb, reason.source)}")
        for caveat in rec.caveats:
            lines.append(f"   ! {caveat.text}{source_text(kb, caveat.source)}")
        if rec.next_steps:
            lines.append("   Aan de slag:")
        for number, step in enumerate(rec.next_steps, start=1):
            lines.append(f"   {number}. {step.title} {step.text}{source_text(kb, step.source)}")
            lines += [f"      ! {c.text}" for c in step.caveats]
    if advice.general_caveats:
        lines.append("\nLet op:")
        lines += [f"  ! {c.text}{source_text(kb, c.source)}" for c in advice.general_caveats]
    lines.append("\nWaarom niet?")
    for item in advice.not_recommended:
        why = "; ".join(w.text for w in item.why_not)
        lines.append(f"  - {item.name}: {why}")
    lines.append(f"\n{advice.tie_break}")
    return "\n".join(lines)
