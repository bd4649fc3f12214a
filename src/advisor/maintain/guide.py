"""docs/maintaining.md: the maintainer guide, with every command's real output.

`advisor docs` builds it by running the commands on scratch copies of the KB (a clean one, one
with the typical mistakes, one edited through the whole loop: edit, `test`, `diff`, the review
packet, the verdicts back, the stamps), so the guide can never drift from what the commands print;
a test checks the file is current.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..kb.paths import TEMPLATES

DAY = "2026-06-01"
REWORDING = ("{instrument} registreert wat opdrachtnemers aanleveren",
             "{instrument} registreert alleen wat opdrachtnemers zelf aanleveren")
NEW_SCENARIO = ("- name: Monitoren in Groningen zonder budget\n  source: {page: 62}\n  situation:\n"
                "    phase: uitvoering\n    goals: [sr_monitoren]\n    province: groningen\n"
                "    budget_opdrachtgever: geen\n  expect:\n    first: {first}\n")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"the guide's example edit no longer fits {path.name}: {old!r}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


Invoke = Callable[[list[str]], tuple[str, int]]   # the CLI's arguments -> (what it printed, exit code)


@contextlib.contextmanager
def _workspace(root: Path) -> Iterator[Path]:
    """A temp folder with copies of the KB: `kb` (to edit) and `oud` (as it was)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp).resolve()
        for name in ("kb", "oud"):
            for folder in ("knowledge", "rules"):
                shutil.copytree(root / folder, work / name / folder)
        yield work


def maintainer_guide(root: Path, invoke: Invoke) -> str:
    """The guide for the KB in `root`, each command run through `invoke` (the CLI gives its own app: the
    guide knows the commands' words, not the CLI module). The commands are shown as a maintainer types
    them in the workspace (`advisor check --kb kb`); they run on the workspace's absolute paths, and the
    workspace's folder is taken out of what they print, so no working directory is changed."""
    shown: dict[str, str] = {}
    work_dir: list[Path] = []

    def run(key: str, *args: str) -> None:
        work = work_dir[0]
        absolute = [str(work / a) if (work / a.split("/")[0]).exists() or a in OUTPUTS else a for a in args]
        output, code = invoke(absolute)
        output = output.replace(f"{work}/", "").replace(str(work), ".")
        shown[key] = f"$ advisor {' '.join(_quote(a) for a in args)}\n{output.rstrip()}\n(exit {code})"

    from ..kb import invariants
    from ..present import documents
    real_today, real_made = invariants.today, documents.today
    invariants.today = lambda: dt.date.fromisoformat(DAY)   # the threshold warning, as of the guide's day
    documents.today = lambda: dt.date.fromisoformat(DAY)    # 'gemaakt op' in the advice it shows
    try:
        with _workspace(root) as work:
            work_dir.append(work)
            _run_all(work, run, shown)
    finally:
        invariants.today, documents.today = real_today, real_made
    shown["strict"] = _shorten(shown["strict"])
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    from ..kb.knowledge import load
    return env.get_template("maintaining.md").render(run=shown, day=DAY, counts=load(root).counts(),
                                                     notice_days=invariants.THRESHOLD_NOTICE_DAYS)


OUTPUTS = ("pakket.md", "oordelen.csv")   # files the commands write into the workspace


def _run_all(work: Path, run: Callable[..., None], shown: dict[str, str]) -> None:
    run("check", "check", "--kb", "kb")
    run("advise", "advise", "--kb", "kb", "-s", "phase=uitvoering", "-s", "goals=sr_monitoren",
        "-s", "province=groningen", "-s", f"reference_date={DAY}", "--top", "1")
    run("rule", "rules", "sr-monitoren", "--kb", "kb")
    broken = work / "kapot"
    shutil.copytree(work / "kb", broken)
    _edit(broken / "knowledge" / "instruments.yaml", "  phases: [", "  phase: [")
    _edit(broken / "rules" / "goals.yaml", "  points: 40\n  serves: [sr_monitoren]",
          "  pionts: 40\n  serves: [sr_monitoren]")
    run("broken", "check", "--kb", "kapot")
    scenario = work / "scenario"
    shutil.copytree(work / "kb", scenario)
    (scenario / "knowledge" / "scenarios" / "nieuw.yaml").write_text(
        "- name: Monitoren in Groningen zonder budget\n  source: {page: 62}\n  situation:\n"
        "    phase: uitvoering\n    goals: [sr_monitoren]\n    province: groningen\n"
        "  expcet:\n    first: social-return-monitor-noord-nederland\n", encoding="utf-8")
    run("scenario", "check", "--kb", "scenario")
    # the loop: edit a copy, run its scenarios, show the lawyer the diff and the packet, stamp the verdicts
    kb = work / "kb"
    _edit(kb / "rules" / "goals.yaml", "  points: 40\n  serves: [sr_monitoren]",
          "  points: 25\n  serves: [sr_monitoren]")
    _edit(kb / "rules" / "legal.yaml", *REWORDING)
    new = kb / "knowledge" / "scenarios" / "groningen.yaml"
    new.write_text(NEW_SCENARIO.replace("{first}", "wizzr"), encoding="utf-8")
    run("test_fails", "test", "--kb", "kb")
    new.write_text(NEW_SCENARIO.replace("{first}", "social-return-monitor-noord-nederland"), encoding="utf-8")
    run("test", "test", "--kb", "kb", "-k", "Groningen")
    run("diff", "diff", "oud", "kb", "--grid", "small", "--format", "markdown")
    run("packet", "review", "--pending", "--kb", "kb", "-o", "pakket.md")
    shown["packet_excerpt"] = _section(work / "pakket.md", "(monitor-waarderingsmethode)")
    run("form", "review", "--pending", "--kb", "kb", "--format", "csv", "-o", "oordelen.csv")
    marks = {line.split(",")[0]: line.rsplit(",", 1)[1]
             for line in (work / "oordelen.csv").read_text(encoding="utf-8").splitlines()[1:]}
    verdicts = ("regel,oordeel,opmerking,kenmerk\n"
                f"monitor-waarderingsmethode,akkoord,,{marks['monitor-waarderingsmethode']}\n"
                f"sr-monitoren,niet akkoord,25 punten laat de monitors onder de PSO zakken,"
                f"{marks['sr-monitoren']}\n")
    (work / "oordelen.csv").write_text(verdicts, encoding="utf-8")
    shown["verdicts_file"] = "$ cat oordelen.csv\n" + verdicts.rstrip()
    run("verdicts", "review", "--from", "oordelen.csv", "--by", "Mr. A. Jurist", "--on", DAY, "--kb", "kb")
    shown["stamp"] = next(line for line in (kb / "rules" / "legal.yaml").read_text(encoding="utf-8").splitlines()
                          if line.strip().startswith("review:"))
    _edit(kb / "rules" / "goals.yaml", "  points: 25\n  serves: [sr_monitoren]",
          "  points: 40\n  serves: [sr_monitoren]")
    run("review", "review", "sr-monitoren", "--by", "Mr. A. Jurist", "--on", DAY, "--kb", "kb")
    _edit(work / "kb" / "rules" / "goals.yaml", "  points: 40\n  serves: [sr_monitoren]",
          "  points: 30\n  serves: [sr_monitoren]")
    run("changed", "check", "--kb", "kb")
    run("strict", "check", "--strict", "--kb", "kb")


def _section(path: Path, marker: str) -> str:
    """One rule's section of the review packet (Markdown), from its heading to the next."""
    text = path.read_text(encoding="utf-8")
    start = text.rindex("\n### ", 0, text.index(marker)) + 1
    end = text.find("\n### ", start + 1)
    return text[start:end if end > 0 else len(text)].rstrip()


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


def _shorten(text: str, keep: int = 4) -> str:
    """Long listings (every unreviewed rule) keep their first lines and the summary."""
    lines = text.splitlines()
    if len(lines) <= keep + 3:
        return text
    return "\n".join(lines[:keep + 1] + [f"… ({len(lines) - keep - 3} more lines)"] + lines[-2:])
