"""Plain-text rendering of an Advice for the terminal: the CLI's own helper (the web uses templates). The
same reading as the documents (documents.advice_document), as text: the short advice first, each caveat
once, scores and rules in the appendix."""

from __future__ import annotations

from ..engine.advice import Advice
from ..kb.kbtypes import KB
from .documents import Bullets, Heading, Para, Table, advice_document


def advice_text(advice: Advice, kb: KB, top: int = 5) -> str:
    """The advice as text; `top`: the recommended instruments shown in full (the rest are named)."""
    shown = advice.model_copy(update={"recommendations": advice.recommendations[:top]}) \
        if len(advice.recommendations) > top else advice
    doc = advice_document(shown, kb, "")
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            lines += ["", block.text] + (["-" * len(block.text)] if block.level <= 2 else [])
        elif isinstance(block, Para):
            lines.append(block.text) if block.text else None
        elif isinstance(block, Bullets):
            lines += [f"  - {item}" for item in block.items]
        elif isinstance(block, Table):
            if any(any(cell for cell in row[1:]) for row in block.rows):
                lines += ["  " + " | ".join(row) for row in [block.header] + block.rows]
    if len(advice.recommendations) > top:
        rest = advice.recommendations[top:]
        lines.append(f"\nOok passend (niet uitgewerkt, --top {top}): " + ", ".join(r.name for r in rest) + ".")
    return "\n".join(lines).strip()
