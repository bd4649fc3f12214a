"""Reading a Situation from JSON or from query/form pairs, with Dutch messages for every problem.

One input contract for the API, the web form and the CLI:
- at most MAX_ERRORS problems are described (each with a Dutch message and, for an unknown field, a
  cached "bedoelt u"); the rest are only counted (`SituationError.more`), so an invalid request costs
  bounded work however many problems it holds;
- free text (`municipality`) may not contain control characters or line breaks ("bevat ongeldige
  tekens"): it ends up in the advice texts, the Markdown export and documents;
- query/form pairs are read as strictly as the API reads JSON: a number is a JSON number (no `1_000`,
  no spaces, no `inf`), a yes/no answer is `true` or `false`, everything else must fit as JSON does.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any, Optional
from collections.abc import Iterable, Mapping

from pydantic import ValidationError

from .errors import MAX_ERRORS, SituationError
from .fields import FREE_TEXT_FIELDS
from .loading import did_you_mean
from .models import CONTROL_CHARACTERS, Situation

LIST_FIELDS = {name for name, info in Situation.model_fields.items() if "tuple" in str(info.annotation)}
NUMBER_FIELDS = {name for name, info in Situation.model_fields.items() if "float" in str(info.annotation)}
BOOL_FIELDS = {name for name, info in Situation.model_fields.items() if "bool" in str(info.annotation)}
FIELD_NAMES = tuple(Situation.model_fields)
FREE_TEXT = FREE_TEXT_FIELDS   # marked in the model (models.Treatment)
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")   # as the published schema says (models.Treatment)
JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
NON_FINITE = {"greater_than_equal", "greater_than", "less_than_equal", "less_than", "finite_number"}


@lru_cache(maxsize=4096)
def _suggestion(word: str, choices: tuple[str, ...]) -> str:
    return did_you_mean(word, choices).replace("did you mean", "bedoelt u")


def suggest(word: Any, choices: Iterable[str]) -> str:
    """' (bedoelt u 'phase'?)' or ''; cached per (word, choices): difflib is the costly part of an error."""
    return _suggestion(str(word), tuple(choices))


def dutch_message(error: dict) -> str:
    """A Dutch message for one pydantic error of a situation (the API adds its own in problems.dutch)."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return f"onbekend veld{suggest(error['loc'][-1], FIELD_NAMES)}"
    value = error.get("input")
    if kind in NON_FINITE and isinstance(value, float) and not math.isfinite(value):
        return "moet een getal zijn"   # NaN and Infinity are not amounts ("mag hoogstens" would mislead)
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


def free_text_problems(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(path, message) for every free-text field of a raw situation that holds control characters."""
    if not isinstance(data, dict):
        return []
    return [(f"{prefix}{name}", "bevat ongeldige tekens") for name in FREE_TEXT
            if isinstance(data.get(name), str) and CONTROL.search(data[name])]


def described(errors: Iterable[Mapping[str, Any]], *, root: str = "situation", skip: int = 0, dutch=None,
              known: Optional[list[tuple[str, str]]] = None, total: Optional[int] = None
              ) -> tuple[list[tuple[str, str]], int]:
    """The first MAX_ERRORS problems as (field path, Dutch message), and how many more there are.

    `known` problems (found before validation) come first; `total` is the number of pydantic errors
    when known without building them all (ValidationError.error_count())."""
    dutch = dutch or dutch_message
    found = list(known or [])[:MAX_ERRORS]
    more = max(0, len(known or []) - MAX_ERRORS)
    count = 0
    for error in errors:
        count += 1
        if len(found) >= MAX_ERRORS:
            if total is None:
                more += 1
                continue
            break
        loc = [str(part) for part in error["loc"][skip:]]
        found.append((".".join(loc) or root, dutch(error)))
    if total is not None:
        more += max(0, total - count)
    return found, more


def _raise(err: Optional[ValidationError], known: list[tuple[str, str]], root: str = "situation") -> None:
    errors = err.errors(include_url=False) if err is not None else []
    found, more = described(errors, root=root, known=known)
    raise SituationError(found, more=more) from None


def parse_situation(data: Any) -> Situation:
    """Validate a JSON-like situation (YAML, CLI); raise SituationError listing the problems (path, Dutch message)."""
    known = free_text_problems(data)
    try:
        situation = Situation.model_validate(data)
    except ValidationError as err:
        _raise(err, known)
    if known:
        _raise(None, known)
    return situation


def read_int(text: str) -> int | float:
    """A JSON integer; one beyond a float's range reads as infinity, which every route refuses as "moet
    een getal zijn" (int() itself stops at 4,300 digits, and math.isfinite overflows on such an int)."""
    return int(text) if len(text) <= 300 else float(text)


def _strict_value(name: str, value: str) -> Any:
    """A form value as the API would receive it in JSON: a number for a number field when it is written
    as a JSON number, a boolean for a yes/no field when it is `true` or `false`; anything else stays a
    string, and strict validation refuses it for a number or yes/no field with the usual message."""
    if name in NUMBER_FIELDS and JSON_NUMBER.fullmatch(value):
        number = json.loads(value, parse_int=read_int)
        return number if math.isfinite(number) else value
    if name in BOOL_FIELDS and value in ("true", "false"):
        return value == "true"
    return value


def from_pairs(pairs: Iterable[tuple[str, str]]) -> Situation:
    """Query-string or form pairs (lists as repeated keys; empty values mean 'unknown'), read with the
    API's strict rules: the form accepts exactly what POST /api/v1/advice accepts."""
    data: dict[str, Any] = {}
    known: list[tuple[str, str]] = []
    for key, value in pairs:
        if value == "":
            continue
        if key in LIST_FIELDS:
            data.setdefault(key, []).append(value)
        elif key in data:
            if (key, "mag maar één keer voorkomen") not in known:
                known.append((key, "mag maar één keer voorkomen"))
        else:
            data[key] = _strict_value(key, value)
    known += free_text_problems(data)
    try:
        situation = Situation.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as err:
        _raise(err, known)
    if known:
        _raise(None, known)
    return situation


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
