"""Reading a Situation, with Dutch messages for every problem: the one input contract of the API, the
web form, the CLI (`-s` and files), `advisor batch` and the library (`advisor.read_situation`).

- JSON and YAML data are read as the API reads JSON (`parse_situation`, `read_json`): no string
  becomes a number or a boolean, an unknown key gets a "bedoelt u", a key given twice is an error,
  and every problem is listed at once;
- text (the web form, `-s field=value`, CSV cells) goes through the one converter,
  `textvalues.typed_value` (Dutch amounts such as `€ 450.000`, `ja`/`nee`), then the same checks
  (`from_pairs`);
- at most MAX_ERRORS problems are described (each with a Dutch message and, for an unknown field, a
  cached "bedoelt u"); the rest are only counted (`SituationError.more`), so an invalid input costs
  bounded work however many problems it holds;
- free text (`municipality`) may not contain control characters or line breaks ("bevat ongeldige
  tekens"): it ends up in the advice texts, the Markdown export and documents.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NoReturn, Optional

from pydantic import ValidationError

from .errors import MAX_ERRORS, SituationError
from .fields import FREE_TEXT_FIELDS
from .loading import did_you_mean
from .models import CONTROL_CHARACTERS, Situation
from .textvalues import TextValueError, as_text, typed_value

LIST_FIELDS = {name for name, info in Situation.model_fields.items() if "tuple" in str(info.annotation)}
FIELD_NAMES = tuple(Situation.model_fields)
FREE_TEXT = FREE_TEXT_FIELDS   # marked in the model (models.Treatment)
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")   # as the published schema says (models.Treatment)
NON_FINITE = {"greater_than_equal", "greater_than", "less_than_equal", "less_than", "finite_number"}


@lru_cache(maxsize=4096)
def _suggestion(word: str, choices: tuple[str, ...]) -> str:
    return did_you_mean(word, choices).replace("did you mean", "bedoelt u")


def suggest(word: Any, choices: Iterable[str]) -> str:
    """' (bedoelt u 'phase'?)' or ''; cached per (word, choices): difflib is the costly part of an error."""
    return _suggestion(str(word), tuple(choices))


def dutch_message(error: Mapping[str, Any]) -> str:
    """A Dutch message for one pydantic error of a situation (the API adds its own in problems.dutch)."""
    kind = error["type"]
    # 0.0 -> 0 in "moet minstens 0 zijn": the same words whichever entry point read the situation
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in error.get("ctx", {}).items()}
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


def described(errors: Iterable[Mapping[str, Any]], *, root: str = "situation", skip: int = 0,
              dutch: Optional[Callable[[Mapping[str, Any]], str]] = None,
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


def _raise(err: Optional[ValidationError], known: list[tuple[str, str]], root: str = "situation") -> NoReturn:
    errors = err.errors(include_url=False) if err is not None else []
    found, more = described(errors, root=root, known=known)
    raise SituationError(found, more=more) from None


def _as_json(data: Any) -> str:
    """JSON-like data (YAML gives dates as date objects) as JSON text, for pydantic's strict JSON mode."""
    return json.dumps(data, default=lambda value: value.isoformat() if hasattr(value, "isoformat") else str(value))


def parse_situation(data: Any, known: Optional[list[tuple[str, str]]] = None) -> Situation:
    """Validate JSON-like data (a JSON object, a YAML mapping) exactly as POST /api/v1/advice validates its
    body: strict (no string becomes a number or a boolean), unknown keys with a "bedoelt u", every problem
    at once. Raise SituationError listing them (path, Dutch message); `known` problems (a key given twice,
    found while parsing) come first."""
    known = list(known or []) + free_text_problems(data)
    try:
        situation = Situation.model_validate_json(_as_json(data), strict=True)
    except ValidationError as err:
        _raise(err, known)
    if known:
        _raise(None, known)
    return situation


def read_int(text: str) -> int | float:
    """A JSON integer; one beyond a float's range reads as infinity, which every route refuses as "moet
    een getal zijn" (int() itself stops at 4,300 digits, and math.isfinite overflows on such an int)."""
    return int(text) if len(text) <= 300 else float(text)


class _Twice(dict):
    """A JSON object in which some key was given more than once."""
    twice: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    seen: set[str] = set()
    twice = _Twice(found)
    again = []
    for key, _ in pairs:
        if key in seen:
            again.append(key)
        else:
            seen.add(key)
    twice.twice = list(dict.fromkeys(again))
    return twice


def duplicates(data: Any, path: tuple = ()) -> list[tuple[str, str]]:
    """(path of the key, message) for every key given twice anywhere in data read by `load_json`."""
    found: list[tuple[str, str]] = []
    stack = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key in getattr(value, "twice", ()):
                found.append((".".join(map(str, where + (key,))), "komt meer dan één keer voor in dit object"))
            stack.extend((v, where + (k,)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, where + (i,)) for i, v in reversed(list(enumerate(value))))
    return found


def load_json(text: str | bytes) -> tuple[Any, list[tuple[str, str]]]:
    """JSON text as Python data, and every key given twice (JSON allows it, we do not: which one counts?).
    Raises ValueError (json.JSONDecodeError) or RecursionError for text that is no JSON."""
    twice = False

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        nonlocal twice
        made = _object(pairs)
        twice = twice or isinstance(made, _Twice)
        return made

    data = json.loads(text, object_pairs_hook=hook, parse_int=read_int)
    return data, (duplicates(data) if twice else [])


def read_json(text: str | bytes) -> Situation:
    """A situation from JSON text (a batch line, a request body): as `parse_situation`, and a key given twice is
    an error. Text that is no JSON object is a SituationError too."""
    try:
        data, twice = load_json(text)
    except (ValueError, RecursionError) as err:
        detail = f"{err.msg} (kolom {err.colno})" if isinstance(err, json.JSONDecodeError) else "te diep genest"
        raise SituationError([("situation", f"geen geldige JSON: {detail}")]) from None
    if not isinstance(data, dict):
        raise SituationError([("situation", "verwacht een JSON-object met de velden van een situatie")])
    return parse_situation(data, twice)


def read_situation(data: Any) -> Situation:
    """The library's reader: JSON text (str or bytes) or JSON-like data (a dict from json.load or a YAML
    mapping), read exactly as the API reads a request body. Raises advisor.kb.errors.SituationError (`errors`:
    every (field, Dutch message); `str()`: all of them on one line)."""
    return read_json(data) if isinstance(data, (str, bytes)) else parse_situation(data)


def from_pairs(pairs: Iterable[tuple[str, str]]) -> Situation:
    """Text pairs (query string, form, `-s field=value`, CSV cells; lists as repeated keys; empty values
    mean 'unknown'): amounts and yes/no answers converted by textvalues.typed_value, then checked as
    `parse_situation` checks JSON. A field other than a list given twice is an error."""
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
            try:
                data[key] = typed_value(key, value)
            except TextValueError as err:
                known.append((key, str(err)))
                data[key] = None
    return parse_situation(data, known)


def to_pairs(situation: Situation) -> list[tuple[str, str]]:
    """The inverse of from_pairs: the permalink of a situation (amounts and yes/no answers written as
    textvalues.as_text writes them)."""
    pairs = []
    for name, value in situation.model_dump(exclude_defaults=True, mode="json").items():
        if isinstance(value, list):
            pairs += [(name, str(v)) for v in value]
        else:
            pairs.append((name, as_text(name, value)))
    return pairs
