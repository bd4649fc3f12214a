"""The rule kinds' one table (kb/kinds.py) agrees with the models, and everything that shows or explains a
rule reads it: a kind added there and in rule_models is shown, documented and explained without more lists."""

from __future__ import annotations

from typing import get_args

from advisor.engine.explanations import ExplanationTable
from advisor.kb.articles import GROUPS
from advisor.kb.kinds import CITED_GROUPS, KIND_INTROS, KIND_TITLES, KINDS
from advisor.kb.rule_models import Rule, RuleKind
from advisor.serve.schemas import RULE_OUT


def test_the_table_and_the_models_name_the_same_kinds():
    union = get_args(get_args(Rule)[0])   # Annotated[Union[...], discriminator]
    assert set(KINDS) == set(get_args(RuleKind)) == {get_args(m.model_fields["kind"].annotation)[0] for m in union}
    assert all(spec.model in union and spec.kind == kind for kind, spec in KINDS.items())


def test_every_reader_of_kinds_follows_the_table(advisor):
    assert list(KIND_TITLES) == list(KIND_INTROS) == list(KINDS)
    assert set(CITED_GROUPS) == set(KINDS) | {"general"} and GROUPS == tuple(CITED_GROUPS)
    assert set(RULE_OUT) == set(KINDS)
    for kind, model in RULE_OUT.items():
        assert model.__name__ == f"{KINDS[kind].model.__name__}Out" and issubclass(model, KINDS[kind].model)
    table: ExplanationTable = advisor.explainer.table
    assert {spec.explains for spec in KINDS.values()} - {None} == set(table.builders)


def test_the_api_lists_each_rule_with_the_model_of_its_kind(client, advisor):
    rules = client.get("/api/v1/rules").json()["rules"]
    assert {r["kind"] for r in rules} == set(KINDS)
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {f"{spec.model.__name__}Out" for spec in KINDS.values()} <= set(schema)
