"""The OpenAPI document (openapi.py): generated from the models, one schema per model, every reference resolved."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from advisor.serve.openapi import REF, SchemaConflict, body_schema, document


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
    # the situation read is its own schema, without defaults: every field stays optional in generated TypeScript
    for path in ("/api/v1/advice", "/api/v1/advice/compact"):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": REF.format(model="SituationInput")}
    read = components["SituationInput"]
    assert "required" not in read and not [name for name, p in read["properties"].items() if "default" in p]
    assert set(read["properties"]) == set(components["Situation"]["properties"])
    assert components["Advice"]["properties"]["situation"]["$ref"] == REF.format(model="Situation")
    assert components["Situation"]["properties"]["themes"]["default"] == []   # the answer always has them
    batch = doc["paths"]["/api/v1/advice/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch == {"$ref": REF.format(model="BatchRequest")}
    assert components["BatchRequest"]["properties"]["situations"]["items"] == {"$ref": REF.format(model="SituationInput")}
    # free text carries its rule in the contract, from the model's own marker (models.Treatment)
    for name in ("Situation", "SituationInput"):
        town = components[name]["properties"]["municipality"]
        assert [b["pattern"] for b in town["anyOf"] if b.get("type") == "string"] == [
            "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"]
    # every reference resolves, and nothing unreferenced is published (no HTTPValidationError: 400 here)
    names = {ref.rsplit("/", 1)[-1] for ref in refs(doc)}
    assert names == set(components) and "HTTPValidationError" not in components


def test_operation_ids_are_the_handler_names(client):
    doc = client.get("/api/v1/openapi.json").json()
    ids = sorted(op["operationId"] for item in doc["paths"].values() for op in item.values())
    assert ids == ["advice", "advice_batch", "advice_batch_compact", "advice_compact", "article", "articles", "health",
                   "instrument", "instruments", "ping", "questions", "rule", "rules", "thresholds"]


def test_every_property_and_schema_has_a_dutch_description(client, service):
    from advisor.serve.apidocs import undescribed

    doc = client.get("/api/v1/openapi.json").json()
    assert undescribed(doc) == []
    components = doc["components"]["schemas"]
    # situation fields speak with the questionnaire's words (label and help)
    question = next(q for q in service.advisor.kb.questionnaire.questions if q.field == "measured_by")
    assert components["SituationInput"]["properties"]["measured_by"]["description"].startswith(question.label)
    assert components["Situation"]["properties"]["measured_by"]["description"].startswith(question.label)
    # no English docstring of a model leaks into the contract
    english = re.compile(r"\b(the|and|with|which|when|should)\b")
    texts = [s.get("description", "") for s in components.values()] + [
        p["description"] for s in components.values() for p in s.get("properties", {}).values()]
    assert not [t for t in texts if english.search(t)]


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


def test_a_request_model_gets_its_own_schema_without_defaults_where_it_differs():
    class Thing(BaseModel):
        name: str = "x"

    doc = document(_app(Thing), "/v1", [Thing])
    components = doc["components"]["schemas"]
    assert components["Thing"]["properties"]["name"]["default"] == "x"            # the answer
    assert "default" not in components["ThingInput"]["properties"]["name"]         # the request
    body = doc["paths"]["/v1/thing"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": REF.format(model="ThingInput")}
    Plain = _thing(str)   # nothing to drop: one schema serves both
    assert set(document(_app(Plain), "/v1", [Plain])["components"]["schemas"]) == {"Thing"}


def test_an_output_model_that_differs_from_the_response_model_of_its_name_is_refused():
    Thing, Other = _thing(str), _thing(int)   # two models, one name
    with pytest.raises(SchemaConflict, match="'Thing'"):
        document(_app(Thing), "/v1", [], [Other])
