"""Helpers to test against a scratch copy of the shipped KB."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_kb(tmp_path: Path) -> Path:
    for folder in ("knowledge", "rules"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a file and return the 1-based line where the edit landed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line
