"""How amounts and vocabulary slugs read in Dutch text: one place for the CLI, the advice and the web."""

from __future__ import annotations

from typing import Any


def money(value: Any) -> str:
    """216000 -> '€ 216.000' (whole euros, Dutch thousands separator); anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"€ {int(round(value)):,}".replace(",", ".")


def humanize(value: str) -> str:
    """A vocabulary slug as words: 'meervoudig_onderhands' -> 'meervoudig onderhands'."""
    return value.replace("_", " ")
