"""Reading a Situation from JSON or from query/form pairs, with Dutch messages for every problem."""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import ValidationError

from .errors import SituationError
from .loading import did_you_mean
from .models import Situation

LIST_FIELDS = {name for name, info in Situation.model_fields.items() if "tuple" in str(info.annotation)}


def _dutch(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return f"onbekend veld{did_you_mean(error['loc'][-1], Situation.model_fields)}".replace(
            "did you mean", "bedoelt u")
    if kind in ("literal_error", "enum"):
        return f"onbekende waarde '{error.get('input')}'; kies uit: {ctx.get('expected', '')}".replace(" or ", " of ")
    if kind in ("greater_than_equal", "greater_than"):
        return f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    if kind in ("less_than_equal", "less_than"):
        return f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    if kind.startswith("float") or kind.startswith("int"):
        return "moet een getal zijn"
    if kind.startswith("bool"):
        return "moet ja of nee (true of false) zijn"
    if kind.startswith("date"):
        return "moet een datum zijn (JJJJ-MM-DD)"
    if kind in ("tuple_type", "list_type"):
        return "moet een lijst zijn"
    if kind.startswith("string_too"):
        return "heeft een ongeldige lengte"
    if kind in ("string_type",):
        return "moet tekst zijn"
    if kind == "model_type" or kind == "dict_type":
        return "moet een object zijn"
    return error["msg"]


def parse_situation(data: Any) -> Situation:
    """Validate a JSON-like situation; raise SituationError listing every problem (path, Dutch message)."""
    try:
        return Situation.model_validate(data)
    except ValidationError as err:
        problems = []
        for error in err.errors():
            path = ".".join(str(p) for p in error["loc"]) or "situation"
            problems.append((path, _dutch(error)))
        raise SituationError(problems) from None


def from_pairs(pairs: Iterable[tuple[str, str]]) -> Situation:
    """Query-string or form pairs (lists as repeated keys; empty values mean 'unknown')."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if value == "":
            continue
        if key in LIST_FIELDS:
            data.setdefault(key, []).append(value)
        elif key in data:
            raise SituationError([(key, "mag maar één keer voorkomen")])
        else:
            data[key] = value
    return parse_situation(data)


def to_pairs(situation: Situation) -> list[tuple[str, str]]:
    """The inverse of from_pairs: the permalink of a situation."""
    pairs = []
    for name, value in situation.model_dump(exclude_defaults=True, mode="json").items():
        if isinstance(value, list):
            pairs += [(name, str(v)) for v in value]
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif isinstance(value, float) and value.is_integer():
            pairs.append((name, str(int(value))))
        else:
            pairs.append((name, str(value)))
    return pairs
