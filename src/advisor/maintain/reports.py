"""What the reports of `advisor diff` and `advisor coverage` hold (frozen pydantic models, so JSON
is `model_dump_json`), and how they read: plain text, Markdown (to paste in a review) and, for
coverage, an inline SVG bar chart. Texts in Dutch. The computing is in `impact` (grid, coverage)
and `impact_diff` (compare); this module imports neither, so `impact` re-exports the coverage
renderings for the web page /regels. The SVG is built with ElementTree, so every KB text is escaped.

JSON of `advisor diff --format json` (`Diff`, `schema_version: 2`; keys in English, texts in Dutch):
  old, new            {label, kb_version, rules}: the two KBs compared
  reference_date      the date of every grid situation
  situations          situations of the grid run; scenario_count: scenarios run (of both KBs, by name)
  changed_situations  grid situations and scenarios whose advice changed
  changes             {top3, scores, wording, other}: those situations by what changed most (the top 3;
                      else scores only; else wording only; else caveats or recommendations beyond the top 3)
  top3_examples       [{situation, scenario, before, after}]: the first situations whose top 3 changed
  advice_changed      true when any advice changed (exit status 1)
  files               [{path, change}]: KB files added, removed or changed (change: added|removed|changed)
  rules, instruments, thresholds
                      [{id, change, kind, title, location, fields: [{field, label, old, new}]}]
                      (a rule's `review` stamp is not compared)
  top3, recommended, caveats, other
                      groups of identical changes, most frequent first: [{kind, description, instrument,
                      rules, count, examples: [{situation, scenario, before, after}]}]; kind: top3 | gained |
                      lost | caveat_added | caveat_removed | caveat_changed | other; before/after: top 3 ids;
                      rules: the rule ids whose effect on the instrument differs; old_text, new_text: a
                      caveat's full wording before and after
  scenarios           [{name, status, before, after, top3_before, top3_after, failures}]: scenarios added,
                      removed, or whose outcome (pass | fail | absent) or top 3 changed; status in Dutch
                      (nieuw (slaagt|faalt), verwijderd, slaagde → faalt, faalde → slaagt, andere top 3); failures: against
                      the new KB

JSON of `advisor coverage --format json` (`Coverage`): kb_version, reference_date, situations;
instruments [{id, name, first, top3, recommended}] in the order of Table 1; never_recommended [ids];
silent_rules [{id, kind, title}]; goals [{goal, label, situations, unmet}].
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict

from .diff_words import is_wording, word_diff

__all__ = ["Diff", "Coverage", "diff_text", "diff_markdown", "coverage_text", "coverage_markdown", "coverage_svg"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---------------------------------------------------------------- the diff model

class FieldChange(Model):
    field: str
    old: Any = None
    new: Any = None
    label: str = ""          # the field in Dutch ("punten", "tekst")


class ItemChange(Model):
    id: str
    change: Literal["added", "removed", "changed"]
    kind: Optional[str] = None
    title: str = ""
    location: Optional[str] = None
    fields: tuple[FieldChange, ...] = ()


class FileChange(Model):
    path: str
    change: Literal["added", "removed", "changed"]


class Example(Model):
    situation: str
    scenario: Optional[str] = None
    before: tuple[str, ...]
    after: tuple[str, ...]


class Group(Model):
    kind: Literal["top3", "gained", "lost", "caveat_added", "caveat_removed", "caveat_changed", "other"]
    description: str
    instrument: Optional[str] = None
    rules: tuple[str, ...] = ()
    count: int
    examples: tuple[Example, ...]
    old_text: Optional[str] = None     # a caveat's wording before (changed, removed) and after (changed, added)
    new_text: Optional[str] = None


class ScenarioChange(Model):
    name: str
    before: Literal["pass", "fail", "absent"]
    after: Literal["pass", "fail", "absent"]
    status: str = ""          # nieuw | verwijderd | slaagde → faalt | faalde → slaagt | andere top 3
    top3_before: tuple[str, ...]
    top3_after: tuple[str, ...]
    failures: tuple[str, ...]


class SideInfo(Model):
    label: str
    kb_version: str
    rules: int


class ChangeCounts(Model):
    """Situations whose advice changed, by what changed most: the top 3, else only scores, else only wording."""
    top3: int = 0
    scores: int = 0       # scores moved, the top 3 did not (texts may have changed too)
    wording: int = 0      # only texts changed
    other: int = 0        # caveats or recommendations added or removed, beyond the top 3


class Diff(Model):
    schema_version: int = 2
    old: SideInfo
    new: SideInfo
    reference_date: dt.date
    situations: int              # of the grid
    scenario_count: int
    changed_situations: int      # grid situations and scenarios
    advice_changed: bool
    files: tuple[FileChange, ...]
    rules: tuple[ItemChange, ...]
    instruments: tuple[ItemChange, ...]
    thresholds: tuple[ItemChange, ...]
    top3: tuple[Group, ...]
    recommended: tuple[Group, ...]
    caveats: tuple[Group, ...]
    other: tuple[Group, ...]
    scenarios: tuple[ScenarioChange, ...]
    changes: ChangeCounts = ChangeCounts()
    top3_examples: tuple[Example, ...] = ()   # the first few situations whose top 3 changed


# ---------------------------------------------------------------- the coverage model

class InstrumentCount(Model):
    id: str
    name: str
    first: int          # situations where it is recommended first
    top3: int           # ... in the top 3
    recommended: int    # ... recommended at all


class GoalCount(Model):
    goal: str
    label: str
    situations: int     # situations stating this goal
    unmet: int          # ... where advice.unmet_goals names it


class RuleInfo(Model):
    id: str
    kind: str
    title: str


class Coverage(Model):
    kb_version: str
    reference_date: dt.date
    situations: int
    instruments: tuple[InstrumentCount, ...]     # in the order of Table 1
    never_recommended: tuple[str, ...]           # instrument ids
    silent_rules: tuple[RuleInfo, ...]           # rules that fire in no situation
    goals: tuple[GoalCount, ...]


# ---------------------------------------------------------------- rendering

LIMIT = 25          # groups shown per section in text and Markdown (JSON has them all)
CHANGE = {"added": "toegevoegd", "removed": "verwijderd", "changed": "gewijzigd"}
SECTIONS = (("top3", "Top 3 veranderd"), ("recommended", "Instrumenten erbij of eraf (aanbevolen)"),
            ("caveats", "Kanttekeningen erbij, eraf of anders"), ("other", "Overige verschillen in het advies"))
ITEMS = (("rules", "Regels", "regel"), ("instruments", "Instrumenten", "instrument"),
         ("thresholds", "Drempels", "drempel"))


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _name(f: FieldChange) -> str:
    return f.label or f.field


def _fields(item: ItemChange, marker: str) -> str:
    """'punten: 40 → 5; tekst: anders verwoord' (values shown, prose said to follow in full)."""
    parts = []
    for f in item.fields:
        if is_wording(f.old, f.new):
            parts.append(f"{_name(f)}: anders verwoord{marker}")
            continue
        old, new = _value(f.old), _value(f.new)
        parts.append(f"{_name(f)}: {old} → {new}" if len(old) + len(new) <= 140 and "\n" not in old + new
                     else f"{_name(f)}: anders{marker}")
    return "; ".join(parts)


def _long(item: ItemChange) -> list[FieldChange]:
    return [f for f in item.fields if is_wording(f.old, f.new) or len(_value(f.old)) + len(_value(f.new)) > 140
            or "\n" in _value(f.old) + _value(f.new)]


def _plural(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _summary(diff: Diff) -> str:
    scenarios = _plural(diff.scenario_count, "scenario", "scenario’s")
    head = (f"KB-versie {diff.old.kb_version} → {diff.new.kb_version}; "
            f"{_plural(diff.situations, 'situatie', 'situaties')} uit het raster (peildatum "
            f"{diff.reference_date.isoformat()}) en {scenarios}")
    if not diff.advice_changed:
        return head + ": geen advies veranderd."
    c = diff.changes
    parts = [f"{c.top3} met een andere top 3", f"{c.scores} met andere scores maar dezelfde top 3",
             f"{c.wording} alleen anders verwoord", f"{c.other} met kanttekeningen of aanbevelingen erbij of eraf "
                                                    "buiten de top 3"]
    return head + f": {diff.changed_situations} met een ander advies, waarvan " + ", ".join(parts) + "."


def _example(example: Example) -> str:
    where = f"scenario “{example.scenario}”: " if example.scenario else ""
    if example.before == example.after:   # a caveat changed, the ranking did not
        return where + example.situation
    return (f"{where}{example.situation} — top 3: {', '.join(example.before) or '—'} → "
            f"{', '.join(example.after) or '—'}")


def _groups(groups: Iterable[Group]) -> tuple[list[Group], int]:
    groups = list(groups)
    return groups[:LIMIT], max(0, len(groups) - LIMIT)


def _scenario_line(s: ScenarioChange) -> str:
    top = f"top 3 {', '.join(s.top3_before) or '—'} → {', '.join(s.top3_after) or '—'}"
    if s.before == "absent":
        top = f"slaagt, top 3 {', '.join(s.top3_after) or '—'}" if s.after == "pass" else \
            f"faalt, top 3 {', '.join(s.top3_after) or '—'}"
    elif s.after == "absent":
        top = f"{'slaagde' if s.before == 'pass' else 'faalde'}, top 3 was {', '.join(s.top3_before) or '—'}"
    return f"{s.name}: {s.status}; {top}"


def _texts(group: Group) -> list[tuple[str, str]]:
    out = []
    if group.old_text is not None:
        out.append(("oud", group.old_text))
    if group.new_text is not None:
        out.append(("nieuw", group.new_text))
    return out


# ---------------------------------------------------------------- diff as text

def diff_text(diff: Diff) -> str:
    out = [f"advisor diff: {diff.old.label} → {diff.new.label}", _summary(diff)]
    if diff.top3_examples:
        out += ["", "Andere top 3, bijvoorbeeld:"] + [f"  {_example(e)}" for e in diff.top3_examples]
    if diff.files:
        out += ["", "Bestanden"] + [f"  {CHANGE[f.change]:11} {f.path}" for f in diff.files]
    for key, title, _ in ITEMS:
        items = getattr(diff, key)
        if items:
            out += ["", f"{title} ({len(items)})"]
            for item in items:
                where = ", ".join(filter(None, [item.kind, item.location]))
                line = f"  {CHANGE[item.change]:11} {item.id}" + (f" ({where})" if where else "")
                out.append(line + (f": {_fields(item, ' (hieronder)')}" if item.fields else f" — {item.title}"))
                for f in _long(item):
                    out += [f"      {_name(f)}, oud:   {_value(f.old)}", f"      {_name(f)}, nieuw: {_value(f.new)}"]
    for key, title in SECTIONS:
        shown, more = _groups(getattr(diff, key))
        if shown:
            out += ["", title]
            for group in shown:
                out.append(f"  {_plural(group.count, 'situatie', 'situaties')}: {group.description}")
                out += [f"      {label + ':':6} {text}" for label, text in _texts(group)]
                out += [f"      bv. {_example(e)}" for e in group.examples]
            if more:
                out.append(f"  … en {more} andere (zie --format json)")
    if diff.scenarios:
        out += ["", f"Scenario's met een andere uitkomst ({len(diff.scenarios)})"]
        for s in diff.scenarios:
            out.append(f"  {_scenario_line(s)}")
            out += [f"      - {f}" for f in s.failures]
    if not diff.advice_changed and (diff.rules or diff.instruments or diff.thresholds):
        out += ["", "Geen advies veranderd: de wijzigingen hierboven raken geen advies in het raster of de scenario's."]
    return "\n".join(out)


# ---------------------------------------------------------------- diff as Markdown

def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


def _side_by_side(old: str, new: str, indent: str = "") -> list[str]:
    """Old and new wording in full, and the new one with the words that went (~~…~~) and came (**…**)."""
    return [f"{indent}- **oud:** {_cell(old)}", f"{indent}- **nieuw:** {_cell(new)}",
            f"{indent}- **verschil:** {_cell(word_diff(old, new))}"]


def diff_markdown(diff: Diff) -> str:
    out = [f"## advisor diff: {_code(diff.old.label)} → {_code(diff.new.label)}", "", _summary(diff)]
    if diff.top3_examples:
        out += ["", "Andere top 3, bijvoorbeeld:", ""] + [f"- {_cell(_example(e))}" for e in diff.top3_examples]
    if diff.files:
        out += ["", "### Bestanden", ""] + [f"- {CHANGE[f.change]}: {_code(f.path)}" for f in diff.files]
    for key, title, noun in ITEMS:
        items = getattr(diff, key)
        if items:
            out += ["", f"### {title} ({len(items)})", "", f"| {noun} | wijziging | soort | plaats | velden |",
                    "|---|---|---|---|---|"]
            out += [f"| {_code(i.id)} | {CHANGE[i.change]} | {_cell(i.kind or '')} | {_cell(i.location or '')} | "
                    f"{_cell(_fields(i, ' ↓') if i.fields else i.title)} |" for i in items]
            for item in items:
                for f in _long(item):
                    out += ["", f"#### {_code(item.id)}: {_name(f)}", ""]
                    out += _side_by_side(_value(f.old), _value(f.new)) if is_wording(f.old, f.new) else \
                        [f"- **oud:** {_code(_value(f.old))}", f"- **nieuw:** {_code(_value(f.new))}"]
    for key, title in SECTIONS:
        shown, more = _groups(getattr(diff, key))
        if shown:
            out += ["", f"### {title}", ""]
            for group in shown:
                out.append(f"- **{_plural(group.count, 'situatie', 'situaties')}:** {_cell(group.description)}")
                if group.old_text is not None and group.new_text is not None:
                    out += _side_by_side(group.old_text, group.new_text, "  ")
                else:
                    out += [f"  - **{label}:** {_cell(text)}" for label, text in _texts(group)]
                out += [f"  - bv. {_cell(_example(e))}" for e in group.examples]
            if more:
                out.append(f"- … en {more} andere (zie `--format json`)")
    if diff.scenarios:
        out += ["", f"### Scenario's met een andere uitkomst ({len(diff.scenarios)})", "",
                "| scenario | uitkomst | top 3 voor | top 3 na | bevindingen |", "|---|---|---|---|---|"]
        out += [f"| {_cell(s.name)} | {_cell(s.status)} | {_cell(', '.join(s.top3_before))} | "
                f"{_cell(', '.join(s.top3_after))} | {_cell('; '.join(s.failures))} |" for s in diff.scenarios]
    if not diff.advice_changed:
        out += ["", "**Geen advies veranderd.**"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- coverage

def _coverage_head(coverage: Coverage) -> str:
    return (f"Dekking over {coverage.situations} situaties (peildatum {coverage.reference_date.isoformat()}), "
            f"KB-versie {coverage.kb_version}")


def _unmet(coverage: Coverage) -> list[GoalCount]:
    return [g for g in coverage.goals if g.unmet]


def coverage_text(coverage: Coverage) -> str:
    width = max(len(i.name) for i in coverage.instruments)
    out = [_coverage_head(coverage), "", f"{'instrument':{width}}  eerste  top 3  aanbevolen"]
    out += [f"{i.name:{width}}  {i.first:6}  {i.top3:5}  {i.recommended:10}" for i in coverage.instruments]
    names = {i.id: i.name for i in coverage.instruments}
    never = ", ".join(names[i] for i in coverage.never_recommended)
    out += ["", "Nooit aanbevolen: " + (never or "geen; elk instrument wordt ergens aanbevolen")]
    out += ["", f"Regels die nooit vuren ({len(coverage.silent_rules)})" + ("" if coverage.silent_rules else ": geen")]
    out += [f"  {r.id} ({r.kind}) — {r.title}" for r in coverage.silent_rules]
    unmet = _unmet(coverage)
    out += ["", "Doelen zonder aanbeveling" + ("" if unmet else ": geen; elk doel krijgt altijd een aanbeveling")]
    out += [f"  {g.goal} ({g.label}): in {g.unmet} van {g.situations} situaties" for g in unmet]
    return "\n".join(out)


def coverage_markdown(coverage: Coverage) -> str:
    out = [f"## {_coverage_head(coverage)}", "", "| instrument | eerste | top 3 | aanbevolen |", "|---|--:|--:|--:|"]
    out += [f"| {_cell(i.name)} | {i.first} | {i.top3} | {i.recommended} |" for i in coverage.instruments]
    names = {i.id: i.name for i in coverage.instruments}
    out += ["", "### Nooit aanbevolen", ""]
    out += [f"- {_cell(names[i])} ({_code(i)})" for i in coverage.never_recommended] or \
        ["Geen: elk instrument wordt ergens aanbevolen."]
    out += ["", f"### Regels die nooit vuren ({len(coverage.silent_rules)})", ""]
    out += [f"- {_code(r.id)} ({r.kind}): {_cell(r.title)}" for r in coverage.silent_rules] or ["Geen."]
    out += ["", "### Doelen zonder aanbeveling", ""]
    unmet = _unmet(coverage)
    if unmet:
        out += ["| doel | situaties met dit doel | zonder aanbeveling |", "|---|--:|--:|"]
        out += [f"| {_cell(g.label)} ({_code(g.goal)}) | {g.situations} | {g.unmet} |" for g in unmet]
    else:
        out.append("Geen: elk doel krijgt in elke situatie een aanbeveling.")
    return "\n".join(out) + "\n"


TOP1_COLOUR, TOP3_COLOUR, TEXT_COLOUR = "#1d4f91", "#a14f00", "#1a1a1a"   # ≥ 4.5:1 against white


def coverage_svg(coverage: Coverage, ident: str = "dekking") -> str:
    """A horizontal bar chart of the top-1 and top-3 counts per instrument (no JavaScript; the
    numbers are text labels, and <desc> says them all for screen readers). `ident` prefixes the ids."""
    label_w = 20 + 8 * max([len(i.name) for i in coverage.instruments] + [10])   # ~8 px a character at 13 px
    bar_w, row_h, top = 360, 34, 58
    width, height = label_w + bar_w + 70, top + row_h * len(coverage.instruments) + 10
    scale = bar_w / max([i.top3 for i in coverage.instruments] + [1])
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "role": "img", "width": str(width),
                             "height": str(height), "viewBox": f"0 0 {width} {height}",
                             "aria-labelledby": f"{ident}-titel {ident}-beschrijving",
                             "font-family": "sans-serif", "font-size": "13", "fill": TEXT_COLOUR})
    ET.SubElement(svg, "title", {"id": f"{ident}-titel"}).text = \
        f"Hoe vaak elk instrument als eerste en in de top 3 wordt aanbevolen ({coverage.situations} situaties)"
    ET.SubElement(svg, "desc", {"id": f"{ident}-beschrijving"}).text = "; ".join(
        f"{i.name}: {i.first} keer eerste, {i.top3} keer in de top 3" for i in coverage.instruments) + "."
    for n, (colour, words) in enumerate(((TOP1_COLOUR, "als eerste"), (TOP3_COLOUR, "in de top 3"))):
        x = label_w + n * 150
        ET.SubElement(svg, "rect", {"x": str(x), "y": "14", "width": "14", "height": "14", "fill": colour})
        ET.SubElement(svg, "text", {"x": str(x + 20), "y": "26"}).text = words
    for n, item in enumerate(coverage.instruments):
        y = top + n * row_h
        row = ET.SubElement(svg, "g")
        ET.SubElement(row, "text", {"x": str(label_w - 8), "y": str(y + 17), "text-anchor": "end"}).text = item.name
        for k, (count, colour) in enumerate(((item.first, TOP1_COLOUR), (item.top3, TOP3_COLOUR))):
            bar_y = y + 3 + k * 13
            length = round(count * scale, 1)
            ET.SubElement(row, "rect", {"x": str(label_w), "y": str(bar_y), "width": str(length), "height": "11",
                                        "fill": colour})
            ET.SubElement(row, "text", {"x": str(label_w + length + 5), "y": str(bar_y + 10),
                                        "font-size": "11"}).text = str(count)
    return ET.tostring(svg, encoding="unicode")
