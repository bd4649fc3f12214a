"""`advisor batch`: advices for a whole portfolio of situations, streamed in constant memory.

Input is JSON Lines (one situation object per line) or CSV (a header of situation keys; list fields
take values separated by ';'). Output is JSON Lines (one record per input line: the advice, full or
compact, or the problems of that line) or a CSV summary (top 3 with scores and the main caveat).
Lines are read and written as they come; with workers, chunks of lines go to processes that each
hold their own Advisor, and come back in order.

Nothing in a line ends the run: invalid UTF-8, JSON nested too deep, a number of thousands of digits,
an unclosed CSV quote or a field over 128 KiB is that line's problem, reported with its number (a CSV
record is one line: situation values hold no line breaks). A UTF-8 BOM is skipped. Every text in the
CSV summary that a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..kb.errors import SituationError
from ..kb.situations import LIST_FIELDS, from_pairs, load_json, parse_situation

if TYPE_CHECKING:
    from .advice import Advice
    from .advising import Advisor

CHUNK = 200          # lines per work unit sent to a worker
SUMMARY = ["line", "status", "top1", "score1", "top2", "score2", "top3", "score3", "main_caveat", "problems"]


@dataclass
class Line:
    number: int
    data: Optional[dict]
    problem: Optional[str] = None     # the line could not be read as a situation object
    pairs: Optional[list[tuple[str, str]]] = None   # a CSV row: text, read by situations.from_pairs
    known: tuple[tuple[str, str], ...] = ()         # problems found while parsing (a key given twice)


BOM = b"\xef\xbb\xbf"   # Excel's "CSV UTF-8" starts with it; so may a JSON Lines file
FIELD_LIMIT = csv.field_size_limit()   # characters in one CSV field (128 Ki, the csv module's default)
FORMULA = ("=", "+", "-", "@", "\t", "\r")   # a spreadsheet reads a cell starting so as a formula (OWASP)


def _lines(path: Path) -> Iterator[tuple[int, Optional[str], Optional[str]]]:
    """(line number, text, problem) per non-blank line; a line that is not UTF-8 is a problem of its own."""
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1:
                raw = raw.removeprefix(BOM)
            if not raw.strip():
                continue
            try:
                yield number, raw.decode("utf-8").rstrip("\r\n"), None
            except UnicodeDecodeError as err:
                yield number, None, f"geen geldige UTF-8 (byte {err.start + 1} van de regel)"


def read_lines(path: Path, kind: str) -> Iterator[Line]:
    """Situations from JSON Lines or CSV, one by one, with their line number in the file. Every non-blank
    line after a CSV header gives exactly one Line: whatever it holds, it is answered or reported."""
    if kind == "csv":
        yield from _csv_lines(path)
        return
    for number, text, problem in _lines(path):
        if text is None:
            yield Line(number, None, problem)
            continue
        try:
            data, twice = load_json(text)   # the one JSON reader: a key given twice is a problem
        except json.JSONDecodeError as err:
            yield Line(number, None, f"geen geldige JSON: {err.msg} (kolom {err.colno})")
            continue
        except RecursionError:
            yield Line(number, None, "geen geldige JSON: te diep genest")
            continue
        except ValueError as err:
            yield Line(number, None, f"geen geldige JSON: {err}")
            continue
        if not isinstance(data, dict):
            yield Line(number, None, "verwacht een JSON-object met de velden van een situatie")
            continue
        yield Line(number, {key: _shallow(value) for key, value in data.items()}, known=tuple(twice))


def _shallow(value: Any) -> Any:
    """A situation's values are texts, numbers, yes/no or lists of texts: anything nested deeper is wrong
    whatever it holds, so it is replaced by an empty one of its kind (the same problem is reported, and
    a line nested 990 deep can still be pickled for a worker process)."""
    if isinstance(value, list):
        return [[] if isinstance(v, list) else {} if isinstance(v, dict) else v for v in value]
    return {} if isinstance(value, dict) else value


def _csv_record(text: str) -> list[str]:
    """One line as one CSV record. Situation values hold no line breaks, so a record never continues on
    the next line: an unclosed quote is an error of this line, not a reason to swallow the ones after it."""
    try:
        return next(csv.reader([text], strict=True))
    except csv.Error as err:
        message = str(err)
        if "expected" in message or "EOF" in message or "quote" in message:
            raise ValueError("aanhalingsteken niet gesloten of verkeerd geplaatst") from None
        if "field larger" in message:
            raise ValueError(f"een veld is langer dan {FIELD_LIMIT // 1024} KiB") from None
        raise ValueError(f"ongeldige CSV ({message})") from None


def _csv_lines(path: Path) -> Iterator[Line]:
    header: Optional[list[str]] = None
    header_problem: Optional[str] = None
    for number, text, problem in _lines(path):
        if header is None:
            if text is None:   # no usable header: every line after it is reported as such
                header, header_problem = [], f"de kop (regel {number}) is {problem}"
                continue
            try:
                header = [name.strip() for name in _csv_record(text)]
            except ValueError as err:
                header, header_problem = [], f"de kop (regel {number}) is onleesbaar: {err}"
                continue
            twice = sorted({name for name in header if header.count(name) > 1})
            if twice:
                header_problem = (f"{'kolom' if len(twice) == 1 else 'kolommen'} "
                                  f"{', '.join(repr(n) for n in twice)} staat meer dan één keer in de kop "
                                  f"(regel {number})")
            continue
        if text is None:
            yield Line(number, None, problem)
            continue
        if header_problem:
            yield Line(number, None, header_problem)
            continue
        try:
            record = _csv_record(text)
        except ValueError as err:
            yield Line(number, None, str(err))
            continue
        if [v.strip() for v in record] == header:
            yield Line(number, None, "de kop staat hier nog eens")
            continue
        if len(record) > len(header):
            yield Line(number, None, f"{len(record)} velden, maar de kop heeft {len(header)} kolommen")
            continue
        pairs = [(key, value) for key, cell in zip(header, record) if key for value in _csv_values(key, cell)]
        yield Line(number, None, pairs=pairs)


def _csv_values(key: str, cell: str) -> list[str]:
    """The text values of one CSV cell (read by situations.from_pairs, which converts Dutch amounts and
    ja/nee): list fields take several separated by ';'."""
    return [v.strip() for v in cell.split(";") if v.strip()] if key in LIST_FIELDS else [cell.strip()]


def count_lines(path: Path, kind: str) -> int:
    with path.open("rb") as stream:
        lines = sum(1 for raw in stream if raw.removeprefix(BOM).strip())
    return max(lines - (1 if kind == "csv" else 0), 0)


_WORKER: dict[str, Advisor] = {}


def _init(root: Optional[str]) -> None:
    from .advising import Advisor
    _WORKER["advisor"] = Advisor.from_root(Path(root) if root else None)


def work(lines: list[Line], view: str, out: str, advisor: Optional[Advisor] = None) -> list[tuple[int, bool, str]]:
    """(line number, ok, output text) per line, in order."""
    advisor = advisor or _WORKER["advisor"]
    results = []
    for line in lines:
        try:
            ok, text = _one(line, view, out, advisor)
        except Exception as err:   # one line never ends the run: it is reported, with its number
            ok, text = False, _failed(line.number, [f"kon niet verwerkt worden ({type(err).__name__})"], out)
        results.append((line.number, ok, text))
    return results


def _one(line: Line, view: str, out: str, advisor: Advisor) -> tuple[bool, str]:
    if line.problem:
        return False, _failed(line.number, [line.problem], out)
    try:
        situation = from_pairs(line.pairs) if line.pairs is not None else \
            parse_situation(line.data, list(line.known))
    except SituationError as err:
        problems = [f"{p}: {m}" for p, m in err.errors]
        if err.more:
            problems.append(f"en nog {err.more} {'fout' if err.more == 1 else 'fouten'}")
        return False, _failed(line.number, problems, out)
    if out == "csv":
        return True, _summary(line.number, advisor.advise(situation))
    if view == "compact":   # built directly, without the parts the compact view leaves out
        return True, f'{{"line":{line.number},"ok":true,"advice":{advisor.compact_json(situation)}}}'
    return True, f'{{"line":{line.number},"ok":true,"advice":{advisor.advise_json(situation)}}}'


def _failed(number: int, problems: list[str], out: str) -> str:
    if out == "csv":
        return _csv_row({"line": number, "status": "fout", "problems": "; ".join(problems)})
    return json.dumps({"line": number, "ok": False, "problems": problems}, ensure_ascii=False)


def _summary(number: int, advice: Advice) -> str:
    row: dict[str, object] = {"line": number, "status": "ok"}
    for n, rec in enumerate(advice.recommendations[:3], start=1):
        row[f"top{n}"], row[f"score{n}"] = rec.instrument, rec.score
    first = advice.recommendations[0].caveats[:1] if advice.recommendations else ()
    caveat = first[0] if first else (advice.general_caveats[0] if advice.general_caveats else None)
    row["main_caveat"] = caveat.text if caveat else ""
    return _csv_row(row)


def neutral(value: object) -> object:
    """A value safe in a spreadsheet cell: text that would start a formula gets a leading quote (OWASP)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA) else value


def _csv_row(row: dict[str, object]) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, SUMMARY, lineterminator="\n").writerow({k: neutral(v) for k, v in row.items()})
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
