"""`advisor batch`: advices for a whole portfolio of situations, streamed in constant memory.

Input is JSON Lines (one situation object per line) or CSV (a header of situation keys; list fields
take values separated by ';'). Output is JSON Lines (one record per input line: the advice, full or
compact, or the problems of that line) or a CSV summary (top 3 with scores and the main caveat).
Lines are read and written as they come; with workers, chunks of lines go to processes that each
hold their own Advisor, and come back in order.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from collections.abc import Iterator

from .errors import SituationError
from .situations import LIST_FIELDS, from_pairs, load_json, parse_situation

CHUNK = 200          # lines per work unit sent to a worker
SUMMARY = ["line", "status", "top1", "score1", "top2", "score2", "top3", "score3", "main_caveat", "problems"]


@dataclass
class Line:
    number: int
    data: Optional[dict]
    problem: Optional[str] = None     # the line could not be read as a situation object
    pairs: Optional[list[tuple[str, str]]] = None   # a CSV row: text, read by situations.from_pairs
    known: tuple[tuple[str, str], ...] = ()         # problems found while parsing (a key given twice)


def read_lines(path: Path, kind: str) -> Iterator[Line]:
    """Situations from JSON Lines or CSV, one by one, with their line number in the file."""
    with path.open(encoding="utf-8-sig", newline="") as stream:   # -sig: a CSV saved by Excel starts with a BOM
        if kind == "csv":
            reader = csv.reader(stream)
            header = [key.strip() for key in next(reader, [])]
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                pairs = [(key, value) for key, cell in zip(header, row) if key for value in _csv_values(key, cell)]
                yield Line(reader.line_num, None, pairs=pairs)
            return
        for number, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            try:
                data, twice = load_json(text)
            except json.JSONDecodeError as err:
                yield Line(number, None, f"geen geldige JSON: {err.msg} (kolom {err.colno})")
                continue
            if not isinstance(data, dict):
                yield Line(number, None, "verwacht een JSON-object met de velden van een situatie")
                continue
            yield Line(number, data, known=tuple(twice))


def _csv_values(key: str, cell: str) -> list[str]:
    """The text values of one CSV cell: list fields take several separated by ';'."""
    return [v.strip() for v in cell.split(";") if v.strip()] if key in LIST_FIELDS else [cell.strip()]


def count_lines(path: Path, kind: str) -> int:
    with path.open("rb") as stream:
        lines = sum(1 for raw in stream if raw.strip())
    return max(lines - (1 if kind == "csv" else 0), 0)


_WORKER: dict = {}


def _init(root: Optional[str]) -> None:
    from .engine import Advisor
    _WORKER["advisor"] = Advisor.from_root(Path(root) if root else None)


def work(lines: list[Line], view: str, out: str, advisor=None) -> list[tuple[bool, str]]:
    """(ok, output text) per line, in order."""
    advisor = advisor or _WORKER["advisor"]
    results = []
    for line in lines:
        if line.problem:
            results.append((False, _failed(line.number, [line.problem], out)))
            continue
        try:
            situation = from_pairs(line.pairs) if line.pairs is not None else \
                parse_situation(line.data, list(line.known))
        except SituationError as err:
            results.append((False, _failed(line.number, [f"{p}: {m}" for p, m in err.errors], out)))
            continue
        if out == "csv":
            results.append((True, _summary(line.number, advisor.advise(situation))))
        elif view == "compact":   # built directly, without the parts the compact view leaves out
            results.append((True, f'{{"line":{line.number},"ok":true,"advice":{advisor.compact_json(situation)}}}'))
        else:
            results.append((True, f'{{"line":{line.number},"ok":true,"advice":{advisor.advise_json(situation)}}}'))
    return results


def _failed(number: int, problems: list[str], out: str) -> str:
    if out == "csv":
        return _csv_row({"line": number, "status": "fout", "problems": "; ".join(problems)})
    return json.dumps({"line": number, "ok": False, "problems": problems}, ensure_ascii=False)


def _summary(number: int, advice) -> str:
    row = {"line": number, "status": "ok"}
    for n, rec in enumerate(advice.recommendations[:3], start=1):
        row[f"top{n}"], row[f"score{n}"] = rec.instrument, rec.score
    first = advice.recommendations[0].caveats[:1] if advice.recommendations else ()
    caveat = first[0] if first else (advice.general_caveats[0] if advice.general_caveats else None)
    row["main_caveat"] = caveat.text if caveat else ""
    return _csv_row(row)


def _csv_row(row: dict) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, SUMMARY, lineterminator="\n").writerow(row)
    return buffer.getvalue().rstrip("\n")


def chunked(lines: Iterator[Line], size: int = CHUNK) -> Iterator[list[Line]]:
    chunk: list[Line] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
