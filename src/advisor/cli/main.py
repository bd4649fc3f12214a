"""`advisor check | test | review | advise | rules | serve | diff | coverage | batch | docs`: exit 0 on success, 1 on KB or input errors, 2 on usage errors."""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

import typer

from ..kb.errors import KnowledgeBaseError, SituationError
from ..kb.loading import YamlError, parse_yaml
from ..present.documents import Filing
from ..present.formats import FORMATS, Rendering
from . import kb as cli_kb  # the KB author's commands (test, review), registered below

if TYPE_CHECKING:
    from rich.console import Console

    from ..engine.advising import Advisor
    from ..kb.models import Situation

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="advisor: advies over instrumenten voor sociale impact bij inkoop.")
KB = typer.Option(None, "--kb", help="Folder with knowledge/ and rules/ (default: the shipped KB).")


class Format(str, Enum):
    text = "text"
    json = "json"


def _fail(lines: list[str], summary: str) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(summary, err=True)
    raise typer.Exit(1)


def _advisor(kb: Optional[Path]) -> Advisor:
    from ..engine.advising import Advisor
    try:
        return Advisor.from_root(kb)
    except KnowledgeBaseError as err:
        _fail(err.lines(), err.headline)


@app.command()
def check(kb: Optional[Path] = KB, fmt: Format = typer.Option(Format.text, "--format", "-f"),
          strict: bool = typer.Option(False, "--strict", help="Fail on rules not reviewed, or changed since."),
          scenarios: bool = typer.Option(True, "--scenarios/--no-scenarios",
                                         help="Also run the worked scenarios (as advisor test does).")) -> None:
    """Validate knowledge/ and rules/; print every error as path:line: message, the KB's invariants (goal
    matrix, section pages, threshold table), review warnings, and failing scenarios."""
    from ..kb.invariants import invariant_notes
    from ..kb.reviews import review_notes
    if fmt is Format.json:
        from ..engine.advising import Advisor
        try:
            advisor = Advisor.from_root(kb)
        except KnowledgeBaseError as err:
            typer.echo(json.dumps({"ok": False, "errors": [vars(p) for p in err.problems]}, ensure_ascii=False))
            raise typer.Exit(1) from None
        notes = review_notes(advisor.kb, strict)
        found = invariant_notes(advisor.kb)
        failing = cli_kb.run_scenarios(advisor)[1] if scenarios else []
        bad = bool((strict and notes) or failing or any(n.error for n in found))
        typer.echo(json.dumps({"ok": not bad, "kb_version": advisor.kb.version, "counts": advisor.kb.counts(),
                               "review": notes, "invariants": [str(n) for n in found],
                               "scenarios_failed": failing}, ensure_ascii=False))
        raise typer.Exit(1 if bad else 0)
    advisor = _advisor(kb)
    found = invariant_notes(advisor.kb)
    notes = review_notes(advisor.kb, strict)
    for note in [str(n) for n in found] + notes:
        typer.echo(note, err=True)
    failing = cli_kb.run_scenarios(advisor)[1] if scenarios else []
    for line in failing:
        typer.echo(line, err=True)
    errors = [n for n in found if n.error]
    if errors or failing or (strict and notes):
        parts = [f"{len(errors)} invariant(s) broken" if errors else "",
                 f"{len(failing)} scenario check(s) failed (advisor test)" if failing else "",
                 f"{len(notes)} rule(s) not reviewed or changed after review (--strict)" if strict and notes else ""]
        typer.echo("; ".join(p for p in parts if p), err=True)
        raise typer.Exit(1)
    counts = advisor.kb.counts()
    ran = "" if scenarios else " (not run: --no-scenarios)"
    typer.echo(f"ok: {counts['instruments']} instruments, {counts['rules']} rules "
               f"({len(advisor.compiled.definitions)} network rules), {counts['questions']} questions, "
               f"{counts['terms']} terms, {counts['articles']} articles, {counts['thresholds']} thresholds, "
               f"{counts['scenarios']} scenarios{ran}; kb_version {advisor.kb.version}")


def _invoke(args: list[str]) -> tuple[str, int]:
    """Run this CLI in-process (for the maintainer guide, which shows each command's real output)."""
    from typer.testing import CliRunner
    result = CliRunner().invoke(app, args)
    return result.output, result.exit_code


@app.command()
def docs(out: Path = typer.Option(Path("docs"), "--out", help="Folder to write rules.md and maintaining.md into."),
         check_only: bool = typer.Option(False, "--check", help="Exit 1 if the files are not current; write nothing."),
         kb: Optional[Path] = KB) -> None:
    """Write docs/rules.md (every rule in Dutch words) and docs/maintaining.md (the maintainer guide,
    with the real output of every command it shows)."""
    from ..maintain.guide import maintainer_guide
    from ..present.ruledocs import rule_book_markdown
    advisor = _advisor(kb)
    files = {out / "rules.md": rule_book_markdown(advisor),
             out / "maintaining.md": maintainer_guide(advisor.kb.root, _invoke)}
    if check_only:
        stale = [path for path, text in files.items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in files:
            typer.echo(f"{path}: {'out of date: run advisor docs' if path in stale else 'current'}")
        raise typer.Exit(1 if stale else 0)
    out.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        typer.echo(f"{path}: written")


app.command("test")(cli_kb.test)
app.command("review")(cli_kb.review)


def _situation(file: Optional[Path], flags: list[str]) -> Situation:
    """The situation of a file (YAML/JSON) and/or `-s field=value` flags; flags are read exactly as
    the web form reads its fields (situations.from_pairs), and override the file's answers."""
    from ..kb.situations import from_pairs, parse_situation, to_pairs
    pairs: list[tuple[str, str]] = []
    for flag in flags:
        key, sep, value = flag.partition("=")
        if not sep:
            typer.echo(f"--set expects field=value, got '{flag}'", err=True)
            raise typer.Exit(2)
        pairs.append((key, value))
    try:
        if file is None:
            return from_pairs(pairs)
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        try:
            data = parse_yaml(text, str(file)).data or {}
        except YamlError as err:
            _fail([str(err.problem)], "1 error")
        if not isinstance(data, dict):
            _fail([f"{file}:1: expected a mapping of situation fields"], "1 error")
        situation = parse_situation(data)
        flagged = {key for key, _ in pairs}
        return from_pairs([(k, v) for k, v in to_pairs(situation) if k not in flagged] + pairs) if pairs \
            else situation
    except SituationError as err:
        _fail([f"{path}: {message}" for path, message in err.errors],
              f"{len(err.errors) + getattr(err, 'more', 0)} fout(en) in de situatie")


@app.command()
def advise(
    file: Optional[Path] = typer.Argument(None, help="Situation as YAML or JSON file ('-' for stdin)."),
    set_: list[str] = typer.Option([], "--set", "-s", help="field=value, read as the web form reads it (amounts "
                                   "such as 450.000, ja/nee: docs/input.md); repeat for list fields."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                            help=f"One of {', '.join(FORMATS)} (present/formats.py); "
                                 f"{', '.join(n for n, f in FORMATS.items() if f.binary)} write a document: give -o."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (required for odt/docx)."),
    top: int = typer.Option(5, "--top", help="How many recommendations to show in text output."),
    kb: Optional[Path] = KB,
    opdracht: str = typer.Option("", "--opdracht", help="Documents: the contract the advice is for (in the header)."),
    kenmerk: str = typer.Option("", "--kenmerk", help="Documents: your reference (in the header)."),
    behandelaar: str = typer.Option("", "--behandelaar", help="Documents: who handles it."),
) -> None:
    """Give a ranked, explained advice for a situation."""
    form = FORMATS.get(fmt)
    if form is None:
        typer.echo(f"--format {fmt}: unknown format; choose one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    if form.binary and output is None:
        typer.echo(f"--format {fmt} writes a document: give a file with -o", err=True)
        raise typer.Exit(2)
    situation = _situation(file, set_)
    advisor = _advisor(kb)
    advice = advisor.advise(situation)
    permalink = ""
    if form.name not in ("text", "json"):   # what is filed or shared links its online version
        from urllib.parse import urlencode

        from ..kb.situations import to_pairs
        from ..present.documents import permalink_text
        from ..serve.settings import SettingsError, load_settings
        try:
            base = load_settings().base_url
        except SettingsError:
            base = ""   # a bad ADVISOR_BASE_URL stops the server; a document then says it has no link
        permalink = permalink_text(base, "/advies?" + urlencode(to_pairs(situation)))
    made = form.render(advice, Rendering(advisor.kb, advisor.explainer.reviews, permalink,
                                         Filing(opdracht.strip(), kenmerk.strip(), behandelaar.strip()),
                                         top=top, indent=2))
    if isinstance(made, bytes):
        assert output is not None   # checked above: a binary format needs -o
        output.write_bytes(made)
        typer.echo(f"{output}: advies als {fmt} geschreven")
    elif output is not None:
        output.write_text(made if made.endswith("\n") else made + "\n", encoding="utf-8")
    else:
        typer.echo(made, nl=not made.endswith("\n"))


class BatchView(str, Enum):
    full = "full"
    compact = "compact"


class BatchOut(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command()
def batch(
    source: Path = typer.Argument(..., exists=True, dir_okay=False, help="Situations: .jsonl (one JSON object a "
                                  "line) or .csv (header = situation keys; lists separated by ';')."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (default: stdout)."),
    view: BatchView = typer.Option(BatchView.full, "--view", help="full advice, or compact (for embedders)."),
    out_format: BatchOut = typer.Option(BatchOut.jsonl, "--format", "-f",
                                        help="jsonl: one record a line; csv: top 3 with scores and the main caveat."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes (each holds its own Advisor)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    kb: Optional[Path] = KB,
) -> None:
    """Advice for many situations at once, streamed in constant memory. Every line is answered or
    reported with its number, whatever it holds. Exit 0: every line good; 1: some lines bad; 3: the run
    stopped early (output not writable, a worker died, interrupted), with the line it stopped after."""
    from multiprocessing import get_context

    from rich.progress import Progress

    from ..engine import batch as b
    kind = "csv" if source.suffix.lower() == ".csv" else "jsonl"
    advisor = _advisor(kb)
    total = b.count_lines(source, kind)
    failed = done = last = 0
    stopped: Optional[str] = None
    target = output.open("w", encoding="utf-8") if output else sys.stdout
    pool = None
    try:
        if out_format is BatchOut.csv:
            target.write(",".join(b.SUMMARY) + "\n")
        chunks = b.chunked(b.read_lines(source, kind))
        results: Iterable[list[tuple[int, bool, str]]]
        if workers > 1:
            pool = get_context("spawn").Pool(workers, initializer=b._init, initargs=(str(kb) if kb else None,))
            results = pool.imap(_batch_work, ((chunk, view.value, out_format.value) for chunk in chunks))
        else:
            results = (b.work(chunk, view.value, out_format.value, advisor) for chunk in chunks)
        with Progress(disable=not progress, transient=True, console=_stderr_console()) as bar:
            task = bar.add_task("advies", total=total or None)
            for result in results:
                for number, ok, text in result:
                    target.write(text + "\n")
                    failed += not ok
                    last = number
                done += len(result)
                bar.update(task, completed=done)
    except (Exception, KeyboardInterrupt) as err:
        stopped = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    finally:
        if pool is not None:
            pool.terminate() if stopped else pool.close()
            pool.join()
        if output:
            try:
                target.close()
            except OSError as err:
                stopped = stopped or f"{type(err).__name__}: {err}"
    counted = f"{done} regels gelezen: {done - failed} goed, {failed} met fouten"
    where = f"; geschreven naar {output}" if output else ""
    if stopped:
        typer.echo(f"gestopt na regel {last} ({stopped}); {counted}{where}", err=True)
        raise typer.Exit(STOPPED_EARLY)
    typer.echo(counted + where, err=True)
    raise typer.Exit(1 if failed else 0)


STOPPED_EARLY = 3   # distinct from 1 ("some lines were bad") and 2 (usage errors)


def _batch_work(args: tuple[Any, Any, Any]) -> Any:
    from ..engine import batch as b
    chunk, view, out = args
    return b.work(chunk, view, out)


def _stderr_console() -> Console:
    from rich.console import Console
    return Console(stderr=True)


@app.command()
def rules(rule_id: Optional[str] = typer.Argument(None), fmt: Format = typer.Option(Format.text, "--format", "-f"),
          kb: Optional[Path] = KB) -> None:
    """List the rules, or show one with its rationale and source."""
    from ..kb.rule_models import InstrumentRule
    advisor = _advisor(kb)
    if rule_id is None:
        if fmt is Format.json:
            typer.echo(json.dumps([r.model_dump(mode="json") for r in advisor.kb.rules], indent=2, ensure_ascii=False))
            return
        for rule in advisor.kb.rules:
            typer.echo(f"{rule.id:40} {rule.kind:8} {rule.title}")
        return
    found = advisor.kb.rule(rule_id)
    if found is None:
        from ..kb.loading import did_you_mean
        typer.echo(f"unknown rule '{rule_id}'{did_you_mean(rule_id, [r.id for r in advisor.kb.rules])}", err=True)
        raise typer.Exit(1)
    if fmt is Format.json:
        typer.echo(json.dumps(found.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    doc, base = advisor.kb.rule_docs[found.id]
    source = ", ".join(filter(None, [f"p. {found.source.page}" if found.source.page else None,
                                     f"pagina per instrument ({found.source.instrument_field})"
                                     if found.source.instrument_field else None, *found.source.articles]))
    typer.echo(f"{found.id} ({found.kind}) — {found.title}\n{doc.file}:{doc.line(base)}\n\n"
               f"Motivering: {found.rationale}\nBron: {source}")
    if isinstance(found, InstrumentRule):
        typer.echo(f"Tekst: {found.text}")


# Further names of a setting's flag: `--cors-origin URL` (repeated) fills `cors_origins` too.
SERVE_ALIASES = {"cors_origins": ("--cors-origin",)}


def serve_parameters() -> list[inspect.Parameter]:
    """One flag per setting (settings.Settings), defaulting to None: a flag given overrides the setting's
    ADVISOR_* variable, a flag left out leaves it to the environment (or the setting's default). A setting
    added to Settings gets its flag here without further code."""
    from typing import get_args, get_origin

    from ..serve.settings import PREFIX, Settings
    parameters = []
    for name, info in Settings.model_fields.items():
        kind = info.annotation
        if get_origin(kind) is not None and type(None) in get_args(kind):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
        flag = "--" + name.replace("_", "-")
        aliases = SERVE_ALIASES.get(name, ())
        default = info.default if info.default not in (None, (), "") else "none"
        text = f"{(info.description or name)[:1].upper()}{(info.description or name)[1:]} " \
               f"(env {PREFIX}{name.upper()}; default {default})"
        if kind is bool:
            annotation: Any = Optional[bool]
            option = typer.Option(None, f"{flag}/--no-{flag[2:]}", help=text, show_default=False)
        elif get_origin(kind) is tuple:
            annotation = Optional[list[str]]
            option = typer.Option(None, flag, *aliases, help=text + "; repeat the flag", show_default=False)
        else:
            annotation = Optional[Path if kind not in (int, float, str) else kind]
            option = typer.Option(None, flag, *aliases, help=text, show_default=False)
        parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option,
                                            annotation=annotation))
    return parameters


def serve(**flags: Any) -> None:
    """Serve the questionnaire (/) and the JSON API (/api/v1) with uvicorn.

    Every setting comes from its flag or else from its ADVISOR_* variable (see each flag); a bad value
    stops here with exit 2. The limits bound what slow or idle clients can hold open (advisor.serve.serving:
    header and body timeouts, a cap on idle connections, a header size limit); docs/deploying.md has the
    figures."""
    import os

    import uvicorn

    from ..serve.serving import PROTOCOL
    from ..serve.settings import PREFIX, SettingsError, as_environment, load_settings
    given = {name: tuple(value) if isinstance(value, list) else value for name, value in flags.items()
             if value is not None and value != []}
    try:
        settings = load_settings(**given)   # flags win over the environment; an error names the flag
    except SettingsError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    for name in given:   # the workers build the app from the environment: they must see the flags too
        os.environ[PREFIX + name.upper()] = as_environment(name, getattr(settings, name))
    _advisor(settings.kb)  # fail fast, with path:line errors, before starting workers
    typer.echo(f"advisor: http://{settings.host}:{settings.port}/  (API: /api/v1, docs: /docs)")
    uvicorn.run("advisor.serve.app:app_from_env", factory=True, host=settings.host, port=settings.port,
                workers=settings.workers, limit_concurrency=settings.limit_concurrency,
                timeout_keep_alive=settings.timeout_keep_alive, backlog=settings.backlog,
                proxy_headers=settings.forwarded_allow_ips is not None,
                forwarded_allow_ips=settings.forwarded_allow_ips, server_header=False,
                http=PROTOCOL, h11_max_incomplete_event_size=settings.max_header_bytes)


serve.__signature__ = inspect.Signature(serve_parameters())  # type: ignore[attr-defined]
app.command()(serve)


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class CoverageFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    svg = "svg"


class GridSize(str, Enum):
    full = "full"
    small = "small"


GRID = typer.Option(GridSize.full, "--grid", help="full: the systematic grid (~1,900 situations); small: phase × goal.")


@app.command()
def diff(
    old: str = typer.Argument(..., help="Old KB: a folder holding knowledge/ and rules/, or a git revision (HEAD~1)."),
    new: str = typer.Argument(..., help="New KB: a folder (e.g. '.') or a git revision."),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="text, markdown (for a review) or json."),
    grid_size: GridSize = GRID,
) -> None:
    """What a KB change does to the advice: rules changed, top 3 moved, instruments and caveats gained or
    lost, scenarios whose outcome changed. Exit 0: no advice changed; 1: some advice changed; 2: usage or KB errors."""
    from ..maintain.diff import ImpactError, compare, open_side
    from ..maintain.impact import small_grid
    from ..maintain.reports import diff_markdown, diff_text
    problem: Optional[list[str]] = None
    try:
        with open_side(old) as before, open_side(new) as after:
            situations = None if grid_size is GridSize.full else \
                list(dict.fromkeys(small_grid(after.kb) + small_grid(before.kb)))
            result = compare(before, after, situations)
    except ImpactError as err:
        problem = [str(err)]
    except KnowledgeBaseError as err:
        problem = err.lines() + [err.headline]
    if problem is not None:
        for line in problem:
            typer.echo(line, err=True)
        raise typer.Exit(2)
    render = {DiffFormat.text: diff_text, DiffFormat.markdown: diff_markdown,
              DiffFormat.json: lambda d: d.model_dump_json(indent=2)}[fmt]
    typer.echo(render(result))
    raise typer.Exit(1 if result.advice_changed else 0)


@app.command()
def coverage(
    kb: Optional[Path] = KB,
    fmt: CoverageFormat = typer.Option(CoverageFormat.text, "--format", "-f", help="text, markdown, json or svg."),
    grid_size: GridSize = GRID,
) -> None:
    """Over a grid of situations: how often each instrument is recommended first and in the top 3, instruments
    never recommended, rules that never fire, goals left without a recommendation."""
    from ..maintain.impact import coverage as count
    from ..maintain.impact import coverage_markdown, coverage_svg, coverage_text, grid, small_grid
    advisor = _advisor(kb)
    result = count(advisor, (grid if grid_size is GridSize.full else small_grid)(advisor.kb))
    render = {CoverageFormat.text: coverage_text, CoverageFormat.markdown: coverage_markdown,
              CoverageFormat.svg: coverage_svg, CoverageFormat.json: lambda c: c.model_dump_json(indent=2)}[fmt]
    typer.echo(render(result))


if __name__ == "__main__":  # pragma: no cover
    app()
