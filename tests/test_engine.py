"""The engine: compilation, chaining, determinism, state cleanup and thread safety."""

import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from advisor.engine.advising import rule_name
from advisor.kb.models import Situation
from advisor.kb.vocab import Goal, Level, Phase, Province, SituationTheme, values

SID_NOT_FOUND = "error code: 309"   # durable_rules' ERR_SID_NOT_FOUND (rules.h): the state is gone


def random_situations(n, seed=7):
    rng = random.Random(seed)
    for _ in range(n):
        yield Situation(
            phase=rng.choice([None, *values(Phase)]),
            goals=tuple(rng.sample(values(Goal), rng.randint(0, 3))),
            themes=tuple(rng.sample(values(SituationTheme), rng.randint(0, 2))),
            levels=tuple(rng.sample(values(Level), rng.randint(0, 2))),
            province=rng.choice([None, *values(Province)]),
            contract_type=rng.choice([None, "diensten", "werken"]),
            contracting_authority=rng.choice([None, "centraal", "decentraal"]),
            contract_value_eur=rng.choice([None, 50_000, 250_000, 6_000_000]),
            budget_opdrachtgever=rng.choice([None, "geen", "beperkt", "ruim"]),
            reference_date=rng.choice([None, "2025-05-01", "2026-05-01"]),
        )


def test_network_has_no_in_operator_and_only_situation_facts(advisor):
    text = json.dumps(advisor.compiled.definitions)
    assert '"$in"' not in text
    for body in advisor.compiled.definitions.values():
        for pattern in body["all"]:
            (alias, cond), = pattern.items()
            assert "instrument" not in json.dumps(cond)


def test_instrument_conditions_are_resolved_per_instrument(advisor):
    effects = [e for e in advisor.compiled.effects.values() if e.rule.id == "fase-past-niet"]
    covered = sorted(i for e in effects for i in e.instruments)
    everywhere = [i.id for i in advisor.kb.instruments if len(i.phases) == 3]
    assert sorted(covered + everywhere) == sorted(i.id for i in advisor.kb.instruments)


def test_forward_chaining_derives_threshold_then_position(advisor):
    advice = advisor.advise(Situation(contract_type="diensten", contracting_authority="decentraal",
                                      contract_value_eur=216000, reference_date="2026-01-01",
                                      goals=("voorbehouden_opdracht",)))
    facts = {d.name: d.value for d in advice.derived}
    assert facts == {"eu_drempel": 216000, "boven_eu_drempel": True, "onderhands_uitgesloten": True}
    order = [f.rule for f in advice.trace]
    # three links: the table gives the threshold, the value lies above it, so no onderhandse gunning
    assert order.index("eu-drempel") < order.index("boven-eu-drempel") < order.index("onderhands-uitgesloten-drempel")


def test_unknown_fields_filter_nothing(advisor):
    advice = advisor.advise(Situation())
    assert advice.recommendations == ()
    assert len(advice.not_recommended) == len(advisor.kb.instruments)
    assert not any(n.excluded for n in advice.not_recommended)


def test_advice_is_deterministic_and_ranked(advisor):
    situation = Situation(phase="uitvoering", goals=("sr_monitoren",), role="contractmanager")
    first = advisor.advise(situation)
    assert advisor.advise(situation) == first
    scores = [r.score for r in first.recommendations]
    assert scores == sorted(scores, reverse=True)
    assert [r.rank for r in first.recommendations] == list(range(1, len(scores) + 1))
    assert all(r.reasons for r in first.recommendations)


def test_state_is_removed_after_each_advice(uncached_advisor):
    advisor = uncached_advisor
    for situation in random_situations(300):
        advisor.advise(situation)
    from advisor.engine.advising import ENGINE
    last = str(next(ENGINE.sids) - 1)
    assert len(advisor.ruleset_names) > 1   # the network is split to fit the C engine's buffers
    for name in advisor.ruleset_names:
        with ENGINE.lock, pytest.raises(Exception, match=SID_NOT_FOUND):
            advisor._host.get_ruleset(name).get_facts(last)


def test_concurrent_advices_equal_sequential(uncached_advisor):
    situations = list(random_situations(32, seed=11)) * 4
    sequential = [uncached_advisor.advise(s) for s in situations]
    with ThreadPoolExecutor(max_workers=32) as pool:
        concurrent = list(pool.map(uncached_advisor.advise, situations))
    assert concurrent == sequential


def test_cache_returns_the_same_advice(advisor, uncached_advisor):
    situation = Situation(phase="uitvoering", goals=("sr_monitoren",), reference_date="2026-02-02")
    assert advisor.advise(situation) is advisor.advise(situation)
    assert advisor.advise(situation) == uncached_advisor.advise(situation)


def test_rule_name_is_read_from_the_action_message_as_json():
    assert rule_name('{"fase-past-niet#2":{"m":{"t": "s", "phase": "uitvoering"}}}') == "fase-past-niet#2"
    assert rule_name('{"a\\"b\\u00e9":{"m":{}}}') == 'a"b\u00e9'   # escapes decoded, not cut at the first quote
    assert rule_name('{"x" : {}}') == "x"
    for broken in ('["x"]', '{"x"', '{"x', '{"x\\q": 1}', '{"x", "y"}', ""):
        with pytest.raises(ValueError, match="unexpected action message"):
            rule_name(broken)


# One row of the operator table, two columns: the durable_rules pattern the compiler makes of it and the
# Python evaluation must agree. Each operator becomes a general caveat in a copy of the KB; the network
# must fire it exactly where conditions.evaluate says its `when` holds (unknown answers included).
OPERATOR_RULES = {
    "equals": {"phase": "aanbesteding"}, "not_equals": {"phase": {"not_equals": "aanbesteding"}},
    "in": {"phase": {"in": ["voorbereiding", "uitvoering"]}}, "not_in": {"phase": {"not_in": ["voorbereiding"]}},
    "contains": {"goals": {"contains": "sr_monitoren"}},
    "contains_any": {"goals": {"contains_any": ["sr_monitoren", "sr_waarderen"]}},
    "contains_all": {"goals": {"contains_all": ["sr_monitoren", "sr_waarderen"]}},
    "contains_none": {"goals": {"contains_none": ["sr_monitoren"]}},
    "within": {"goals": {"within": ["sr_monitoren", "sr_waarderen"]}},
    "not_within": {"goals": {"not_within": ["sr_monitoren", "sr_waarderen"]}},
    "gte": {"contract_value_eur": {"gte": 100000}}, "lte": {"contract_value_eur": {"lte": 100000}},
    "gt": {"contract_value_eur": {"gt": 100000}}, "lt": {"contract_value_eur": {"lt": 100000}},
    "exists": {"municipality": {"exists": True}}, "not-exists": {"banenafspraak": {"exists": False}},
    "bool": {"banenafspraak": True}, "not": {"not": {"goals": {"contains": "sr_monitoren"}}},
}


def test_every_operator_compiles_to_what_it_evaluates_to(tmp_path):
    import itertools

    from kbcopy import copy_kb

    from advisor.engine.advising import Advisor
    from advisor.kb import conditions as cnd
    from advisor.kb.knowledge import load
    from advisor.kb.operators import OPERATORS

    assert set(OPERATORS) <= set(OPERATOR_RULES)
    root = copy_kb(tmp_path)
    rules = [{"id": f"op-{name.replace('_', '-')}", "kind": "caveat", "general": True, "title": name, "when": when,
              "text": "x", "rationale": "x", "source": {"page": 1}} for name, when in OPERATOR_RULES.items()]
    (root / "rules" / "zz_operators.yaml").write_text(json.dumps(rules), encoding="utf-8")
    advisor = Advisor(load(root), cache_size=0)
    answers = itertools.product([None, "aanbesteding", "uitvoering"],
                                [(), ("sr_monitoren",), ("sr_monitoren", "sr_waarderen"), ("impact_meten",)],
                                [None, 50000, 100000, 200000], [None, True, False], [None, "Zwolle"])
    checked = 0
    for phase, goals, value, banen, town in answers:
        situation = Situation(phase=phase, goals=goals, contract_value_eur=value, banenafspraak=banen,
                              municipality=town, reference_date="2026-03-01")
        fired = {f.rule for f in advisor.advise(situation).trace}
        for rule in rules:
            holds = cnd.evaluate(cnd.parse(rule["when"]), lambda field, s=situation: getattr(s, field))
            assert (rule["id"] in fired) == (holds is True), (rule["id"], situation)
            checked += holds is True
    assert checked > 500


def _wraps_a_junction(pattern) -> bool:
    """An `$iany`/`$iall` whose operand holds an `$or`/`$and` (docs/durable-rules-102.md)."""
    if isinstance(pattern, dict):
        return any(key in ("$iany", "$iall") and any(j in json.dumps(value) for j in ('"$or"', '"$and"'))
                   or _wraps_a_junction(value) for key, value in pattern.items())
    return isinstance(pattern, list) and any(_wraps_a_junction(p) for p in pattern)


def test_no_array_test_wraps_an_or_or_and(advisor):
    # durable_rules reads an uninitialised byte there and fails the ruleset with error 102
    wrapping = [name for name, d in advisor.compiled.definitions.items() if _wraps_a_junction(d)]
    assert wrapping == []
    assert _wraps_a_junction({"m": {"$iany": {"goals": {"$or": [{"$i": "a"}, {"$i": "b"}]}}}})


def test_the_shipped_rulesets_register_on_a_heap_full_of_the_bytes_that_break_durable_rules(advisor):
    import ctypes

    import durable_rules_engine as native

    from advisor.engine.advising import SENTINELS, chunks
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    for number, names in enumerate(chunks(advisor.compiled)):
        for byte in (0x09, 0x0C):   # JSON_IDENTIFIER, JSON_EXPRESSION
            blocks = [libc.malloc(size) for size in range(1 << 10, 1 << 20, 1 << 13)]
            for block, size in zip(blocks, range(1 << 10, 1 << 20, 1 << 13)):
                ctypes.memset(block, byte, size)
            for block in blocks:
                libc.free(block)
            body = {n: advisor.compiled.definitions[n] for n in names}
            body.update(SENTINELS)
            native.create_ruleset(f"dirty_{number}_{byte}_{id(body)}", json.dumps(body, ensure_ascii=False))


def test_fresh_processes_build_the_rulesets_whatever_their_heap_held():
    # error 102 depended on the heap of a fresh process (its environment, argv): a few differently
    # laid out processes must all build every ruleset (docs/durable-rules-102.md)
    import os
    import subprocess
    import sys
    code = "from advisor.engine.advising import Advisor; Advisor.from_root(None)"
    for n in range(6):
        env = dict(os.environ, ADVISOR_STRESS_PAD="x" * (37 * n), PYTHONHASHSEED=str(n))
        run = subprocess.run([sys.executable, "-c", code, *(["pad"] * n)], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr[-500:]
