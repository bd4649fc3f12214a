"""The one converter from typed text to the values of a situation: used where input arrives as text
(the web form and its permalinks, `advisor advise -s field=value`, the cells of a CSV batch). JSON and
YAML input is never converted: there a number is a number and a yes/no answer a boolean.

What it accepts (listed for users in docs/input.md; tests/test_textvalues.py holds every example):

- an amount (`contract_value_eur`) in whole euros, the way a Dutch buyer writes it: `450000`,
  `450.000`, `€ 450.000`, `€450.000,-`, `450.000,00`; cents after a comma, exactly two digits
  (`1.234,50`). A dot is always a thousands separator, so it must be followed by groups of three
  digits. Anything that could be read two ways is refused with an example, never guessed:
  `450.00` (cents or a typo?), `4.50.000`, `1,5` (one and a half euro, or million?), `1,500`,
  `1_000`, `1e6`, negative amounts;
- a yes/no answer (`banenafspraak`, `services_art_2_82a`, `cross_border_interest`): `ja`, `nee`, `true`, `false` (any case);
- everything else (choices, dates as JJJJ-MM-DD, free text) stays text and is checked by the model
  as the API checks JSON.
"""

from __future__ import annotations

import re
from typing import Any

from .fields import MONEY_FIELDS, SITUATION_FIELDS

AMOUNT = re.compile(r"(?:€\s*)?(?P<euros>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)(?:,(?P<cents>[0-9]{2}|-{1,2}))?")
YES = {"ja": True, "true": True, "nee": False, "false": False}
AMOUNT_EXAMPLE = "schrijf een bedrag in euro's, bijvoorbeeld 450000, 450.000 of € 450.000"
YESNO_EXAMPLE = "antwoord ja of nee (of true/false)"
AMOUNT_FIELDS = MONEY_FIELDS
YESNO_FIELDS = frozenset(name for name, spec in SITUATION_FIELDS.items() if spec.shape == "bool")


class TextValueError(ValueError):
    """Text that cannot be read as the value its field needs; the message is Dutch and gives an example."""


def amount(text: str) -> float:
    """Euros from a Dutch-written amount ('€ 450.000' -> 450000.0); TextValueError when it is ambiguous."""
    found = AMOUNT.fullmatch(text.strip())
    if found is None:
        raise TextValueError(f"'{text.strip()}' is geen bedrag dat eenduidig te lezen is; {AMOUNT_EXAMPLE}")
    euros = float(found["euros"].replace(".", ""))
    cents = found["cents"]
    return euros + (int(cents) / 100 if cents and cents[0] != "-" else 0)


def yes_no(text: str) -> bool:
    """True for 'ja'/'true', False for 'nee'/'false' (any case, spaces around allowed)."""
    answer = YES.get(text.strip().lower())
    if answer is None:
        raise TextValueError(f"'{text.strip()}' is geen ja of nee; {YESNO_EXAMPLE}")
    return answer


def typed_value(field: str, text: str) -> Any:
    """The value of one situation field given as text: an amount or a yes/no answer converted, any
    other field's text unchanged (the model checks it as it checks JSON)."""
    if field in AMOUNT_FIELDS:
        return amount(text)
    if field in YESNO_FIELDS:
        return yes_no(text)
    return text


def as_text(field: str, value: Any) -> str:
    """A value as text that typed_value reads back to the same value: '450000', '1234,50', 'true'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if field in AMOUNT_FIELDS and isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")
    return str(value)
