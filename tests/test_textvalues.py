"""The one converter from text to typed values (textvalues): every row of docs/input.md's table, the
messages, the round trip with as_text, and the advice page repeating the amount as understood."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.kb.errors import SituationError
from advisor.kb.situations import from_pairs
from advisor.kb.textvalues import TextValueError, amount, as_text, typed_value, yes_no

DOC = Path(__file__).resolve().parents[1] / "docs" / "input.md"


def documented_amounts() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- amounts:", 1)[1].split("<!-- /amounts -->", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \|$", table, flags=re.M)
    assert len(rows) >= 10, "docs/input.md lost its table of amounts"
    return [(written, result.strip()) for written, result in rows]


@pytest.mark.parametrize("written, result", documented_amounts())
def test_every_documented_amount_reads_as_documented(written, result):
    if result.startswith("refused"):
        with pytest.raises(TextValueError, match="bijvoorbeeld 450000, 450.000 of € 450.000"):
            amount(written)
    else:
        assert amount(written) == float(result)


@pytest.mark.parametrize("text, answer", [("ja", True), ("Nee", False), ("true", True), (" FALSE ", False)])
def test_yes_no_answers(text, answer):
    assert yes_no(text) is answer


@pytest.mark.parametrize("text", ["yes", "1", "j", "", "waar"])
def test_other_yes_no_answers_are_refused_in_dutch(text):
    with pytest.raises(TextValueError, match="antwoord ja of nee"):
        yes_no(text)


def test_only_amounts_and_yes_no_fields_are_converted():
    assert typed_value("contract_value_eur", "€ 1.000") == 1000
    assert typed_value("banenafspraak", "nee") is False
    assert typed_value("phase", "uitvoering") == "uitvoering"
    assert typed_value("reference_date", "2026-03-01") == "2026-03-01"


@given(st.integers(min_value=0, max_value=10**12 * 100))
def test_as_text_reads_back_to_the_same_amount(cents):
    value = cents / 100
    assert amount(as_text("contract_value_eur", value)) == pytest.approx(value, abs=1e-9)


def test_every_problem_of_the_text_is_listed_at_once():
    with pytest.raises(SituationError) as raised:
        from_pairs([("contract_value_eur", "450.00"), ("banenafspraak", "yes"), ("phse", "uitvoering")])
    assert [path for path, _ in raised.value.errors] == ["contract_value_eur", "banenafspraak", "phse"]
    assert "bedoelt u 'phase'" in raised.value.errors[2][1]


@pytest.mark.parametrize("written", ["450.000", "€ 450.000", "450000", "450.000,00", "€450.000,-"])
def test_the_advice_page_repeats_the_amount_as_understood(client, written):
    page = client.get("/advies?" + urlencode([("phase", "aanbesteding"), ("contract_value_eur", written)]))
    assert page.status_code == 200
    assert re.search(r"<dt>Geraamde waarde</dt><dd>€ 450\.000</dd>", page.text)
