"""Prove an engine change leaves the advice as it was: every output of every grid situation and scenario.

    python3 benchmarks/advice_snapshot.py write /tmp/before.jsonl     # before the change
    python3 benchmarks/advice_snapshot.py compare /tmp/before.jsonl   # after it: exit 1 on a difference
    python3 benchmarks/advice_snapshot.py compare /tmp/before.jsonl --kb-version-only   # after a comment-only KB edit

For each situation of `impact.grid` (the 1,906 situations `advisor diff` uses) and each scenario of the KB,
it records a digest of the full JSON (POST /api/v1/advice), the compact JSON and the text view
(`advisor advise`), with the cache off so the engine itself is measured. A difference names the
situation and the first differing character of each output. Nothing here is timed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from advisor.engine.advising import Advisor
from advisor.kb.knowledge import load
from advisor.kb.situations import parse_situation
from advisor.maintain.impact import describe, grid
from advisor.present.text import advice_text

OUTPUTS = ("full", "compact", "text")


def outputs(advisor: Advisor, situation) -> dict[str, str]:
    advice = advisor.advise(situation)
    return {"full": advice.model_dump_json(), "compact": advisor.compact_json(situation),
            "text": advice_text(advice, advisor.kb)}


def situations(advisor: Advisor) -> list[tuple[str, object]]:
    named = [(describe(s), s) for s in grid(advisor.kb)]
    named += [(f"scenario: {s.name}", parse_situation(s.situation)) for s in advisor.kb.scenarios]
    return named


def snapshot(root: Path | None, keep: bool) -> list[dict]:
    advisor = Advisor(load(root), cache_size=0)
    rows = []
    for name, situation in situations(advisor):
        made = outputs(advisor, situation)
        row = {"name": name, **{k: hashlib.sha256(v.encode()).hexdigest()[:24] for k, v in made.items()}}
        if keep:
            row["texts"] = made
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "compare"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--kb", type=Path, default=None, help="a KB folder (default: the shipped KB)")
    parser.add_argument("--kb-version-only", action="store_true",
                        help="the KB's files changed in comments only: the kb_version may differ, nothing else")
    args = parser.parse_args()
    if args.action == "write":
        rows = snapshot(args.kb, keep=True)
        with args.file.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{len(rows)} situations written to {args.file}")
        return 0
    before = {row["name"]: row for row in map(json.loads, args.file.read_text(encoding="utf-8").splitlines())}
    rows = snapshot(args.kb, keep=True)
    if args.kb_version_only and rows and before:
        old_version = json.loads(next(iter(before.values()))["texts"]["full"])["kb_version"]
        new_version = json.loads(rows[0]["texts"]["full"])["kb_version"]
        for row in before.values():
            row["texts"] = {k: v.replace(old_version, new_version) for k, v in row["texts"].items()}
            row.update({k: hashlib.sha256(v.encode()).hexdigest()[:24] for k, v in row["texts"].items()})
        print(f"kb_version {old_version} -> {new_version}; comparing everything else")
    changed = 0
    for row in rows:
        old = before.get(row["name"])
        if old is None:
            print(f"new: {row['name']}")
            changed += 1
            continue
        for key in OUTPUTS:
            if old[key] != row[key]:
                changed += 1
                a, b = old["texts"][key], row["texts"][key]
                at = next((n for n, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                print(f"{key} differs: {row['name']}\n  before: …{a[max(0, at - 60):at + 80]!r}\n"
                      f"  after:  …{b[max(0, at - 60):at + 80]!r}")
                break
    missing = set(before) - {row["name"] for row in rows}
    for name in sorted(missing):
        print(f"gone: {name}")
    print(f"{len(rows)} situations, {len(OUTPUTS)} outputs each: {changed + len(missing)} differ")
    return 1 if changed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
