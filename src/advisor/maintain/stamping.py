"""Writing review stamps into the rules' YAML without harming it (`advisor review`).

ruamel.yaml reads each file round-trip and says where every rule and key sits (line and column);
the stamp `review: {by, on, hash}` is then spliced in as one line at the rule's own indentation, so
comments, key order, quoting and the indentation of every other line stay byte for byte as they
were (the KB mixes sequence indents, which a full round-trip dump would even out). Every new text is
read back with ruamel and the whole KB is loaded from a scratch copy before anything is replaced; a
file is replaced atomically (temp file in the same folder, then `os.replace`). Nothing is written
unless every stamp of the batch is sound.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import YAMLError

from ..kb.errors import AdvisorError, KnowledgeBaseError
from ..kb.reviews import meaning_hash

if TYPE_CHECKING:
    from ..kb.knowledge import KnowledgeBase

__all__ = ["Stamp", "StampError", "apply", "writable_root"]


class StampError(AdvisorError):
    """A stamp that cannot be written safely; nothing was written."""


@dataclass(frozen=True)
class Stamp:
    rule: str
    by: str
    on: dt.date


def _round_trip(text: str, file: str) -> Any:
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except YAMLError as err:
        raise StampError(f"{file}: cannot read it back as YAML after stamping: {err}") from None


def _content_end(lines: list[str], start: int, stop: int) -> int:
    """Index of the last line in [start, stop) that holds YAML (not blank, not a comment)."""
    for n in range(stop - 1, start - 1, -1):
        stripped = lines[n].strip()
        if stripped and not stripped.startswith("#"):
            return n
    return start


def _stamp_line(column: int, stamp: Stamp, hash_: str) -> str:
    # json.dumps gives a YAML double-quoted scalar, so any name (quotes, colons, accents) stays one string
    return (f"{' ' * column}review: {{by: {json.dumps(stamp.by, ensure_ascii=False)}, "
            f"on: {stamp.on.isoformat()}, hash: {hash_}}}\n")


def _splice(text: str, file: str, stamps: dict[int, tuple[Stamp, str]]) -> str:
    """The file's text with a stamp line put into (or replaced in) each rule at index -> (stamp, hash)."""
    data = _round_trip(text, file)
    if not isinstance(data, CommentedSeq):
        raise StampError(f"{file}: expected a list of rules")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # bottom up, so the line numbers of the rules above stay valid
    for index in sorted(stamps, reverse=True):
        stamp, hash_ = stamps[index]
        item = data[index]
        if not hasattr(item, "lc") or getattr(item, "fa", None) is not None and item.fa.flow_style():
            raise StampError(f"{file}:{data.lc.item(index)[0] + 1}: rule '{stamp.rule}' is written as a flow "
                             "mapping ({...}); write it as a block to stamp it")
        keys = list(item)
        column = item.lc.key(keys[0])[1]
        stop = data.lc.item(index + 1)[0] if index + 1 < len(data) else len(lines)
        new = _stamp_line(column, stamp, hash_)
        if "review" in item:
            at = item.lc.key("review")[0]
            following = keys[keys.index("review") + 1:]
            end = item.lc.key(following[0])[0] if following else _content_end(lines, at, stop) + 1
            lines[at:end] = [new]
        else:
            last = _content_end(lines, item.lc.key(keys[0])[0], stop)
            lines.insert(last + 1, new)
    out = "".join(lines)
    after = _round_trip(out, file)
    for index, (stamp, hash_) in stamps.items():
        review = after[index].get("review") if len(after) == len(data) else None
        if not review or (review.get("by"), str(review.get("on")), str(review.get("hash"))) != \
                (stamp.by, stamp.on.isoformat(), hash_):
            raise StampError(f"{file}: the stamp of rule '{stamp.rule}' did not read back as written")
    return out


def _check_copy(root: Path, texts: dict[Path, str]) -> KnowledgeBase:
    """Load the whole KB from a scratch copy holding the new texts: the edit must leave it valid."""
    from ..kb.knowledge import load
    with tempfile.TemporaryDirectory(prefix="advisor-stamp-") as tmp:
        for folder in ("knowledge", "rules"):
            shutil.copytree(root / folder, Path(tmp) / folder)
        for path, text in texts.items():
            (Path(tmp) / path.resolve().relative_to(root.resolve())).write_text(text, encoding="utf-8")
        try:
            kb = load(Path(tmp))
        except KnowledgeBaseError as err:
            raise StampError("the stamped KB does not load; nothing written: " + "; ".join(err.lines())) from None
    return kb


def apply(kb: KnowledgeBase, stamps: list[Stamp]) -> list[Path]:
    """Write every stamp, or none: check all of them first (rules known, reviewer named, files still
    as loaded, result valid), then replace the files. Returns the files written."""
    root = Path(kb.root)
    per_file: dict[Path, dict[int, tuple[Stamp, str]]] = {}
    for stamp in stamps:
        if not stamp.by.strip():
            raise StampError(f"rule '{stamp.rule}': a review needs the reviewer's name (--by), not an empty one")
        rule = kb.rule(stamp.rule)
        if rule is None:
            raise StampError(f"unknown rule '{stamp.rule}'")
        doc, (index,) = kb.rule_docs[stamp.rule]
        per_file.setdefault(Path(doc.file), {})[index] = (stamp, meaning_hash(rule))
    texts = {}
    for path, found in per_file.items():
        text = path.read_text(encoding="utf-8")
        texts[path] = _splice(text, str(path), found)
    stamped = _check_copy(root, texts)
    for stamp in stamps:
        rule = stamped.rule(stamp.rule)
        if rule is None or rule.review is None or rule.review.hash != meaning_hash(rule):
            raise StampError(f"rule '{stamp.rule}': its meaning changed while stamping; nothing written")
    for path, text in texts.items():
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            shutil.copymode(path, tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return list(texts)


def writable_root(kb_option: Path | None) -> Path:
    """The KB folder `advisor review` may write into: one named with --kb (or $ADVISOR_KB), or the
    checkout of an editable install; never the copy inside an installed package."""
    if kb_option is not None:
        return kb_option
    if os.environ.get("ADVISOR_KB"):
        return Path(os.environ["ADVISOR_KB"])
    from ..kb.paths import CHECKOUT, SHIPPED
    if SHIPPED == CHECKOUT and (CHECKOUT / "pyproject.toml").exists():
        return CHECKOUT
    raise StampError(f"the default KB is the copy inside the installed package ({SHIPPED}); stamps there would be "
                     "lost on the next install. Name the KB to stamp: --kb FOLDER (a checkout or a KB copy)")
