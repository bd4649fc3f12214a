"""The only YAML reader: safe, strict about duplicate keys, and keeping line numbers.

Every problem becomes a `Problem(file, line, message)` so that a maintainer sees
`rules/tender.yaml:42: ...` and never a traceback.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Optional, get_args, get_origin

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Location = tuple  # a location inside a document: its keys and list indexes from the top


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Document:
    """A parsed YAML file with the line of every key and list item."""

    file: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line(self, path: Iterable[Any]) -> int:
        """Line of the deepest part of `path` that exists in the file."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Iterable[Any], message: str) -> Problem:
        return Problem(self.file, self.line(path), message)


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def display_path(path: Path) -> str:
    """Paths relative to the working directory when they lie under it, as editors expect."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def read_yaml(path: Path) -> Document:
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise YamlError(Problem(name, 1, f"file is not UTF-8 text ({err.reason})")) from None
    except OSError as err:   # a directory named like a YAML file, no permission, a file gone meanwhile
        raise YamlError(Problem(name, 1, f"cannot read: {err.strerror or err}")) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Document:
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        what = err.problem or err.context or "invalid YAML"
        raise YamlError(Problem(name, line, f"YAML syntax error: {what}")) from None
    except yaml.YAMLError as err:
        raise YamlError(Problem(name, 1, f"YAML error: {err}")) from None
    doc = Document(name, None, {(): 1})
    if node is None:
        return doc
    constructor = yaml.constructor.SafeConstructor()
    doc.data = _build(node, (), doc, constructor, (text, set()))
    return doc


def _alias_line(text: str, node: yaml.Node) -> int:
    """The line of the first alias (`*name`) in `text`, found again only on this error path."""
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line + 1
    return node.start_mark.line + 1


def _build(node: yaml.Node, path: Location, doc: Document, constructor: yaml.constructor.SafeConstructor,
           seen: tuple[str, set[int]]) -> Any:
    # An alias is the same node met twice. Refused: the KB never needs one, and nested aliases expand
    # exponentially (a 393-byte "billion laughs" file took 19 s and 2.4 GiB to build).
    text, nodes = seen
    if id(node) in nodes:
        raise YamlError(Problem(doc.file, _alias_line(text, node),
                                "aliases ('*name') are not supported in the KB: write the value out"))
    nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(Problem(doc.file, key_node.start_mark.line + 1, "a key must be a plain value"))
            # Keys are names: YAML 1.1 would read a plain `on:`, `yes:` or `1:` as a boolean or number.
            key = key_node.value if not key_node.style and key_node.tag != "tag:yaml.org,2002:merge" \
                else constructor.construct_object(key_node)
            if key == "<<":
                raise YamlError(Problem(doc.file, key_node.start_mark.line + 1,
                                        "merge keys ('<<') are not supported: write the fields out"))
            if key in result:
                first = doc.lines[path + (key,)]
                raise YamlError(Problem(doc.file, key_node.start_mark.line + 1,
                                        f"duplicate key '{key}' (first defined on line {first})"))
            doc.lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, path + (key,), doc, constructor, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.lines[path + (index,)] = item.start_mark.line + 1
            items.append(_build(item, path + (index,), doc, constructor, seen))
        return items
    try:
        return constructor.construct_object(node)
    except yaml.YAMLError as err:
        raise YamlError(Problem(doc.file, node.start_mark.line + 1, f"invalid value: {err}")) from None


# ---------------------------------------------------------------- validation into models

def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _model_at(model: type[BaseModel] | TypeAdapter[Any], loc: tuple) -> Optional[type[BaseModel]]:
    """The model class that owns the last key of `loc` (for listing its allowed fields)."""
    current: Any = model
    for part in loc[:-1]:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _loc_text(loc: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")


def describe_error(model: type[BaseModel] | TypeAdapter[Any], error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    where = _loc_text(loc)
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        hint = did_you_mean(loc[-1], owner.model_fields) if owner else ""
        return f"field '{loc[-1]}' is not allowed here{hint}"
    if kind == "missing":
        return f"missing required field '{where}'"
    if kind in ("literal_error", "enum"):
        expected = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        return (f"'{where}': unknown value '{error.get('input')}'{did_you_mean(error.get('input'), expected)};"
                f" expected one of: {', '.join(expected)}")
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"'{where}': {message}" if where else message


class TaggedUnion:
    """A discriminated union of models (`Annotated[Union[A, B], Field(discriminator="kind")]`): its tag
    key and the member model of each tag, so that errors name the member's own fields and lines."""

    def __init__(self, key: str, members: dict[Any, type[BaseModel]], annotation: Any):
        self.key, self.members = key, members
        self.adapter = TypeAdapter(annotation)

    @classmethod
    def of(cls, annotation: Any) -> Optional["TaggedUnion"]:
        if get_origin(annotation) is not Annotated:
            return None
        union, *metadata = get_args(annotation)
        key = next((m.discriminator for m in metadata if isinstance(m, FieldInfo) and m.discriminator), None)
        if not isinstance(key, str):
            return None
        members = {tag: member for member in get_args(union)
                   for tag in get_args(member.model_fields[key].annotation)}
        return cls(key, members, annotation)

    def owners(self, name: str) -> list[Any]:
        """The tags whose member allows the field `name`."""
        return [tag for tag, member in self.members.items() if name in member.model_fields]

    def describe(self, error: Mapping[str, Any]) -> tuple[tuple, str]:
        """(location, message) of one error, the location without the tag pydantic puts first."""
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "union_tag_not_found":
            return (), f"missing required field '{self.key}'"
        if kind == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag")
            expected = [str(t) for t in self.members]
            return (self.key,), (f"'{self.key}': unknown value '{tag}'{did_you_mean(tag, expected)}; "
                                 f"expected one of: {', '.join(expected)}")
        if not loc or loc[0] not in self.members:
            return loc, describe_error(self.adapter, error)
        tag, loc = loc[0], loc[1:]
        error = {**error, "loc": loc}
        if kind == "extra_forbidden" and len(loc) == 1 and self.owners(loc[0]):
            only = " or ".join(f"'{t}'" for t in self.owners(loc[0]))
            return loc, f"field '{loc[0]}' is not allowed when {self.key} is '{tag}' (only when it is {only})"
        return loc, describe_error(self.members[tag], error)


_UNIONS: dict[int, Optional[TaggedUnion]] = {}


def validate(model: Any, data: Any, doc: Document, path: Location, label: str = ""
             ) -> tuple[Any, list[Problem]]:
    """Validate `data` (found at `path` in `doc`) as `model` (a model class, or a discriminated union of
    them); return (instance or None, problems)."""
    if id(model) not in _UNIONS:
        _UNIONS[id(model)] = TaggedUnion.of(model)
    union = _UNIONS[id(model)]
    try:
        return (union.adapter.validate_python(data) if union else model.model_validate(data)), []
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc, message = union.describe(error) if union else (tuple(error["loc"]), describe_error(model, error))
            problems.append(doc.problem(path + loc, f"{label}{message}"))
        return None, problems
