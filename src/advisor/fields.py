"""What conditions may talk about: the fields of the situation and of an instrument, with types."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass
from typing import Any, Literal, Optional, Union, get_args, get_origin

from pydantic import BaseModel

from .conditions import LIST_OPS, NUMBER_OPS, SCALAR_OPS


@dataclass(frozen=True)
class FieldSpec:
    name: str
    shape: str                      # list | scalar | number | bool | date | text | any
    allowed: Optional[tuple] = None  # closed vocabulary, if any

    @property
    def ops(self) -> set[str]:
        if self.shape == "list":
            return LIST_OPS
        if self.shape in ("number", "date"):
            return NUMBER_OPS | {"in", "not_in", "not_equals"}
        if self.shape == "bool":
            return {"equals", "not_equals", "exists"}
        if self.shape == "any":
            return SCALAR_OPS | NUMBER_OPS
        return SCALAR_OPS


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _spec(name: str, annotation: Any) -> Optional[FieldSpec]:
    annotation = _strip_optional(annotation)
    origin = get_origin(annotation)
    if origin is Literal:
        return FieldSpec(name, "scalar", get_args(annotation))
    if origin is tuple:
        inner = get_args(annotation)[0]
        return FieldSpec(name, "list", get_args(inner) if get_origin(inner) is Literal else None)
    if annotation is bool:
        return FieldSpec(name, "bool")
    if annotation in (int, float):
        return FieldSpec(name, "number")
    if annotation is dt.date:
        return FieldSpec(name, "date")
    if annotation is str:
        return FieldSpec(name, "text")
    return None


def model_fields(model: type[BaseModel], prefix: str = "", skip: tuple = ()) -> dict[str, FieldSpec]:
    specs: dict[str, FieldSpec] = {}
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        annotation = _strip_optional(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            specs.update(model_fields(annotation, f"{prefix}{name}."))
            continue
        spec = _spec(prefix + name, annotation)
        if spec is not None:
            specs[spec.name] = spec
    return specs
