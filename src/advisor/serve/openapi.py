"""The OpenAPI document of the JSON API, generated from the models: FastAPI describes the operations and
the response models; the models the API reads by hand (request bodies, validated strictly with its own
limits) are added by pydantic in validation mode, and further output models (the problem document) in
serialization mode, normalised the way FastAPI normalises its own schemas.

Input and output schemas are separate where they differ: a request schema carries no `default` (a
generator such as openapi-typescript makes a property with a default required, though the API treats
every situation field as optional), and is published as `<Model>Input` when the response schema of that
model (`Situation` inside an `Advice`) differs from it. Every property and schema gets a Dutch
description (apidocs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Optional

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.models import OpenAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

REF = "#/components/schemas/{model}"


class SchemaConflict(RuntimeError):
    """Two different schemas would be published under one name (a client generator rejects that)."""


def body_schema(model: type[BaseModel], examples: dict[str, Any]) -> dict:
    """The `requestBody` of an operation whose body the API reads itself (FastAPI's `openapi_extra`):
    a reference to the model's component (added by `document`), with named examples."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": REF.format(model=model.__name__)},
        "examples": {name: {"summary": name.replace("_", " "), "value": value} for name, value in examples.items()},
    }}}}


def _normalised(schemas: dict[str, Any]) -> dict[str, Any]:
    """Component schemas as FastAPI publishes its own: through its OpenAPI model, without null values."""
    doc = OpenAPI.model_validate({"openapi": "3.1.0", "info": {"title": "-", "version": "-"},
                                  "components": {"schemas": schemas}})
    return jsonable_encoder(doc, by_alias=True, exclude_none=True)["components"]["schemas"]


def _refs(value: Any) -> Iterator[str]:
    """Every component name referenced (`$ref`) anywhere inside `value`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                yield ref.rsplit("/", 1)[-1]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _reachable(paths: dict, components: dict) -> set[str]:
    seen: set[str] = set()
    todo = list(_refs(paths))
    while todo:
        name = todo.pop()
        if name not in seen and name in components:
            seen.add(name)
            todo.extend(_refs(components[name]))
    return seen


def _drop_defaults(schema: dict) -> None:
    """Remove `default` from the properties of an input schema (see the module's docstring)."""
    for value in schema.get("properties", {}).values():
        value.pop("default", None)


def _rename_refs(value: Any, names: dict[str, str]) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[-1] in names:
                item["$ref"] = REF.format(model=names[ref.rsplit("/", 1)[-1]])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def document(app: FastAPI, prefix: str, inputs: Sequence[type[BaseModel]], outputs: Sequence[type[BaseModel]] = (),
             drop_responses: Iterable[str] = ("422",),
             describe: Optional[Callable[[dict], Any]] = None) -> dict:
    """The OpenAPI document of the operations under `prefix`, with `inputs` (request bodies the API reads by
    hand, so unknown to FastAPI) and `outputs` (further response models) as components. Raises
    SchemaConflict when an output model's schema differs from the one FastAPI published under its name.
    `describe(doc)` may fill in descriptions (apidocs.describe)."""
    doc = get_openapi(title=app.title, version=app.version, openapi_version=app.openapi_version,
                      description=app.description, routes=app.routes)
    doc["paths"] = {path: item for path, item in doc.get("paths", {}).items() if path.startswith(prefix)}
    for item in doc["paths"].values():
        for operation in item.values():
            for status in drop_responses:
                operation.get("responses", {}).pop(status, None)
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    if outputs:
        _, definitions = models_json_schema([(model, "serialization") for model in outputs], ref_template=REF)
        for name, schema in _normalised(definitions.get("$defs", {})).items():
            if name in components and components[name] != schema:
                raise SchemaConflict(f"two different schemas would be published as '{name}'; give one model "
                                     "another name")
            components[name] = schema
    if inputs:
        _, definitions = models_json_schema([(model, "validation") for model in inputs], ref_template=REF)
        read = _normalised(definitions.get("$defs", {}))
        for schema in read.values():
            _drop_defaults(schema)
        names = {name: f"{name}Input" if name in components and components[name] != schema else name
                 for name, schema in read.items()}
        for name, schema in read.items():
            _rename_refs(schema, names)
            if names[name] != name and schema.get("title") == name:
                schema["title"] = names[name]   # generators name classes after the title
        for item in doc["paths"].values():
            for operation in item.values():
                if "requestBody" in operation:
                    _rename_refs(operation["requestBody"], names)
        components.update({names[name]: schema for name, schema in read.items()})
    keep = _reachable(doc["paths"], components)
    doc["components"]["schemas"] = {name: schema for name, schema in components.items() if name in keep}
    if describe is not None:
        describe(doc)
    return doc
