"""The HTML pages, parsed: ranking, why-not, caveats, refilled form, errors, CSP, Markdown and JSON twins."""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from apps import web_only
from kbcopy import ROOT, copy_kb, edit

from advisor.engine.advising import Advisor
from advisor.kb.checking import INSTRUMENT_FIELDS, SITUATION_FIELDS
from advisor.kb.models import Situation
from advisor.kb.situations import from_pairs
from advisor.present import webview
from advisor.serve.service import Service
from advisor.serve.web import CSP

# Below the threshold and onderhands: the PSO's use as a criterion applies (p. 36), so both instruments
# the report names for comparing bidders are recommended.
TENDER = [("phase", "aanbesteding"), ("goals", "inschrijvers_vergelijken"), ("supplier", "sociale_onderneming"),
          ("contract_type", "diensten"), ("contracting_authority", "decentraal"), ("contract_value_eur", "150000"),
          ("procedure", "meervoudig_onderhands"), ("reference_date", "2026-03-01")]
HTML_PAGES = ["/", "/advies?" + urlencode(TENDER), "/instrumenten", "/instrumenten/pso", "/regels", "/begrippen"]


# ---------------------------------------------------------------- a tiny DOM on top of html.parser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: "Node | None" = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        def fits(node: Node) -> bool:
            if tag and node.tag != tag:
                return False
            for key, want in attrs.items():
                key = key.rstrip("_").replace("_", "-")
                have = node.attrs.get(key)
                if key == "class":
                    if have is None or want not in have.split():
                        return False
                elif want is True:
                    if have is None:
                        return False
                elif have != want:
                    return False
            return True
        return [n for n in self.iter() if fits(n)]

    def find(self, tag: str | None = None, **attrs) -> "Node":
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}>"
        return found[0]

    def by_id(self, ident: str) -> "Node":
        return self.find(id=ident)


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text: str) -> Node:
    tree = Tree()
    tree.feed(text)
    return tree.root


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def service() -> Service:
    return Service(ROOT)


@pytest.fixture(scope="module")
def client(service) -> TestClient:
    app = web_only(service)
    return TestClient(app)


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.text[:2000]
    return response, parse(response.text)


# ---------------------------------------------------------------- questionnaire

def test_questionnaire_asks_every_situation_field_in_steps(client, service):
    _, doc = get(client, "/")
    form = doc.find("form", class_="vragenlijst")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/advies"
    names = {n.attrs["name"] for n in form.find_all() if n.tag in ("input", "select") and "name" in n.attrs}
    assert names == set(Situation.model_fields)
    steps = form.find_all("section", class_="stap")
    assert 3 <= len(steps) <= 4
    # every control has a label; grouped choices sit in a fieldset with a legend
    labels = {n.attrs.get("for") for n in doc.find_all("label")}
    for control in form.find_all():
        if control.tag in ("input", "select") and control.attrs.get("type") != "hidden":
            assert control.attrs["id"] in labels, control.attrs
    for fieldset in form.find_all("fieldset"):
        assert fieldset.find_all("legend")
    province = doc.by_id("veld-province")
    assert province.tag == "select" and len(province.find_all("option")) == 13  # 12 provinces + no answer
    # help texts cite the report, e.g. the Theory of Change on p. 5
    assert "p. 5" in doc.by_id("hint-levels").text()


def test_questionnaire_is_refilled_from_the_query(client):
    query = "phase=uitvoering&goals=sr_monitoren&goals=sr_waarderen&province=groningen&contract_value_eur=1234&banenafspraak=true"
    _, doc = get(client, "/?" + query)
    checked = {(n.attrs["name"], n.attrs["value"]) for n in doc.find_all("input", checked=True)}
    assert {("phase", "uitvoering"), ("goals", "sr_monitoren"), ("goals", "sr_waarderen"),
            ("banenafspraak", "true")} <= checked
    assert ("phase", "") not in checked
    selected = [o for o in doc.by_id("veld-province").find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == ["groningen"]
    assert doc.by_id("veld-contract_value_eur").attrs["value"] == "1234"


def test_show_if_is_data_and_hides_only_what_is_known_not_to_apply(client, service):
    _, doc = get(client, "/")
    value = doc.by_id("vraag-contract_value_eur")
    assert '"field": "phase"' in value.attrs["data-show-if"] and "hidden" not in value.attrs  # works without JS
    questions = {q.field: q for q in service.advisor.kb.questionnaire.questions}
    assert webview.shown(service.advisor.kb, questions["contract_value_eur"], Situation())                       # unknown: ask
    assert webview.shown(service.advisor.kb, questions["contract_value_eur"], Situation(phase="aanbesteding"))
    assert not webview.shown(service.advisor.kb, questions["contract_value_eur"], Situation(phase="uitvoering"))
    assert webview.shown(service.advisor.kb, questions["municipality"], Situation(phase="uitvoering"))             # province unknown
    assert not webview.shown(service.advisor.kb, questions["municipality"], Situation(phase="uitvoering", province="drenthe"))


def test_questions_yaml_covers_the_contract_and_names_every_instrument_field(service):
    kb = service.advisor.kb
    fields = [q.field for q in kb.questionnaire.questions]
    assert sorted(fields) == sorted(SITUATION_FIELDS)
    by_field = {q.field: q for q in kb.questionnaire.questions}
    assert by_field["province"].type == "one" and len(by_field["province"].options) == 12
    assert by_field["contract_value_eur"].show_if == {"phase": {"in": ["voorbereiding", "aanbesteding"]}}
    assert all(q.short and q.label.strip() for q in kb.questionnaire.questions)
    assert set(INSTRUMENT_FIELDS) <= set(kb.questionnaire.labels.fields)


# ---------------------------------------------------------------- advice

def test_advice_ranks_like_the_engine(client, service):
    _, doc = get(client, "/advies?" + urlencode(TENDER))
    advice = service.advisor.advise(from_pairs(TENDER))
    ranked = [li.attrs["id"].removeprefix("aanbevolen-") for li in doc.find("ol", class_="ranglijst").find_all("li", class_="aanbeveling")]
    assert ranked == [r.instrument for r in advice.recommendations]
    # PSO30+ is named on p. 16 but is a pass/fail certificate (p. 39-41): not a comparison tool
    assert set(ranked) == {"pso", "impactcalculator"}
    first = doc.by_id(f"aanbevolen-{ranked[0]}")
    # how well it fits, in words: the score is for the lawyer's details
    assert advice.summary.instruments[0].fit.capitalize() in first.text() and "Score" not in first.text()
    reason = first.find("ul", class_="redenen").find_all("li")[0].text()
    assert "+40" not in reason and "p. 16" in reason
    scores = doc.find("section", class_="verloop").text()
    assert f"{advice.recommendations[0].name} {advice.recommendations[0].score}" in scores


def test_advice_has_why_not_for_every_other_instrument(client, service):
    _, doc = get(client, "/advies?" + urlencode(TENDER))
    section = doc.find("section", class_="waarom-niet")
    items = section.find("ul", class_="niet-aanbevolen").find_all("a", id=True)
    ranked = doc.find("ol", class_="ranglijst").find_all("li", class_="aanbeveling")
    assert len(items) + len(ranked) == len(service.advisor.kb.instruments)
    # one short line per reason, the instruments it holds for named in front
    wizzr = doc.by_id("niet-wizzr").parent.text()
    assert "uitgesloten" in wizzr and "niet voor de aanbestedingsfase" in wizzr and "p. 17" in wizzr
    assert len(section.find("ul", class_="niet-aanbevolen").find_all("li")) < len(items)


def test_advice_sets_caveats_apart(client, service):
    _, doc = get(client, "/advies?" + urlencode(TENDER))
    caveats = doc.find("section", class_="kanttekeningen").text()
    assert "Algemeen: " in caveats and "juristen" in caveats
    assert re.search(r"art\. 1\.4(\s*,\s*[\d.]+)*(\s+en\s+[\d.]+)?\s+Aanbestedingswet 2012", caveats)   # a law named once
    # the caveats on PSO: the main one in the short advice, the others numbered, the card points to them
    short = doc.find("section", class_="in-het-kort").text()
    warning = service.advisor.advise(from_pairs(TENDER)).summary.warning
    assert warning is not None and warning.text[:60] in short and warning.text[:60] not in caveats
    # onderhands below the threshold the PSO's criterion use is allowed: no note that limits it (issue 17, D24)
    assert "voorwerp van de opdracht" in caveats and "art. 2.115" in caveats and "alleen bij onderhandse" not in caveats
    refs = doc.by_id("aanbevolen-pso").find("p", class_="kanttekening-verwijzing").find_all("a")
    assert refs and all(doc.by_id(a.attrs["href"][1:]) is not None for a in refs)


def test_advice_shows_derived_facts_comparison_and_trace(client, service):
    _, doc = get(client, "/advies?" + urlencode(TENDER))
    assert "onder de Europese drempel van € 216.000" in doc.find("p", class_="kernfeit").text()
    assert "regel eu-drempel" in doc.find("section", class_="verloop").text()
    table = doc.find("table", class_="naast-elkaar")
    heads = [th.text() for th in table.find("thead").find_all("th")]
    advice = service.advisor.advise(from_pairs(TENDER))
    assert len(heads) == 1 + min(3, len(advice.recommendations)) and heads[1].startswith("1. ")
    rows = {tr.find("th").text().split(" p. ")[0]: tr for tr in table.find("tbody").find_all("tr")}   # page in the head
    assert {"Kosten opdrachtgever", "Kosten opdrachtnemer", "Wie meet", "Niveaus"} <= set(rows)
    details = doc.find("section", class_="verloop").find("details")
    assert "juristen" in details.find("summary").text()
    advice = service.advisor.advise(from_pairs(TENDER))
    traced = [a.text() for a in details.find_all("table")[1].find("tbody").find_all("a")]
    assert traced == [f.rule for f in advice.trace]


def test_advice_links_change_answers_json_and_markdown(client, service):
    _, doc = get(client, "/advies?" + urlencode(TENDER))
    links = {a.text(): a.attrs["href"] for a in doc.find("ul", class_="acties").find_all("a")}
    change, as_json, as_md = links["Antwoorden wijzigen"], links["JSON"], links["Markdown"]
    assert change.startswith("/?") and as_json.startswith("/advies.json?") and as_md.startswith("/advies.md?")
    alternate = doc.find("link", rel="alternate")
    assert alternate.attrs["type"] == "application/json" and alternate.attrs["href"] == as_json
    # the permalink reproduces the advice, and the form comes back refilled
    twin = client.get(as_json).json()
    assert twin == service.advisor.advise(from_pairs(TENDER)).model_dump(mode="json")
    _, form = get(client, change)
    assert ("phase", "aanbesteding") in {(n.attrs["name"], n.attrs["value"]) for n in form.find_all("input", checked=True)}
    assert form.by_id("veld-contract_value_eur").attrs["value"] in ("150000", "150000.0")


def test_markdown_export(client, service):
    response = client.get("/advies.md?" + urlencode(TENDER + [("municipality", "<b>Utrecht</b>")]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("# Advies")
    advice = service.advisor.advise(from_pairs(TENDER))
    positions = [text.index(f"### {r.rank}. {r.name}") for r in advice.recommendations]
    assert positions == sorted(positions)
    for heading in ("## Advies in het kort", "## Uw antwoorden", "## Kanttekeningen", "## Waarom niet?"):
        assert heading in text
    assert re.search(r"^\| Kosten opdrachtgever( \(p\. \d+\))? \|", text, re.MULTILINE)   # the top side by side
    assert text.index("## Advies in het kort") < text.index("## Uw antwoorden")
    assert "<b>" not in text and "&lt;b&gt;Utrecht" in text
    assert "Geen vaste link" in text and "/advies?" not in text   # no base URL: no link, never the Host header
    # readable text, not HTML entities: what the advice quotes stays quoted as it is written
    advice = service.advisor.advise(from_pairs(TENDER + [("municipality", "<b>Utrecht</b>")]))
    said = [c.text for r in advice.recommendations for c in r.caveats] + [c.text for c in advice.general_caveats]
    quoted = [t for t in said if "'" in t] + ["Rapport 'Zicht op sociale impact'"]
    assert all(t.replace("<", "&lt;").replace(">", "&gt;") in text for t in quoted)
    assert not any(entity in text for entity in ("&#39;", "&#x27;", "&quot;", "&amp;"))
    assert client.get("/advies.md?phase=x").status_code == 400


def test_invalid_answers_rerender_the_form_with_dutch_messages(client):
    query = "phase=later&contract_value_eur=veel&goals=sr_monitoren&onbekend=1"
    response, doc = get(client, "/advies?" + query, status=400)
    assert response.headers["content-security-policy"] == CSP
    phase = doc.by_id("vraag-phase")
    assert "vraag-fout" in phase.attrs["class"]
    assert "onbekende waarde 'later'" in phase.find("p", class_="fout").text()
    value = doc.by_id("vraag-contract_value_eur")
    assert "'veel' is geen bedrag" in value.find("p", class_="fout").text()
    assert "bijvoorbeeld 450000" in value.find("p", class_="fout").text()
    field = doc.by_id("veld-contract_value_eur")
    assert field.attrs["value"] == "veel" and field.attrs["aria-invalid"] == "true"
    assert "fout-contract_value_eur" in field.attrs["aria-describedby"]
    summary = doc.by_id("fouten")
    assert summary.attrs["role"] == "alert"
    assert {a.attrs["href"] for a in summary.find_all("a")} == {"#vraag-phase", "#vraag-contract_value_eur"}
    assert "onbekend: onbekend veld" in summary.text()
    kept = {(n.attrs["name"], n.attrs["value"]) for n in doc.find_all("input", checked=True)}
    assert ("goals", "sr_monitoren") in kept


def test_advice_json_twin_rejects_invalid_answers_as_problem(client):
    response = client.get("/advies.json?phase=later")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400 and body["errors"][0]["name"] == "phase"


def test_user_text_is_escaped(client):
    response, doc = get(client, "/advies?" + urlencode([("municipality", "<script>alert(1)</script>")]))
    assert "<script>alert" not in response.text
    assert "<script>alert(1)</script>" in doc.find("dl", class_="antwoordlijst").text()


# ---------------------------------------------------------------- every page

@pytest.mark.parametrize("url", HTML_PAGES)
def test_every_page_is_dutch_accessible_safe_and_links_its_json_twin(client, url):
    response, doc = get(client, url)
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    html = doc.find("html")
    assert html.attrs["lang"] == "nl"
    skip = doc.find("a", class_="skip-link")
    assert skip.attrs["href"] == "#inhoud" and doc.by_id("inhoud").tag == "main"
    assert len(doc.find_all("h1")) == 1
    scripts = doc.find_all("script")
    assert scripts and all(s.attrs.get("src", "").startswith("/static/") and not s.text() for s in scripts)
    assert not [n for n in doc.iter() if "style" in n.attrs or any(a.startswith("on") for a in n.attrs)]
    assert not doc.find_all("style")
    alternate = doc.find("link", rel="alternate")
    assert alternate.attrs["type"] == "application/json"
    assert any(a.attrs.get("href") == alternate.attrs["href"] for a in doc.find_all("a")), "visible JSON link"
    for link in doc.find_all("link", rel="stylesheet"):
        assert link.attrs["href"].startswith("/static/")
    footer = doc.find("footer")
    assert any(a.attrs.get("href") == "/toegankelijkheid" for a in footer.find_all("a")), "accessibility statement"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_static_assets(client):
    css = client.get("/static/advisor.css")
    assert css.status_code == 200 and "@media print" in css.text and "@page" in css.text
    assert ":focus" in css.text
    js = client.get("/static/advisor.js")
    assert js.status_code == 200 and "data-show-if" in js.text


# ---------------------------------------------------------------- catalogue

def test_instrument_catalogue_lists_and_filters_without_js(client, service):
    _, doc = get(client, "/instrumenten")
    rows = doc.find("table", class_="catalogus").find("tbody").find_all("tr")
    assert len(rows) == len(service.advisor.kb.instruments)
    form = doc.find("form", class_="filter")
    assert form.attrs["method"] == "get" and form.find("legend")
    _, doc = get(client, "/instrumenten?phase=uitvoering&theme=&kind=monitorinstrument")
    names = [tr.find("a").text() for tr in doc.find("table", class_="catalogus").find("tbody").find_all("tr")]
    kb = service.advisor.kb
    assert names == [i.name for i in kb.instruments if "uitvoering" in i.phases and "monitorinstrument" in i.kinds]
    assert 0 < len(names) < len(kb.instruments)
    chosen = [o for o in doc.by_id("filter-kind").find_all("option") if "selected" in o.attrs]
    assert chosen[0].attrs["value"] == "monitorinstrument"
    _, doc = get(client, "/instrumenten?theme=cultuur", status=400)
    assert "onbekende waarde 'cultuur'" in doc.by_id("fout-filter-theme").text()


def test_instrument_page_shows_every_attribute_with_its_page(client, service):
    pso = service.advisor.kb.instrument("pso")
    _, doc = get(client, "/instrumenten/pso")
    assert doc.find("h1").text() == pso.name
    text = doc.by_id("inhoud").text()
    for strength in pso.strengths + pso.weaknesses:
        assert strength in text
    assert f"p. {pso.page_of('cost')}" in text and f"p. {pso.page_of('levels')}" in text
    terms = [dt.text() for dt in doc.find_all("dt")]
    for name in ("Meetende partijen", "Niveaus (Theory of Change)", "Fasen", "Gebruik in de aanbesteding",
                 "Bereik onder aanbestedende diensten", "Alleen voor sociale ondernemingen", "Resultaten vergelijkbaar"):
        assert any(t.startswith(name) for t in terms), name
    costs = {tr.find("th").text().split(" p. ")[0]: [td.text() for td in tr.find_all("td")]
             for tr in doc.find("table").find("tbody").find_all("tr")}
    assert costs["Kosten"] == ["X (gratis)", "€€"]
    assert doc.find("link", rel="alternate").attrs["href"] == "/api/v1/instruments/pso"


def test_unknown_instrument_is_a_404_page(client):
    response, doc = get(client, "/instrumenten/bestaat-niet", status=404)
    assert response.headers["content-security-policy"] == CSP
    assert "bestaat-niet" in doc.by_id("inhoud").text() and doc.find("a", href="/instrumenten")


def test_rules_page_groups_rules_with_readable_conditions_and_scenarios(client, service):
    _, doc = get(client, "/regels")
    kb = service.advisor.kb
    for kind in ("exclude", "score", "caveat", "derive"):
        section = doc.by_id(f"soort-{kind}").parent
        ids = [a.attrs["id"].removeprefix("regel-") for a in section.find_all("article", class_="regel")]
        assert ids == [r.id for r in kb.rules if r.kind == kind]
    phase_rule = doc.by_id("regel-fase-past-niet").text()
    assert "fase is bekend en is geen van de fasen van het instrument" in phase_rule
    assert "rapport p. 17" in phase_rule
    budget = doc.by_id("regel-budget-geen").text()
    assert "budget is Geen budget" in budget and "kosten voor de opdrachtgever is €, €€, €€€ of €€€€" in budget
    legal = doc.by_id("regel-pso30plus-art-282")
    assert any(a.attrs["href"].startswith("https://wetten.overheid.nl/") for a in legal.find_all("a"))


def test_rules_page_names_the_scenarios_that_fire_a_rule(tmp_path):
    root = copy_kb(tmp_path)
    (root / "knowledge" / "scenarios" / "eigen.yaml").write_text(
        "- name: Drempel voor werken\n  source: {page: 43}\n  situation: {contract_type: werken, "
        "contract_value_eur: 100, reference_date: 2026-06-01}\n  expect: {derived: {onder_eu_drempel: true}}\n",
        encoding="utf-8")
    stub = SimpleNamespace(advisor=Advisor.from_root(root), root=root, errors=[])
    app = web_only(stub)
    doc = parse(TestClient(app).get("/regels").text)
    assert "Drempel voor werken (eigen.yaml)" in doc.by_id("regel-onder-eu-drempel").text()


def test_glossary_and_its_json_twin(client, service):
    _, doc = get(client, "/begrippen")
    terms = doc.find("dl", class_="begrippen").find_all("div", class_="begrip")
    assert len(terms) == len(service.advisor.kb.glossary)
    toc = doc.by_id("begrip-theory-of-change").text()
    assert "p. 5" in toc
    body = client.get("/begrippen.json").json()
    assert {t["id"] for t in body["terms"]} == {t.id for t in service.advisor.kb.glossary}


# ---------------------------------------------------------------- reloads

def test_pages_read_the_current_advisor_per_request(tmp_path):
    root = copy_kb(tmp_path)
    stub = SimpleNamespace(advisor=Advisor.from_root(root), root=root, errors=[])
    app = web_only(stub)
    client = TestClient(app)
    assert "Medewerkerstool" in client.get("/instrumenten").text
    edit(root / "knowledge" / "instruments.yaml", "name: Medewerkerstool", "name: Werknemerstool")
    stub.advisor = Advisor.from_root(root)
    stub.errors = ["knowledge/rules.yaml:1: kapot"]
    page = client.get("/instrumenten").text
    assert "Werknemerstool" in page and "Medewerkerstool" not in page
    assert "laatste goede versie" in page


def _dutch(value: int, style: int) -> str:
    """How a Dutch user types an amount: '215.999', '€ 216.000' or '216001,00'."""
    dotted = f"{value:,}".replace(",", ".")
    return (dotted, f"€ {dotted}", f"{value},00")[style % 3]


def test_the_form_reads_amounts_around_every_threshold_and_says_which_side(client, service):
    """Through the questionnaire (GET /advies, the amount as typed): for every EU threshold of the table, on a
    date it is in force and for each kind of contract and authority it covers, one euro below, the threshold
    itself and one euro above. The page repeats the amount as understood and puts it on the right side: a
    misread '450.000' (as €450) once gave a wrong legal conclusion."""
    from advisor.kb.formatting import money
    checked = 0
    for threshold in service.advisor.kb.legal.thresholds:
        for kind in threshold.contract_types:
            for authority in threshold.authorities:
                for style, (value, side) in enumerate(((threshold.amount_eur - 1, "onder"),
                                                       (threshold.amount_eur, "op"),
                                                       (threshold.amount_eur + 1, "boven"))):
                    query = urlencode([("contract_type", kind), ("contracting_authority", authority),
                                       ("contract_value_eur", _dutch(value, style + checked)),
                                       ("reference_date", threshold.valid_from.isoformat())])
                    response, doc = get(client, "/advies?" + query)
                    said = " ".join(doc.find("p", class_="kernfeit").text().split())
                    assert said.startswith(f"Geraamde waarde: {money(value)};"), (query, said)
                    assert f"{side} de Europese drempel van {money(threshold.amount_eur)}" in said, (query, said)
                    assert ("telt als erboven" in said) == (side == "op"), (query, said)
                    # the caveat of that side of the threshold, not the other's (in the short advice or the list)
                    caveats = doc.find("section", class_="in-het-kort").text() + " ".join(
                        s.text() for s in doc.find_all("section", class_="kanttekeningen"))
                    assert ("Europese procedure is niet verplicht" in caveats) == (side == "onder"), query
                    checked += 1
    assert checked >= 3 * len(service.advisor.kb.legal.thresholds)
