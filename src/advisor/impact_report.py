"""What the reports of `advisor diff` and `advisor coverage` hold (frozen pydantic models, so JSON
is `model_dump_json`), and how they read: plain text, Markdown (to paste in a review) and, for
coverage, an inline SVG bar chart. Texts in Dutch. The computing is in `impact` (grid, coverage)
and `impact_diff` (compare); this module imports neither, so `impact` re-exports the coverage
renderings for the web page /regels. The SVG is built with ElementTree, so every KB text is escaped.

JSON of `advisor diff --format json` (`Diff`, `schema_version: 1`; keys in English, texts in Dutch):
  old, new            {label, kb_version, rules}: the two KBs compared
  reference_date      the date of every grid situation
  situations          situations of the grid run; scenario_count: scenarios run (of both KBs, by name)
  changed_situations  grid situations and scenarios whose advice changed
  advice_changed      true when any advice changed (exit status 1)
  files               [{path, change}]: KB files added, removed or changed (change: added|removed|changed)
  rules, instruments, thresholds
                      [{id, change, kind, title, location, fields: [{field, old, new}]}]
                      (a rule's `review` stamp is not compared)
  top3, recommended, caveats, other
                      groups of identical changes, most frequent first: [{kind, description, instrument,
                      rules, count, examples: [{situation, scenario, before, after}]}]; kind: top3 | gained |
                      lost | caveat_added | caveat_removed | caveat_changed | other; before/after: top 3 ids;
                      rules: the rule ids whose effect on the instrument differs
  scenarios           [{name, before, after, top3_before, top3_after, failures}]: scenarios whose outcome
                      (pass | fail) or top 3 changed; failures: those against the new KB

JSON of `advisor coverage --format json` (`Coverage`): kb_version, reference_date, situations;
instruments [{id, name, first, top3, recommended}] in the order of Table 1; never_recommended [ids];
silent_rules [{id, kind, title}]; goals [{goal, label, situations, unmet}].
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any, Literal, Optional
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

__all__ = ["Diff", "Coverage", "diff_text", "diff_markdown", "coverage_text", "coverage_markdown", "coverage_svg"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---------------------------------------------------------------- the diff model

class FieldChange(Model):
    field: str
    old: Any = None
    new: Any = None


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


class ScenarioChange(Model):
    name: str
    before: Literal["pass", "fail"]
    after: Literal["pass", "fail"]
    top3_before: tuple[str, ...]
    top3_after: tuple[str, ...]
    failures: tuple[str, ...]


class SideInfo(Model):
    label: str
    kb_version: str
    rules: int


class Diff(Model):
    schema_version: int = 1
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
OUTCOME = {"pass": "geslaagd", "fail": "mislukt"}
SECTIONS = (("top3", "Top 3 veranderd"), ("recommended", "Instrumenten erbij of eraf (aanbevolen)"),
            ("caveats", "Kanttekeningen erbij, eraf of anders"), ("other", "Overige verschillen in het advies"))
ITEMS = (("rules", "Regels", "regel"), ("instruments", "Instrumenten", "instrument"),
         ("thresholds", "Drempels", "drempel"))


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _fields(item: ItemChange) -> str:
    """'points: 40 → 5; rationale' (short values shown, long ones named)."""
    parts = []
    for f in item.fields:
        old, new = _value(f.old), _value(f.new)
        parts.append(f"{f.field}: {old} → {new}" if len(old) + len(new) <= 140 and "\n" not in old + new else f.field)
    return "; ".join(parts)


def _plural(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _summary(diff: Diff) -> str:
    changed = (f"{_plural(diff.changed_situations, 'situatie', 'situaties')} met een ander advies"
               if diff.advice_changed else "geen advies veranderd")
    scenarios = _plural(diff.scenario_count, "scenario", "scenario’s")
    return (f"KB-versie {diff.old.kb_version} → {diff.new.kb_version}; "
            f"{_plural(diff.situations, 'situatie', 'situaties')} uit het raster (peildatum "
            f"{diff.reference_date.isoformat()}) en {scenarios}: {changed}.")


def _example(example) -> str:
    where = f"scenario “{example.scenario}”: " if example.scenario else ""
    if example.before == example.after:   # a caveat changed, the ranking did not
        return where + example.situation
    return f"{where}{example.situation}: {', '.join(example.before) or '—'} → {', '.join(example.after) or '—'}"


def _groups(groups: Iterable[Group]) -> tuple[list[Group], int]:
    groups = list(groups)
    return groups[:LIMIT], max(0, len(groups) - LIMIT)


# ---------------------------------------------------------------- diff as text

def diff_text(diff: Diff) -> str:
    out = [f"advisor diff: {diff.old.label} → {diff.new.label}", _summary(diff)]
    if diff.files:
        out += ["", "Bestanden"] + [f"  {CHANGE[f.change]:11} {f.path}" for f in diff.files]
    for key, title, _ in ITEMS:
        items = getattr(diff, key)
        if items:
            out += ["", f"{title} ({len(items)})"]
            for item in items:
                where = ", ".join(filter(None, [item.kind, item.location]))
                line = f"  {CHANGE[item.change]:11} {item.id}" + (f" ({where})" if where else "")
                out.append(line + (f": {_fields(item)}" if item.fields else f" — {item.title}"))
    for key, title in SECTIONS:
        shown, more = _groups(getattr(diff, key))
        if shown:
            out += ["", title]
            for group in shown:
                out.append(f"  {_plural(group.count, 'situatie', 'situaties')}: {group.description}")
                out += [f"      bv. {_example(e)}" for e in group.examples]
            if more:
                out.append(f"  … en {more} andere (zie --format json)")
    if diff.scenarios:
        out += ["", f"Scenario's met een andere uitkomst ({len(diff.scenarios)})"]
        for s in diff.scenarios:
            out.append(f"  {s.name}: {OUTCOME[s.before]} → {OUTCOME[s.after]}; top 3 "
                       f"{', '.join(s.top3_before) or '—'} → {', '.join(s.top3_after) or '—'}")
            out += [f"      - {f}" for f in s.failures]
    if not diff.advice_changed and (diff.rules or diff.instruments or diff.thresholds):
        out += ["", "Geen advies veranderd: de wijzigingen hierboven raken geen advies in het raster of de scenario's."]
    return "\n".join(out)


# ---------------------------------------------------------------- diff as Markdown

def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text.replace('`', '')}`"


def diff_markdown(diff: Diff) -> str:
    out = [f"## advisor diff: {_code(diff.old.label)} → {_code(diff.new.label)}", "", _summary(diff)]
    if diff.files:
        out += ["", "### Bestanden", ""] + [f"- {CHANGE[f.change]}: {_code(f.path)}" for f in diff.files]
    for key, title, noun in ITEMS:
        items = getattr(diff, key)
        if items:
            out += ["", f"### {title} ({len(items)})", "", f"| {noun} | wijziging | soort | plaats | velden |",
                    "|---|---|---|---|---|"]
            out += [f"| {_code(i.id)} | {CHANGE[i.change]} | {_cell(i.kind or '')} | {_cell(i.location or '')} | "
                    f"{_cell(_fields(i) if i.fields else i.title)} |" for i in items]
    for key, title in SECTIONS:
        shown, more = _groups(getattr(diff, key))
        if shown:
            out += ["", f"### {title}", ""]
            for group in shown:
                out.append(f"- **{_plural(group.count, 'situatie', 'situaties')}:** {_cell(group.description)}")
                out += [f"  - {_code(_example(e))}" for e in group.examples]
            if more:
                out.append(f"- … en {more} andere (zie `--format json`)")
    if diff.scenarios:
        out += ["", f"### Scenario's met een andere uitkomst ({len(diff.scenarios)})", "",
                "| scenario | voor | na | top 3 voor | top 3 na | bevindingen |", "|---|---|---|---|---|---|"]
        out += [f"| {_cell(s.name)} | {OUTCOME[s.before]} | {OUTCOME[s.after]} | {_cell(', '.join(s.top3_before))} | "
                f"{_cell(', '.join(s.top3_after))} | {_cell('; '.join(s.failures))} |" for s in diff.scenarios]
    if not diff.advice_changed:
        out += ["", "**Geen advies veranderd.**"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- coverage

def _coverage_head(coverage: Coverage) -> str:
    return (f"Dekking over {coverage.situations} situaties (peildatum {coverage.reference_date.isoformat()}), "
            f"KB-versie {coverage.kb_version}")


def _unmet(coverage: Coverage):
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
