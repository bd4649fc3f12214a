"""The KB author's commands of the CLI: `advisor test` (run the scenarios of any KB) and `advisor review`
(stamp one rule, write the review packet, read the verdicts back). Registered on the app by `cli`;
this module does not import it (no import cycle), so it holds the few helpers it needs itself.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from ..kb.errors import KnowledgeBaseError

if TYPE_CHECKING:
    from ..engine.advising import Advisor

__all__ = ["test", "review", "run_scenarios"]


def _advisor(kb: Optional[Path]) -> Advisor:
    from ..engine.advising import Advisor
    try:
        return Advisor.from_root(kb)
    except KnowledgeBaseError as err:
        for line in err.lines():
            typer.echo(line, err=True)
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None


def run_scenarios(advisor: Advisor, pattern: Optional[str] = None) -> tuple[list, list[str]]:
    """(outcomes, failure lines): what `advisor test` and `advisor check` report."""
    from ..maintain.scenario_run import report_lines, run_all
    outcomes = run_all(advisor, pattern)
    return outcomes, report_lines(outcomes)


class TestFormat(str, Enum):
    text = "text"
    json = "json"


def test(kb: Optional[Path] = typer.Option(None, "--kb", help="Folder with knowledge/ and rules/ (default: the "
                                                                "shipped KB)."),
         pattern: Optional[str] = typer.Option(None, "-k", help="Only scenarios whose name or file contains this "
                                                               "(or matches this glob)."),
         fmt: TestFormat = typer.Option(TestFormat.text, "--format", "-f")) -> None:
    """Run the worked scenarios of a KB (knowledge/scenarios/*.yaml): every failure as file:line with what
    was expected and what came. Exit 0: all pass; 1: a scenario fails or the KB has errors."""
    from ..maintain.scenario_run import summary
    advisor = _advisor(kb)
    outcomes, lines = run_scenarios(advisor, pattern)
    failed = [o for o in outcomes if not o.passed]
    if fmt is TestFormat.json:
        typer.echo(json.dumps({"ok": not failed and bool(outcomes), "scenarios": [
            {"name": o.name, "file": o.file, "line": o.line, "passed": o.passed, "failures": list(o.failures)}
            for o in outcomes]}, ensure_ascii=False, indent=2))
    else:
        for line in lines:
            typer.echo(line)
        typer.echo(summary(outcomes))
    if pattern is not None and not outcomes:
        typer.echo(f"geen scenario past bij -k '{pattern}'", err=True)
        raise typer.Exit(1)
    raise typer.Exit(1 if failed else 0)


class PacketFormat(str, Enum):
    md = "md"
    docx = "docx"
    odt = "odt"
    csv = "csv"


def _say_errors(lines: list[str], summary: str, code: int = 1) -> None:
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(summary, err=True)
    raise typer.Exit(code)


def review(rule_id: Optional[str] = typer.Argument(None, help="The rule a legal advisor approved."),
           by: Optional[str] = typer.Option(None, "--by", help="Who reviewed it (name)."),
           on: Optional[str] = typer.Option(None, "--on", help="Date of the review, YYYY-MM-DD (default: today)."),
           pending_: bool = typer.Option(False, "--pending", help="Write the review packet: every rule not "
                                                                  "reviewed, or changed since its review."),
           fmt: PacketFormat = typer.Option(PacketFormat.md, "--format", "-f",
                                            help="Packet as md, docx or odt; csv: the blank verdict form."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the packet here (needed "
                                                                                "for docx/odt)."),
           source: Optional[Path] = typer.Option(None, "--from", help="Verdicts to read back (.csv or .yaml: "
                                                                       "regel, oordeel, opmerking[, kenmerk])."),
           kb: Optional[Path] = typer.Option(None, "--kb", help="KB folder to stamp (a checkout or a copy); needed "
                                                                 "when advisor is installed as a package.")) -> None:
    """Review rules. `review RULE --by NAME` stamps one rule; `review --pending -o FILE` writes the packet a
    lawyer reads; `review --from FILE --by NAME` stamps every 'akkoord' of the returned verdicts. A stamp is
    review: {by, on, hash} in the rule's YAML; nothing else in the file changes, and nothing is written
    unless all of it is sound."""
    modes = sum([rule_id is not None, pending_, source is not None])
    if modes != 1:
        typer.echo("give one of: RULE_ID --by NAME, --pending [-o FILE], --from FILE --by NAME", err=True)
        raise typer.Exit(2)
    if pending_:
        _packet(kb, fmt, output)
        return
    if by is None or not by.strip():
        typer.echo("--by needs the reviewer's name (an empty name is no review)", err=True)
        raise typer.Exit(2)
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        typer.echo(f"--on expects a date YYYY-MM-DD, got '{on}'", err=True)
        raise typer.Exit(2) from None
    from ..maintain.stamping import Stamp, StampError, apply, writable_root
    try:
        root = writable_root(kb)
    except StampError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    advisor = _advisor(root)
    name = by.strip()
    if rule_id is not None:
        if advisor.kb.rule(rule_id) is None:
            from ..kb.loading import did_you_mean
            typer.echo(f"unknown rule '{rule_id}'{did_you_mean(rule_id, [r.id for r in advisor.kb.rules])}", err=True)
            raise typer.Exit(1)
        stamps = [Stamp(rule_id, name, day)]
        refused: list = []
    else:
        from ..maintain.verdicts import VerdictError, read_verdicts
        assert source is not None
        try:
            verdicts = read_verdicts(source, advisor.kb)
        except VerdictError as err:
            _say_errors([str(p) for p in err.problems], str(err))
        stamps = [Stamp(v.rule, name, day) for v in verdicts if v.agreed]
        refused = [v for v in verdicts if not v.agreed]
    try:
        written = apply(advisor.kb, stamps) if stamps else []
    except StampError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
    for stamp in stamps:
        doc, _ = advisor.kb.rule_docs[stamp.rule]
        typer.echo(f"{doc.file}: rule '{stamp.rule}' beoordeeld door {name} op {day:%d-%m-%Y}")
    for verdict in refused:
        typer.echo(f"{source}:{verdict.line}: rule '{verdict.rule}' niet akkoord ({name}): {verdict.remark}")
    if source is not None:
        typer.echo(f"{len(stamps)} akkoord (gestempeld in {len(written)} bestand(en)), {len(refused)} niet akkoord")


def _packet(kb: Optional[Path], fmt: PacketFormat, output: Optional[Path]) -> None:
    from ..maintain.review_packet import packet_document, pending, to_markdown, verdict_form
    from ..present.documents import to_docx, to_odt
    if fmt in (PacketFormat.docx, PacketFormat.odt) and output is None:
        typer.echo(f"--format {fmt.value} writes a document: give a file with -o", err=True)
        raise typer.Exit(2)
    advisor = _advisor(kb)
    items = pending(advisor)
    if fmt is PacketFormat.csv:
        data: str | bytes = verdict_form(items)
    else:
        document = packet_document(advisor, items)
        data = to_markdown(document) if fmt is PacketFormat.md else \
            to_docx(document) if fmt is PacketFormat.docx else to_odt(document)
    if output is None:
        typer.echo(str(data), nl=False)
        return
    if isinstance(data, bytes):
        output.write_bytes(data)
    else:
        output.write_text(data, encoding="utf-8")
    typer.echo(f"{output}: {len(items)} regel(s) ter beoordeling ({fmt.value})")
