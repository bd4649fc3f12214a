"""What conditions may talk about: the fields of the situation and of an instrument, with their shape,
vocabulary and treatment (money, free text: models.Treatment)."""

from __future__ import annotations

import datetime as dt
import types
from dataclasses import dataclass, replace
from typing import Any, Literal, Optional, Union, get_args, get_origin

from pydantic import BaseModel

from .models import Situation, Treatment
from .operators import operators_for


@dataclass(frozen=True)
class FieldSpec:
    name: str
    shape: str                      # list | scalar | number | bool | date | text | any
    allowed: Optional[tuple] = None  # closed vocabulary, if any
    money: bool = False              # an amount in euros (models.Treatment)
    free_text: bool = False          # typed by the user: caseless, quoted as written (models.Treatment)

    @property
    def ops(self) -> frozenset[str]:
        """The operators a condition may use on this field (operators.py says which shapes each fits)."""
        return operators_for(self.shape)


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
            for mark in info.metadata:
                if isinstance(mark, Treatment):
                    spec = replace(spec, money=spec.money or mark.money, free_text=spec.free_text or mark.free_text)
            specs[spec.name] = spec
    return specs


SITUATION_FIELDS = model_fields(Situation)
MONEY_FIELDS = frozenset(name for name, spec in SITUATION_FIELDS.items() if spec.money)
FREE_TEXT_FIELDS = tuple(name for name, spec in SITUATION_FIELDS.items() if spec.free_text)
