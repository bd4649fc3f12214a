"""Fit per stated need, as a property: whatever the user answers, where the KB says an instrument
does not (or only partly) meet an answer, the advice says so on that instrument, with a page, and
as a caveat when the instrument is recommended."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.kb.models import Situation
from advisor.kb.vocab import Budget, Level, MeasuredBy, Phase, Province, Role, Supplier, values

ROLE_SIDE = {"inkoper": "inkoper", "contractmanager": "contractmanager",
             "social_return_coordinator": "contractmanager", "beleidsmedewerker": "beleidsmedewerker"}
MONEY = ("€", "€€", "€€€", "€€€€")


def maybe(strategy):
    return st.none() | strategy


situations = st.builds(
    Situation,
    phase=maybe(st.sampled_from(values(Phase))),
    role=maybe(st.sampled_from(values(Role))),
    levels=st.lists(st.sampled_from(values(Level)), max_size=3, unique=True).map(tuple),
    measured_by=maybe(st.sampled_from(values(MeasuredBy))),
    supplier=maybe(st.sampled_from(values(Supplier))),
    province=maybe(st.sampled_from(values(Province))),
    banenafspraak=maybe(st.booleans()),
    budget_opdrachtgever=maybe(st.sampled_from(values(Budget))),
    themes=st.lists(st.sampled_from(["arbeidsparticipatie", "diversiteit_inclusie", "brede_impact"]),
                    max_size=2, unique=True).map(tuple),
)


def expected_shortfalls(situation: Situation, instrument) -> dict[tuple, str]:
    """(answer, value) -> the verdict the KB implies: 'voldoet_niet' or 'deels'."""
    out: dict[tuple, str] = {}
    if situation.phase and situation.phase not in instrument.phases:
        out[("phase", None)] = "voldoet_niet"
    if situation.levels:
        hit = set(situation.levels) & set(instrument.levels)
        if not hit:
            out[("levels", None)] = "voldoet_niet"
        elif hit != set(situation.levels):
            out[("levels", None)] = "deels"
    if situation.measured_by and situation.measured_by not in instrument.measured_by:
        out[("measured_by", None)] = "voldoet_niet"
    if situation.banenafspraak and instrument.banenafspraak in ("nee", "beperkt"):
        out[("banenafspraak", None)] = {"nee": "voldoet_niet", "beperkt": "deels"}[instrument.banenafspraak]
    if "diversiteit_inclusie" in situation.themes and instrument.diversity in ("nee", "beperkt"):
        out[("themes", "diversiteit_inclusie")] = {"nee": "voldoet_niet", "beperkt": "deels"}[instrument.diversity]
    # the KB follows the appendix where it puts the cost with another party (cost.paid_by)
    cost = instrument.cost.opdrachtgever if instrument.cost.paid_by is None else "X"
    if situation.budget_opdrachtgever == "geen" and cost in MONEY:
        out[("budget_opdrachtgever", None)] = "voldoet_niet"
    if situation.budget_opdrachtgever == "beperkt" and cost in MONEY[1:]:
        out[("budget_opdrachtgever", None)] = "deels" if cost == "€€" else "voldoet_niet"
    if situation.supplier == "regulier" and instrument.limits.social_enterprises_only:
        out[("supplier", None)] = "deels"
    if situation.province and instrument.limits.provinces and situation.province not in instrument.limits.provinces:
        out[("province", None)] = "voldoet_niet"
    side = ROLE_SIDE.get(situation.role or "")
    if side and getattr(instrument.role_uses, side) is None:
        out[("role", None)] = "voldoet_niet"
    return out


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situation=situations)
def test_every_shortfall_the_kb_implies_is_said_with_a_page(advisor, situation):
    advice = advisor.advise(situation)
    entries = {r.instrument: (r.fit, r.caveats, True) for r in advice.recommendations}
    entries.update({n.instrument: (n.fit, n.caveats, False) for n in advice.not_recommended})
    for instrument in advisor.kb.instruments:
        fits, caveats, recommended = entries[instrument.id]
        said = {(f.answer, f.value): f for f in fits}
        for key, verdict in expected_shortfalls(situation, instrument).items():
            fit = said.get(key)
            assert fit is not None and fit.verdict == verdict, (instrument.id, key, verdict, fit)
            assert fit.source.page, (instrument.id, key)
            if recommended:
                assert any(fit.reason in c.text and c.source.page == fit.source.page for c in caveats), \
                    (instrument.id, key)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situation=situations)
def test_every_answer_the_kb_judges_gets_one_verdict_per_instrument(advisor, situation):
    judged = {"phase", "levels", "measured_by", "banenafspraak", "budget_opdrachtgever", "supplier"}
    answered = {f for f in judged if getattr(situation, f) not in (None, ())}
    if situation.banenafspraak is False:
        answered.discard("banenafspraak")   # 'no wish' is not a wish to judge
    if situation.supplier == "onbekend":
        answered.discard("supplier")
    advice = advisor.advise(situation)
    for item in list(advice.recommendations) + list(advice.not_recommended):
        keys = [(f.answer, f.value) for f in item.fit]
        assert len(keys) == len(set(keys)), (item.instrument, keys)
        assert answered <= {a for a, _ in keys}, (item.instrument, answered - {a for a, _ in keys})


def test_goals_are_judged_from_the_rules_and_the_matrix(advisor):
    advice = advisor.advise(Situation(phase="aanbesteding", goals=("inschrijvers_vergelijken",)))
    fits = {n.instrument: n.fit for n in advice.not_recommended}
    pso30 = next(f for f in fits["pso30plus"] if f.answer == "goals")
    assert pso30.verdict == "voldoet_niet" and pso30.source.page == 16 and "ja/nee" in pso30.reason
    pso = next(f for f in advice.recommendations if f.instrument == "pso").fit
    assert any(f.answer == "goals" and f.verdict == "voldoet" and f.rule == "vergelijken-keurmerk-of-meting" for f in pso)
