"""`advisor diff`: what a change to the KB does to the advice.

`compare` runs two KBs side by side over the grid (`impact.grid`) and the worked scenarios of both,
and groups identical changes. The renderers are in `impact_report`.
Its result, `Diff`, and the JSON it gives are described in `impact_report`.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Literal, Optional, Protocol, TypeVar

from ..engine.advice import Advice
from ..engine.advising import Advisor
from ..kb.errors import AdvisorError, KnowledgeBaseError
from ..kb.knowledge import KnowledgeBase, kb_files, load
from ..kb.loading import Problem
from ..kb.models import Situation
from ..kb.rule_models import ExcludeRule, InstrumentRule, Rule, ScoreRule
from ..kb.scenarios import Scenario
from ..kb.situations import parse_situation
from ..kb.wording import Labels
from .diff_words import category, field_label, scenario_status, situation_words
from .expectations import failures
from .impact import REFERENCE_DATE, TOP, describe, grid
from .reports import ChangeCounts, Diff, Example, FieldChange, FileChange, Group, ItemChange, ScenarioChange, SideInfo

__all__ = ["Side", "open_side", "compare", "ImpactError"]
EXAMPLES = 3


class ImpactError(AdvisorError):
    """A usage problem of `advisor diff`: an unknown folder or revision (exit status 2)."""


# ---------------------------------------------------------------- the two sides

class Side:
    """One KB to compare: its label ('HEAD~1 (3f2a1bc)', a folder) and its Advisor."""

    def __init__(self, label: str, advisor: Advisor):
        self.label = label
        self.advisor = advisor
        self.kb = advisor.kb
        root = Path(self.kb.root)
        # read now: an extracted revision is removed when its `open_side` block ends
        self.files = {p.relative_to(root).as_posix(): p.read_bytes() for p in kb_files(root) if p.exists()}


def _git(args: list[str], cwd: Optional[str] = None, data: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=not data)


def _remap(err: KnowledgeBaseError, tmp: Path, label: str) -> KnowledgeBaseError:
    """KB errors of an extracted revision as 'REV:rules/goals.yaml:12: ...' instead of a temp path."""
    problems = []
    for problem in err.problems:
        try:
            rel = Path(problem.file).resolve().relative_to(tmp.resolve())
            problems.append(Problem(f"{label}:{rel}", problem.line, problem.message))
        except ValueError:
            problems.append(problem)
    return KnowledgeBaseError(problems)


def _advisor(kb: KnowledgeBase, spec: str) -> Advisor:
    try:
        return Advisor(kb, cache_size=0)
    except KnowledgeBaseError:
        raise
    except Exception as err:   # durable_rules rejects a network with a bare message
        raise ImpactError(f"de regels van '{spec}' laten zich niet compileren: {err}") from None


@contextlib.contextmanager
def open_side(spec: str) -> Iterator[Side]:
    """A KB folder (holding knowledge/ and rules/) or a git revision of the repository around the
    working directory. Raises ImpactError for an unknown one, KnowledgeBaseError for a broken KB."""
    if Path(spec).is_dir():
        yield Side(spec, _advisor(load(Path(spec)), spec))
        return
    top = _git(["rev-parse", "--show-toplevel"])
    if top.returncode != 0:
        raise ImpactError(f"'{spec}' is geen map, en de werkmap ligt niet in een git-repository "
                          f"om het als revisie op te zoeken")
    repo = top.stdout.strip()
    commit = _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], cwd=repo)
    if commit.returncode != 0:
        raise ImpactError(f"onbekende revisie of map: '{spec}' (geen map hier, en geen revisie in {repo})")
    sha = commit.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="advisor-diff-") as tmp:
        archive = _git(["archive", sha, "knowledge", "rules"], cwd=repo, data=True)
        if archive.returncode != 0:
            raise ImpactError(f"revisie '{spec}' heeft geen knowledge/ en rules/: "
                              f"{archive.stderr.decode(errors='replace').strip()}")
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True, capture_output=True)
        label = f"{spec} ({sha[:7]})"
        try:
            advisor = _advisor(load(Path(tmp)), spec)
        except KnowledgeBaseError as err:
            raise _remap(err, Path(tmp), spec) from None
        yield Side(label, advisor)


# ---------------------------------------------------------------- what changed in the KB itself

def _location(kb: KnowledgeBase, rule_id: str) -> Optional[str]:
    found = kb.rule_docs.get(rule_id)
    if found is None:
        return None
    doc, base = found
    path = Path(doc.file)
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(Path(kb.root).resolve())
    return f"{path}:{doc.line(base)}"


class _Item(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_Item)


def _items(old: Iterable[Item], new: Iterable[Item], dump: Callable[[Item], dict[str, Any]],
           info: Callable[[Item, str], dict[str, Any]], label: Callable[[str], str] = lambda name: name
           ) -> tuple[ItemChange, ...]:
    """Items (with an id) added, removed or changed, field by field (`label`: the field in Dutch)."""
    olds, news = {x.id: x for x in old}, {x.id: x for x in new}
    out = []
    for key, item in news.items():
        if key not in olds:
            out.append(ItemChange(id=key, change="added", **info(item, "new")))
            continue
        a, b = dump(olds[key]), dump(item)
        fields = tuple(FieldChange(field=f, label=label(f), old=a.get(f), new=b.get(f)) for f in dict.fromkeys([*a, *b])
                       if a.get(f) != b.get(f))
        if fields:
            out.append(ItemChange(id=key, change="changed", fields=fields, **info(item, "new")))
    out += [ItemChange(id=key, change="removed", **info(item, "old")) for key, item in olds.items() if key not in news]
    return tuple(out)


def _file_changes(old: Side, new: Side) -> tuple[FileChange, ...]:
    out = [FileChange(path=p, change="added" if p not in old.files else "changed")
           for p, data in new.files.items() if old.files.get(p) != data]
    return tuple(out + [FileChange(path=p, change="removed") for p in old.files if p not in new.files])


# ---------------------------------------------------------------- what changed in the advice

def _applied(advice: Advice, kb: KnowledgeBase) -> dict[str, dict[str, tuple]]:
    """Per instrument, the score and exclude rules that count on it (superseded rules set aside)."""
    fired = [(f, kb.rule(f.rule)) for f in advice.trace]
    aside: dict[str, set[str]] = {}
    for firing, rule in fired:
        if isinstance(rule, InstrumentRule):
            for instrument in firing.instruments if rule.supersedes else ():
                aside.setdefault(instrument, set()).update(rule.supersedes)
    out: dict[str, dict[str, tuple]] = {}
    for firing, rule in fired:
        if isinstance(rule, ScoreRule):
            signature: tuple = (rule.points, rule.serves, rule.off_topic)
        elif isinstance(rule, ExcludeRule):
            signature = ("uitsluiting",)
        else:
            continue
        for instrument in firing.instruments:
            if rule.id not in aside.get(instrument, ()):
                out.setdefault(instrument, {})[rule.id] = signature
    return out


def _effect(signature: tuple) -> str:
    return "uitsluiting" if signature[0] == "uitsluiting" else f"{signature[0]:+d} punten"


def _causes(old: dict[str, tuple], new: dict[str, tuple]) -> list[tuple[str, str]]:
    """(rule id, in words) for every rule whose effect on one instrument differs."""
    out = []
    for rule_id in dict.fromkeys([*new, *old]):
        a, b = old.get(rule_id), new.get(rule_id)
        if a == b:
            continue
        if a is None:
            assert b is not None   # both None is equal, skipped above
            words = " sluit nu uit" if b[0] == "uitsluiting" else f" vuurt nu ({_effect(b)})"
        elif b is None:
            words = " sluit niet meer uit" if a[0] == "uitsluiting" else f" vuurt niet meer ({_effect(a)})"
        elif a[0] != b[0]:
            both = "uitsluiting" not in (a[0], b[0])
            words = f": {a[0]} → {b[0]} punten" if both else f": {_effect(a)} → {_effect(b)}"
        else:
            words = f" dient nu {'+'.join(b[1]) or 'geen doel'}" + (" (buiten het thema)" if b[2] else "")
        out.append((rule_id, f"regel {rule_id}{words}"))
    return out


class _Groups:
    """Identical changes counted once, with the first few situations as examples."""

    def __init__(self) -> None:
        self.found: dict[tuple, dict] = {}

    def add(self, kind: str, description: str, example: Example, instrument: Optional[str] = None,
            rules: tuple[str, ...] = (), key: Optional[tuple] = None, texts: tuple = (None, None)) -> None:
        entry = self.found.setdefault((kind, *(key or (description,)), *texts), {
            "kind": kind, "description": description, "instrument": instrument, "rules": rules,
            "count": 0, "examples": [], "old_text": texts[0], "new_text": texts[1]})
        entry["count"] += 1
        kept = entry["examples"]
        # prefer examples that show different rankings: replace a repeat by a new before → after
        shown = [(e.before, e.after) for e in kept]
        if len(kept) < EXAMPLES:
            kept.append(example)
        elif (example.before, example.after) not in shown:
            repeat = next((n for n in range(len(kept) - 1, 0, -1) if shown[n] in shown[:n]), None)
            if repeat is not None:
                kept[repeat] = example

    def result(self, *kinds: str) -> tuple[Group, ...]:
        chosen = [Group(**e) for e in self.found.values() if e["kind"] in kinds]
        return tuple(sorted(chosen, key=lambda g: -g.count))   # stable: first seen first among equals


def _move(name: str, a: Optional[int], b: Optional[int]) -> str:
    if a is None:
        return f"{name} komt op plaats {b} (werd niet aanbevolen)"
    if b is None:
        return f"{name} valt weg van plaats {a} (niet meer aanbevolen)"
    return f"{name} {'zakt' if b > a else 'stijgt'} van {a} naar {b}"


def _caveat_map(advice: Advice, kb: KnowledgeBase, rule_caveats_only: set[str]) -> dict[Optional[str], dict]:
    """Instrument (None: general) -> caveat key (rule id, or the text when no rule) -> (rule, text).
    For instruments in `rule_caveats_only` only the caveat rules count (not unmet wishes, which a
    recommendation carries and a non-recommendation does not)."""
    out: dict[Optional[str], dict] = {None: {c.rule or c.text: (c.rule, c.text) for c in advice.general_caveats}}
    entries = [(r.instrument, r.caveats) for r in advice.recommendations]
    entries += [(n.instrument, n.caveats) for n in advice.not_recommended]
    for instrument, caveats in entries:
        found = out.setdefault(instrument, {})
        for c in caveats:
            rule = kb.rule(c.rule) if c.rule else None
            if instrument in rule_caveats_only and (rule is None or rule.kind != "caveat"):
                continue
            key = c.rule or c.text
            found[key] = (c.rule, found[key][1] + " / " + c.text if key in found else c.text)
    return out


UNCHANGED = "geen punten of uitsluiting op dit instrument anders"
UNMOVED = UNCHANGED + "; verschoven door andere"


def _unreviewed(value: Any) -> Any:
    """A dumped advice without the review state of its reasons and caveats: a stamp changes no advice."""
    if isinstance(value, dict):
        return {k: _unreviewed(v) for k, v in value.items() if k != "review"}
    if isinstance(value, (list, tuple)):
        return [_unreviewed(v) for v in value]
    return value


OTHER_PARTS = (("recommendations", "aanbevelingen (score, redenen, fit, stappen of volgorde na de top 3)"),
               ("not_recommended", "niet aanbevolen (score of waarom niet)"),
               ("unmet_goals", "doelen zonder aanbeveling"), ("derived", "afgeleide feiten"))


def _compare_one(old: Side, new: Side, situation: Situation, groups: _Groups, scenario: Optional[str] = None,
                 advices: Optional[tuple[Advice, Advice]] = None,
                 words: Optional[Callable[[Situation], str]] = None) -> Optional[tuple[str, Example]]:
    """Add the changes of one situation to `groups`; (category, example) when its advice changed."""
    a, b = advices or (old.advisor.advise(situation), new.advisor.advise(situation))
    rank_a = {r.instrument: r.rank for r in a.recommendations}
    rank_b = {r.instrument: r.rank for r in b.recommendations}
    top_a, top_b = tuple(list(rank_a)[:TOP]), tuple(list(rank_b)[:TOP])
    example = Example(situation=words(situation) if words else describe(situation), scenario=scenario,
                      before=top_a, after=top_b)
    names = {**{n.instrument: n.name for n in a.not_recommended}, **{n.instrument: n.name for n in b.not_recommended},
             **{r.instrument: r.name for r in (*a.recommendations, *b.recommendations)}}
    changed = False
    applied: Optional[tuple[dict, dict]] = None

    def causes(instrument: str) -> list[tuple[str, str]]:
        nonlocal applied
        applied = applied or (_applied(a, old.kb), _applied(b, new.kb))
        return _causes(applied[0].get(instrument, {}), applied[1].get(instrument, {}))

    def why(found: list[tuple[str, str]], unmoved: str = UNMOVED) -> str:
        return "; ".join(w for _, w in found) if found else unmoved

    if top_a != top_b:
        changed = True
        for i in dict.fromkeys([*top_a, *top_b]):
            if rank_a.get(i) != rank_b.get(i):
                found = causes(i)
                groups.add("top3", f"{_move(names[i], rank_a.get(i), rank_b.get(i))} ({why(found)})", example,
                           i, tuple(r for r, _ in found))
    for kind, ids, move in (("gained", [i for i in rank_b if i not in rank_a], "wordt nu aanbevolen"),
                             ("lost", [i for i in rank_a if i not in rank_b], "wordt niet meer aanbevolen")):
        for i in ids:
            changed = True
            found = causes(i)
            groups.add(kind, f"{names[i]} {move} ({why(found, UNCHANGED)})", example, i, tuple(r for r, _ in found))
    switched = {i for i in names if (i in rank_a) != (i in rank_b)}
    caveats_a, caveats_b = _caveat_map(a, old.kb, switched), _caveat_map(b, new.kb, switched)
    for instrument in dict.fromkeys([*caveats_b, *caveats_a]):
        was, now = caveats_a.get(instrument, {}), caveats_b.get(instrument, {})
        where = names.get(instrument, instrument) if instrument else "algemeen"
        for key in dict.fromkeys([*now, *was]):
            (rule, text), before = now.get(key) or was[key], was.get(key)
            if before and key in now and before[1] == text:
                continue
            kind = "caveat_changed" if before and key in now else "caveat_added" if key in now else "caveat_removed"
            verb = {"caveat_changed": "anders verwoord", "caveat_added": "erbij", "caveat_removed": "vervalt"}[kind]
            label = f"regel {rule}" if rule else "onvervulde wens"
            changed = True
            texts = (before[1] if before else None, text if key in now else None)
            groups.add(kind, f"{where}: kanttekening {verb} ({label})", example, instrument,
                       (rule,) if rule else (), key=(instrument, rule or text), texts=texts)
    if not changed:
        parts = [label for field, label in OTHER_PARTS if getattr(a, field) != getattr(b, field)
                 and _unreviewed(a.model_dump(include={field})) != _unreviewed(b.model_dump(include={field}))]
        if parts:
            changed = True
            groups.add("other", "anders: " + "; ".join(parts), example)
    return (category(a, b, top_a != top_b), example) if changed else None


def _run_scenario(side: Side, scenario: Optional[Scenario]
                  ) -> tuple[Literal["pass", "fail", "absent"], tuple[str, ...], tuple[str, ...], Optional[Advice]]:
    if scenario is None:
        return "absent", (), (), None
    try:
        situation = parse_situation(scenario.situation)
    except AdvisorError as err:
        return "fail", (), (f"situatie: {err}",), None
    advice = side.advisor.advise(situation)
    try:
        found = tuple(failures(advice, scenario.expect))
    except Exception as err:   # e.g. an instrument this KB does not know
        found = (f"niet na te gaan met deze KB: {type(err).__name__}: {err}",)
    return ("fail" if found else "pass"), tuple(r.instrument for r in advice.recommendations[:TOP]), found, advice


def compare(old: Side, new: Side, situations: Optional[list[Situation]] = None) -> Diff:
    """Run both KBs over the situations (default: the grid of both KBs) and over the scenarios of
    both (by name; the newest definition), and group what changed."""
    if situations is None:
        situations = list(dict.fromkeys(grid(new.kb) + grid(old.kb)))
    groups = _Groups()
    labels = Labels(new.kb)

    def words(situation: Situation) -> str:
        return situation_words(situation, labels, REFERENCE_DATE)

    found = [_compare_one(old, new, s, groups, words=words) for s in situations]
    olds = {s.name: s for s in old.kb.scenarios}
    news = {s.name: s for s in new.kb.scenarios}
    scenario_changes = []
    for name in dict.fromkeys([*olds, *news]):
        before = _run_scenario(old, olds.get(name) and news.get(name, olds[name]))   # the newest definition
        after = _run_scenario(new, news.get(name))
        if before[3] is not None and after[3] is not None:
            found.append(_compare_one(old, new, after[3].situation, groups, name, (before[3], after[3]), words))
        if before[:2] != after[:2]:
            scenario_changes.append(ScenarioChange(name=name, before=before[0], after=after[0], top3_before=before[1],
                                                   top3_after=after[1], failures=after[2],
                                                   status=scenario_status(before[0], after[0])))
    changed = [f for f in found if f is not None]
    counts = ChangeCounts(**{c: sum(1 for k, _ in changed if k == c) for c in ("top3", "scores", "wording", "other")})
    rule_dump = lambda r: r.model_dump(mode="json", exclude={"review"})  # noqa: E731 - a review stamp is no change
    dump = lambda x: x.model_dump(mode="json")  # noqa: E731

    def rule_info(rule: Rule, side: str) -> dict[str, Any]:
        return {"kind": rule.kind, "title": rule.title,
                "location": _location((new if side == "new" else old).kb, rule.id)}

    groups_found = bool(groups.found) or bool(scenario_changes)
    return Diff(
        old=SideInfo(label=old.label, kb_version=old.kb.version, rules=len(old.kb.rules)),
        new=SideInfo(label=new.label, kb_version=new.kb.version, rules=len(new.kb.rules)),
        reference_date=REFERENCE_DATE, situations=len(situations), scenario_count=len({*olds, *news}),
        changed_situations=len(changed), changes=counts,
        top3_examples=tuple(e for k, e in changed if k == "top3")[:EXAMPLES],
        advice_changed=groups_found, files=_file_changes(old, new),
        rules=_items(old.kb.rules, new.kb.rules, rule_dump, rule_info, partial(field_label, "rules")),
        instruments=_items(old.kb.instruments, new.kb.instruments, dump, lambda i, _: {"title": i.name},
                           partial(field_label, "instruments", labels=labels)),
        thresholds=_items(old.kb.legal.thresholds, new.kb.legal.thresholds, dump, lambda t, _: {"title": t.label},
                          partial(field_label, "thresholds")),
        top3=groups.result("top3"), recommended=groups.result("gained", "lost"),
        caveats=groups.result("caveat_added", "caveat_removed", "caveat_changed"), other=groups.result("other"),
        scenarios=tuple(scenario_changes))
