"""The OpenAPI document (openapi.py): generated from the models, one schema per model, every reference resolved."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from advisor.openapi import REF, SchemaConflict, body_schema, document


def refs(value):
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"]
        for item in value.values():
            yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


def test_one_schema_per_model_with_a_title_of_its_own(client):
    doc = client.get("/api/v1/openapi.json").json()
    components = doc["components"]["schemas"]
    titles = [schema.get("title", name) for name, schema in components.items()]
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
    assert not [name for name in components if name.endswith(("-Input", "-Output"))]
    # the request bodies the API reads itself are the same components as in the responses
    advice = doc["paths"]["/api/v1/advice"]["post"]
    assert advice["requestBody"]["content"]["application/json"]["schema"] == {"$ref": REF.format(model="Situation")}
    assert components["Advice"]["properties"]["situation"] == {"$ref": REF.format(model="Situation")}
    batch = doc["paths"]["/api/v1/advice/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch == {"$ref": REF.format(model="BatchRequest")}
    assert components["BatchRequest"]["properties"]["situations"]["items"] == {"$ref": REF.format(model="Situation")}
    # free text carries its rule in the contract, from the model's own marker (models.Treatment)
    town = components["Situation"]["properties"]["municipality"]
    assert [b["pattern"] for b in town["anyOf"] if b.get("type") == "string"] == [
        "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"]
    # every reference resolves, and nothing unreferenced is published (no HTTPValidationError: 400 here)
    names = {ref.rsplit("/", 1)[-1] for ref in refs(doc)}
    assert names == set(components) and "HTTPValidationError" not in components


def test_operation_ids_are_the_handler_names(client):
    doc = client.get("/api/v1/openapi.json").json()
    ids = sorted(op["operationId"] for item in doc["paths"].values() for op in item.values())
    assert ids == ["advice", "advice_batch", "article", "articles", "health", "instrument", "instruments", "ping",
                   "questions", "rule", "rules", "thresholds"]


def _app(response_model: type[BaseModel]) -> FastAPI:
    router = APIRouter(prefix="/v1")

    @router.post("/thing", response_model=response_model, openapi_extra=body_schema(response_model, {}))
    def thing() -> None:  # pragma: no cover - only documented
        return None

    app = FastAPI()
    app.include_router(router)
    return app


def _thing(kind: type) -> type[BaseModel]:
    class Thing(BaseModel):
        name: kind   # type: ignore[valid-type]
    return Thing


def test_a_request_model_that_differs_from_the_response_model_of_its_name_is_refused():
    Thing, Other = _thing(str), _thing(int)   # two models, one name
    doc = document(_app(Thing), "/v1", [Thing])
    assert doc["components"]["schemas"]["Thing"]["properties"]["name"]["type"] == "string"
    with pytest.raises(SchemaConflict, match="'Thing'"):
        document(_app(Thing), "/v1", [Other])
