"""Validating a JSON body (one situation, or a batch of them) at a cost bounded by what is reported.

pydantic builds every error of an invalid body: a 1 MiB batch of unknown keys holds 200,000 of them,
and validating plus describing them held the GIL (and so the event loop) for over a second, although
only the first MAX_ERRORS are shown. So the body is read with `json.loads` first, and pydantic sees
each situation separately and only what it must judge:

- a situation's known fields, each list at most LIST_CAP long (a longer one is one problem, "te veel
  elementen") and containers nested inside a list replaced by an empty one of the same kind (the
  error at that place is the same: a value of the wrong type);
- at most MAX_ERRORS of its unknown keys; the others are only counted (each is "onbekend veld");
- a batch is checked item by item (validate_item), each situation with its own bound, so a 1 MiB batch
  of unknown keys costs what its reported problems cost; the envelope (at most MAX_BATCH situations)
  is checked before any item.

Once MAX_ERRORS problems are described, later ones are only counted: unknown keys and list elements
that are not text by Python, the rest by pydantic's `error_count` (without building the errors), so
`more_errors` stays exact. Validating item by item also lets the event loop's thread take the GIL
between situations (a whole body in one pydantic call held it throughout). Numbers beyond a float's range are read as
infinity ("moet een getal zijn"), on every route (situations.read_int).
"""

from __future__ import annotations

import json
from typing import Any, Optional

from pydantic import ValidationError

from ..kb.errors import MAX_ERRORS
from ..kb.models import Situation
from ..kb.situations import free_text_problems, load_json
from .problems import dutch, invalid_input

LIST_CAP = 100    # elements of one list field of a situation (its vocabularies are far smaller)
FIELDS = frozenset(Situation.model_fields)
Problem = tuple[str, str]


def parse_json(body: bytes | str) -> tuple[Any, list[Problem]]:
    """The body as Python data, and every key given twice (situations.load_json, the one JSON reader);
    text that is no JSON is a 400."""
    try:
        return load_json(body)
    except RecursionError:
        raise invalid_input([("body", "geen geldige JSON (te diep genest)")], "De body is geen geldige JSON.") from None
    except json.JSONDecodeError as err:
        raise invalid_input([("body", f"geen geldige JSON (regel {err.lineno}, kolom {err.colno}: {err.msg})")],
                            "De body is geen geldige JSON.") from None
    except ValueError as err:   # e.g. invalid UTF-8
        raise invalid_input([("body", f"geen geldige JSON ({err})")], "De body is geen geldige JSON.") from None


def _stand_in(value: Any) -> Any:
    return [] if isinstance(value, list) else {} if isinstance(value, dict) else value


def situation_part(item: Any, prefix: str, counting: bool = False) -> tuple[Any, list[Problem], int]:
    """What pydantic is shown of one raw situation, the problems found without it, and how many problems
    were only counted: unknown keys past the first MAX_ERRORS, and when `counting` (the problems to
    describe are complete) every unknown key and every list element that is not text (each one error
    whatever its place, so pydantic need not build it)."""
    if not isinstance(item, dict):
        return _stand_in(item), [], 0
    shown: dict[str, Any] = {}
    counted = 0
    if counting:
        for key, value in item.items():
            if key not in FIELDS:
                counted += 1
            elif isinstance(value, list) and len(value) <= LIST_CAP:
                texts = [v for v in value if isinstance(v, str)]
                counted += len(value) - len(texts)
                shown[key] = texts
            elif isinstance(value, list):
                counted += 1
            else:
                shown[key] = _stand_in(value)
        return shown, [], counted
    found: list[Problem] = []
    unknown = 0
    for key, value in item.items():
        if key in FIELDS:
            if isinstance(value, list):
                if len(value) > LIST_CAP:
                    found.append((f"{prefix}{key}", f"te veel elementen: hoogstens {LIST_CAP}"))
                    continue
                shown[key] = [_stand_in(v) for v in value]
            else:
                shown[key] = _stand_in(value)
        elif unknown < MAX_ERRORS:
            shown[key] = None   # refused whatever it holds
            unknown += 1
        else:
            counted += 1
    return shown, found, counted


class Collected:
    """Problems in the order found: the first MAX_ERRORS described, the rest counted."""

    def __init__(self, known: list[Problem], room: int = MAX_ERRORS):
        self.room = max(room, 0)   # how many may be described; a batch shares MAX_ERRORS among its items
        self.problems = known[:self.room]
        self.more = max(0, len(known) - self.room)

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.room

    def add(self, problems: list[Problem], uncounted: int = 0) -> None:
        room = self.room - len(self.problems)
        self.problems += problems[:max(room, 0)]
        self.more += max(0, len(problems) - max(room, 0)) + uncounted

    def add_error(self, err: ValidationError, prefix: str, root: str) -> None:
        if self.full:   # only counted: building the errors is what costs
            self.more += err.error_count()
            return
        self.add([(prefix + ".".join(str(p) for p in e["loc"]) if e["loc"] else (prefix.rstrip(".") or root),
                   dutch(dict(e))) for e in err.errors(include_url=False)])


def _situation(item: Any, prefix: str, root: str, collected: Collected) -> Optional[Situation]:
    shown, found, counted = situation_part(item, prefix, counting=collected.full)
    collected.add(found, counted)
    try:
        situation = Situation.model_validate_json(json.dumps(shown), strict=True)
    except ValidationError as err:
        collected.add_error(err, prefix, root)
        return None
    return None if found or counted else situation


def validate_situation(body: bytes, root: str = "situation") -> Situation:
    """A Situation from a JSON body, strictly (the published schema, no coercion), no key twice, no
    control characters in free text; else ApiProblem 400 with the first MAX_ERRORS problems in Dutch and
    the rest counted."""
    data, twice = parse_json(body)
    collected = Collected(twice + free_text_problems(data))
    situation = _situation(data, "", root, collected)
    if situation is not None and not collected.problems and not collected.more:
        return situation
    raise invalid_input(collected.problems, more=collected.more)


def validate_item(item: Any, prefix: str, known: list[Problem],
                  room: int = MAX_ERRORS) -> tuple[Optional[Situation], list[Problem], int]:
    """One situation of a batch, on its own (a bad one does not sink the others): the Situation, or its
    problems with paths under `prefix` and how many more there are. The items of a batch share
    MAX_ERRORS described problems (`room` is what is left of them): once they are spent, a bad situation's
    problems are only counted, without pydantic building them, and its first is named from what Python
    sees (a key given twice, an unknown key), so every problem says something and a batch costs what its
    reported problems cost. `known`: problems found while reading it, such as a key given twice."""
    spent = room <= 0
    collected = Collected(known + free_text_problems(item, prefix), 0 if spent else room)
    situation = _situation(item, prefix, prefix.rstrip("."), collected)
    if situation is not None and not collected.problems and not collected.more:
        return situation, [], 0
    if not spent:
        return None, collected.problems, collected.more
    first = known[:1] or [(f"{prefix}{key}", "onbekend veld") for key in (item if isinstance(item, dict) else ())
                          if key not in FIELDS][:1]
    first = first or [(prefix.rstrip("."), f"bevat {collected.more} fouten; stuur deze situatie los voor de beschrijving")]
    return None, first, max(collected.more - 1, 0)
