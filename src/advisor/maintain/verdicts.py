"""A legal advisor's verdicts coming back (`advisor review --from FILE.csv|yaml --by NAME`).

The file lists, per rule: `regel`, `oordeel` (akkoord / niet akkoord) and `opmerking`, and may carry
the `kenmerk` (the rule's meaning hash) the review packet printed, so a verdict on a rule that
changed after the packet was made is refused instead of stamping text the lawyer never saw. Every
row is checked before anything is written; problems come as `file:line: message`, all at once.
A row with an empty verdict is left for later.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..kb.loading import Problem, YamlError, did_you_mean, parse_yaml
from ..kb.reviews import meaning_hash

if TYPE_CHECKING:
    from ..kb.kbtypes import KB

__all__ = ["Verdict", "VerdictError", "read_verdicts", "COLUMNS", "AGREED", "DISAGREED"]

COLUMNS = ("regel", "oordeel", "opmerking", "kenmerk")
ALIASES = {"rule": "regel", "verdict": "oordeel", "remark": "opmerking", "hash": "kenmerk"}
AGREED, DISAGREED = "akkoord", "niet akkoord"


@dataclass(frozen=True)
class Verdict:
    rule: str
    agreed: bool
    remark: str
    line: int


class VerdictError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} fout(en) in de oordelen; niets geschreven")


def _verdict(text: str) -> bool | None | str:
    """True (akkoord), False (niet akkoord), None (empty), or the text when it is neither."""
    word = " ".join(text.replace("_", " ").replace("-", " ").lower().split())
    if not word:
        return None
    if word in (AGREED, "ja", "yes", "ok"):
        return True
    if word in (DISAGREED, "nee", "no", "niet akkoord."):
        return False
    return text


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        header = text.split("\n", 1)[0]   # spreadsheets in Dutch write ';', others ','
        delimiter = max(",;\t", key=header.count)
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        out = []
        for row in reader:
            out.append((reader.line_num, {ALIASES.get((k or "").strip().lower(), (k or "").strip().lower()):
                                          (v or "").strip() for k, v in row.items()}))
        return out
    try:
        doc = parse_yaml(text, str(path))
    except YamlError as err:
        raise VerdictError([err.problem]) from None
    data = doc.data or []
    if isinstance(data, dict):   # rule: verdict, or rule: {oordeel, opmerking}
        items = [((key,), {"regel": key, **(value if isinstance(value, dict) else {"oordeel": value})})
                 for key, value in data.items()]
    elif isinstance(data, list):
        items = [((n,), item) for n, item in enumerate(data)]
    else:
        raise VerdictError([doc.problem((), "expected a list of {regel, oordeel, opmerking} or a mapping "
                                             "regel: oordeel")])
    out = []
    for path_, item in items:
        if not isinstance(item, dict):
            raise VerdictError([doc.problem(path_, "expected a mapping with regel, oordeel and opmerking")])
        out.append((doc.line(path_), {ALIASES.get(str(k).lower(), str(k).lower()): "" if v is None else str(v).strip()
                                      for k, v in item.items()}))
    return out


def read_verdicts(path: Path, kb: KB) -> list[Verdict]:
    """Every verdict of the file, checked against the KB; raise VerdictError with all problems."""
    if not path.exists():
        raise VerdictError([Problem(str(path), 1, "file not found")])
    if path.suffix.lower() not in (".csv", ".yaml", ".yml"):
        raise VerdictError([Problem(str(path), 1, "expected a .csv, .yaml or .yml file of verdicts")])
    rows = _rows(path)
    ids = [r.id for r in kb.rules]
    problems: list[Problem] = []
    verdicts: list[Verdict] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        unknown = sorted(set(row) - set(COLUMNS))
        if unknown:
            problems.append(Problem(str(path), line, f"unknown column '{unknown[0]}'"
                                                     f"{did_you_mean(unknown[0], COLUMNS)}; expected {', '.join(COLUMNS)}"))
            continue
        rule_id = row.get("regel", "")
        if not rule_id:
            problems.append(Problem(str(path), line, "'regel' is empty: name the rule the verdict is about"))
            continue
        rule = kb.rule(rule_id)
        if rule is None:
            problems.append(Problem(str(path), line, f"unknown rule '{rule_id}'{did_you_mean(rule_id, ids)}"))
            continue
        if rule_id in seen:
            problems.append(Problem(str(path), line, f"rule '{rule_id}' has a verdict already (line {seen[rule_id]})"))
            continue
        seen[rule_id] = line
        agreed = _verdict(row.get("oordeel", ""))
        if isinstance(agreed, str):
            problems.append(Problem(str(path), line, f"rule '{rule_id}': oordeel '{agreed}' is neither "
                                                     f"'{AGREED}' nor '{DISAGREED}'"))
            continue
        mark = row.get("kenmerk", "")
        if mark and mark != meaning_hash(rule):
            problems.append(Problem(str(path), line, f"rule '{rule_id}' changed after the review packet was made "
                                                     f"(kenmerk {mark}, now {meaning_hash(rule)}): make a new packet"))
            continue
        if agreed is None:
            continue
        if not agreed and not row.get("opmerking"):
            problems.append(Problem(str(path), line, f"rule '{rule_id}': 'niet akkoord' needs an opmerking saying "
                                                     "what is wrong"))
            continue
        verdicts.append(Verdict(rule_id, agreed, row.get("opmerking", ""), line))
    if problems:
        raise VerdictError(problems)
    return verdicts
