"""The legal view: every article with the rules and thresholds citing it, as pages and as API."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from kbcopy import copy_kb, edit
from test_web import parse

from advisor.engine.compiling import compile_rules
from advisor.engine.summary import is_shortfall
from advisor.kb.formatting import money
from advisor.kb.situations import from_pairs
from advisor.present.webview import rule_text
from advisor.serve.app import create_app
from advisor.serve.service import Service
from advisor.serve.web import CSP

ARTICLE = "aw2012-2.82"
TENDER = [("phase", "aanbesteding"), ("goals", "inschrijvers_vergelijken")]


def ok(response, status: int = 200):
    assert response.status_code == status, response.text[:2000]
    assert response.headers["api-version"] == "1.0.0"
    return response.json() if status != 304 else None


GROUPS = {"derive": "Afgeleide feiten", "score": "Punten", "exclude": "Uitsluiten",
          "caveat": "Kanttekeningen bij instrumenten", "general": "Algemene kanttekeningen"}


def citing(kb, article_id: str) -> list[str]:
    return [r.id for r in kb.rules if article_id in r.source.articles]


def group_of(rule) -> str:
    return "general" if rule.is_general else rule.kind


def landed(kb) -> dict[str, set[str]]:
    """Per rule, the instruments its compiled network rules land on (the engine's own view)."""
    found: dict[str, set[str]] = {}
    for effect in compile_rules(kb).effects.values():
        found.setdefault(effect.rule.id, set()).update(effect.instruments)
    return found


def reference(kb, article_id: str) -> str:
    article = kb.article(article_id)
    return f"{article.article} {article.law}"


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return response, parse(response.text)


# ---------------------------------------------------------------- API

def test_api_lists_every_article_with_the_rules_citing_it(client, service):
    kb = service.advisor.kb
    body = ok(client.get("/api/v1/articles"))
    assert body["kb_version"] == kb.version
    assert [a["id"] for a in body["articles"]] == [a.id for a in kb.legal.articles]
    for item in body["articles"]:
        assert {"id", "law", "article", "title", "description", "url", "rule_ids"} <= set(item)
        assert item == {**kb.article(item["id"]).model_dump(mode="json"), "rule_ids": citing(kb, item["id"])}
    by_id = {a["id"]: a for a in body["articles"]}
    assert len(by_id[ARTICLE]["rule_ids"]) >= 2


def test_api_one_article_with_full_citing_rules_and_thresholds(client, service):
    kb = service.advisor.kb
    listed = {a["id"]: a for a in ok(client.get("/api/v1/articles"))["articles"]}
    body = ok(client.get(f"/api/v1/articles/{ARTICLE}"))
    assert {k: v for k, v in body.items() if k not in ("rules", "thresholds")} == listed[ARTICLE]
    assert [r["id"] for r in body["rules"]] == citing(kb, ARTICLE)
    engine = landed(kb)
    for item in body["rules"]:
        rule = kb.rule(item["id"])
        assert set(item) == {"id", "kind", "general", "title", "text", "rationale", "source", "instruments"}
        assert (item["kind"], item["general"], item["title"], item["text"], item["rationale"]) == \
            (rule.kind, rule.is_general, rule.title, getattr(rule, "text", None), rule.rationale)
        assert item["source"] == rule.source.model_dump(mode="json") and ARTICLE in item["source"]["articles"]
        if not rule.about_instruments:
            assert item["instruments"] == []
        else:
            assert item["instruments"] and engine[rule.id] <= set(item["instruments"])
            assert item["instruments"] == [i.id for i in kb.instruments if i.id in item["instruments"]]
    assert {"score", "caveat"} <= {r["kind"] for r in body["rules"]}
    assert any(r["instruments"] for r in body["rules"]) and any(r["general"] for r in body["rules"])
    assert body["thresholds"] == []

    eu = ok(client.get("/api/v1/articles/eu-2014-24-art4"))
    expected = [t.model_dump(mode="json") for t in kb.legal.thresholds if "eu-2014-24-art4" in t.source.articles]
    assert expected and eu["thresholds"] == expected
    assert "derive" in {r["kind"] for r in eu["rules"]}


def test_api_unknown_article_and_trailing_slash_are_404_problems(client):
    for path, needle in (("/api/v1/articles/aw2012-9.99", "aw2012-9.99"), ("/api/v1/articles/", None),
                         (f"/api/v1/articles/{ARTICLE}/", None)):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
        assert response.headers["api-version"] == "1.0.0"
        body = response.json()
        assert body["status"] == 404 and body["instance"] == path
        if needle:
            assert needle in body["detail"] and "artikel" in body["detail"] and "/api/v1/articles" in body["detail"]


def test_api_articles_carry_an_etag_and_answer_304(client):
    tags = set()
    for path in ("/api/v1/articles", f"/api/v1/articles/{ARTICLE}", "/api/v1/articles/aw2012-2.78a"):
        first = client.get(path)
        tag = first.headers["etag"]
        assert first.status_code == 200 and first.headers["cache-control"] == "public, no-cache"
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        assert again.headers["api-version"] == "1.0.0"
        assert client.get(path, headers={"If-None-Match": '"anders"'}).status_code == 200
        tags.add(tag)
    assert len(tags) == 3


def test_api_articles_are_in_the_openapi_with_response_models(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]

    def ok_schema(path: str) -> str:
        return paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]

    assert ok_schema("/api/v1/articles").endswith("/ArticleList")
    assert ok_schema("/api/v1/articles/{article_id}").endswith("/ArticleOut")
    assert {"304", "404"} <= set(paths["/api/v1/articles/{article_id}"]["get"]["responses"])
    components = schema["components"]["schemas"]
    assert {"rules", "thresholds", "rule_ids", "description", "url"} <= set(components["ArticleOut"]["properties"])
    assert "instruments" in components["CitingRule"]["properties"]


def test_an_article_no_rule_cites_and_a_new_citation(tmp_path):
    root = copy_kb(tmp_path)
    edit(root / "knowledge" / "legal.yaml", "  - id: eu-2014-24-art4\n",
         "  - id: aw2012-2.52\n    law: Aanbestedingswet 2012\n    article: art. 2.52\n    title: Proeftitel\n"
         "    description: Alleen voor de test.\n  - id: eu-2014-24-art4\n")
    edit(root / "rules" / "legal.yaml", "articles: [aw2012-2.80]}", "articles: [aw2012-2.80, aw2012-1.10]}")
    client = TestClient(create_app(service=Service(root)))
    listed = {a["id"]: a for a in ok(client.get("/api/v1/articles"))["articles"]}
    assert listed["aw2012-2.52"]["rule_ids"] == [] and listed["aw2012-2.52"]["url"] is None
    assert "uitvoeringsvoorwaarde-vooraf" in listed["aw2012-1.10"]["rule_ids"]
    _, doc = page(client, "/artikelen/aw2012-2.52")
    assert "Geen regel haalt dit artikel aan" in doc.by_id("inhoud").text()
    assert not doc.find_all("article", class_="regel")
    assert "geen link opgegeven" in doc.by_id("inhoud").text()


def test_the_gathering_module_stays_free_of_the_shells():
    code = "import sys, advisor.kb.articles; print(sorted(m for m in ('fastapi', 'jinja2') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- pages

def test_articles_page_lists_every_article_and_links_its_json_twin(client, service):
    kb = service.advisor.kb
    response, doc = page(client, "/artikelen")
    assert response.headers["content-security-policy"] == CSP
    assert doc.find("html").attrs["lang"] == "nl"
    assert [h.text() for h in doc.find_all("h1")] == ["Wetsartikelen"]
    items = doc.find("ul", class_="artikelen").find_all("li", class_="artikel")
    assert [li.attrs["id"].removeprefix("artikel-") for li in items] == [a.id for a in kb.legal.articles]
    first = doc.by_id(f"artikel-{ARTICLE}")
    assert first.find("h2").find("a").attrs["href"] == f"/artikelen/{ARTICLE}"
    assert [c.text() for c in first.find_all("code")] == citing(kb, ARTICLE)
    assert doc.find("link", rel="alternate").attrs == {"rel": "alternate", "type": "application/json",
                                                       "href": "/api/v1/articles"}
    assert doc.find("a", href="/api/v1/articles").text() == "Alle artikelen als JSON"
    nav = doc.find("nav", class_="site-nav").find("a", href="/artikelen")
    assert nav.text() == "Artikelen" and nav.attrs.get("aria-current") == "page"


def test_article_page_shows_the_article_and_every_citing_rule_by_kind(client, service):
    kb = service.advisor.kb
    article = kb.article(ARTICLE)
    response, doc = page(client, f"/artikelen/{ARTICLE}")
    assert response.headers["content-security-policy"] == CSP
    assert doc.find("h1").text() == f"{article.article} {article.law}: {article.title}"
    main = doc.by_id("inhoud")
    assert article.description in main.text()
    assert main.find("a", href=article.url).text() == article.url
    assert "Regels die dit artikel aanhalen" in [h.text() for h in doc.find_all("h2")]
    # every citing rule, in its group, in the order of the groups
    ids = citing(kb, ARTICLE)
    assert [a.attrs["id"].removeprefix("regel-") for a in main.find_all("article", class_="regel")] == \
        [r for g in ("derive", "score", "exclude", "caveat", "general") for r in ids
         if group_of(kb.rule(r)) == g]
    present = [g for g in GROUPS if any(group_of(kb.rule(r)) == g for r in ids)]
    assert [h.text() for h in main.find_all("h3")] == [GROUPS[g] for g in present]
    assert {"score", "general"} <= set(present)
    for group in present:
        section = doc.by_id(f"groep-{group}").parent
        in_section = [a.attrs["id"].removeprefix("regel-") for a in section.find_all("article", class_="regel")]
        assert in_section == [r for r in ids if group_of(kb.rule(r)) == group]
    engine = landed(kb)
    for rule_id in ids:
        rule = kb.rule(rule_id)
        node = doc.by_id(f"regel-{rule_id}")
        assert node.find("a", href=f"/regels#regel-{rule_id}").find("code").text() == rule_id
        text = node.text()
        # the rule's text as the pages show it: each placeholder in words ('[het instrument]'), never raw
        assert rule.title in text and rule.rationale in text and rule_text(getattr(rule, "text", "")) in text
        assert not re.search(r"\{[a-z_.]+\}", text), rule_id
        assert f"p. {rule.source.page}" in text
        # the instruments a rule applies to link to their pages; general and derive rules name none
        shown = [a.attrs["href"].removeprefix("/instrumenten/") for a in node.find_all("a")
                 if a.attrs["href"].startswith("/instrumenten/")]
        if not rule.about_instruments:
            assert shown == [] and ("advies als geheel" in text or "leidt een feit af" in text)
        else:
            assert shown and engine[rule_id] <= set(shown), rule_id
        for other in rule.source.articles:  # the other articles it cites link to their pages
            assert (other == ARTICLE) != bool(node.find_all("a", href=f"/artikelen/{other}"))
    assert any(doc.by_id(f"regel-{r}").find_all("a", href="/instrumenten/pso30plus") for r in ids)
    assert doc.find("link", rel="alternate").attrs["href"] == f"/api/v1/articles/{ARTICLE}"
    assert doc.find("a", href=f"/api/v1/articles/{ARTICLE}").text() == "Dit artikel als JSON"
    assert doc.find("nav", class_="site-nav").find("a", href="/artikelen").attrs.get("aria-current") == "page"


def test_article_page_lists_the_thresholds_citing_it(client, service):
    kb = service.advisor.kb
    _, doc = page(client, "/artikelen/eu-2014-24-art4")
    rows = doc.find("table").find("tbody").find_all("tr")
    expected = [t for t in kb.legal.thresholds if "eu-2014-24-art4" in t.source.articles]
    assert [r.attrs["id"].removeprefix("drempel-") for r in rows] == [t.id for t in expected]
    assert money(expected[0].amount_eur) in doc.by_id(f"drempel-{expected[0].id}").text()
    assert doc.by_id("groep-derive").text() == "Afgeleide feiten"
    _, doc = page(client, f"/artikelen/{ARTICLE}")
    assert not doc.find_all("table")


def test_unknown_article_is_the_404_page(client):
    response, doc = page(client, "/artikelen/aw2012-9.99", status=404)
    assert response.headers["content-security-policy"] == CSP
    assert doc.find("h1").text() == "Niet gevonden"
    assert "aw2012-9.99" in doc.by_id("inhoud").text()


def test_caveats_on_the_advice_page_link_their_articles(client, service):
    kb = service.advisor.kb
    advice = service.advisor.advise(from_pairs(TENDER))
    _, doc = page(client, "/advies?" + urlencode(TENDER))

    def article_links(node) -> list[tuple[str, str]]:
        return [(a.attrs["href"], a.text()) for a in node.find_all("a") if a.attrs["href"].startswith("/artikelen/")]

    # every caveat is said once: the main one in 'Advies in het kort', the others numbered under 'Kanttekeningen';
    # a law is named once per caveat ('art. 1.4, 1.13 en 1.16 Aanbestedingswet 2012'), each article number a link
    shown = article_links(doc.find("section", class_="in-het-kort")) + \
        article_links(doc.find("section", class_="kanttekeningen"))
    cited = {a for c in advice.general_caveats for a in c.source.articles}
    cited |= {a for rec in advice.recommendations for c in rec.caveats if not is_shortfall(c, rec)
              for a in c.source.articles}
    assert {href for href, _ in shown} == {f"/artikelen/{a}" for a in cited}
    for href, text in shown:
        assert reference(kb, href.removeprefix("/artikelen/")).startswith("art. " + text), (href, text)
    checked = len(cited)
    for rec in advice.recommendations:   # a card points to its caveats, which link every article they cite
        refs = doc.by_id(f"aanbevolen-{rec.instrument}").find_all("p", class_="kanttekening-verwijzing")
        pointed = [doc.by_id(a.attrs["href"][1:]) for p in refs for a in p.find_all("a")]
        linked = {href for node in pointed for href, _ in article_links(node)}
        assert {f"/artikelen/{a}" for c in rec.caveats if not is_shortfall(c, rec) for a in c.source.articles} <= linked
    assert checked > 0, "the situation should yield at least one caveat citing an article"


def test_rules_page_links_every_article_reference(client, service):
    kb = service.advisor.kb
    _, doc = page(client, "/regels")
    cited = 0
    for rule in kb.rules:
        node = doc.by_id(f"regel-{rule.id}")
        links = [a.attrs["href"] for a in node.find_all("a") if a.attrs["href"].startswith("/artikelen/")]
        assert links == [f"/artikelen/{a}" for a in rule.source.articles], rule.id
        cited += len(links)
    assert cited > 10
    first = kb.rule(citing(kb, ARTICLE)[0])
    link = doc.by_id(f"regel-{first.id}").find("a", href=f"/artikelen/{ARTICLE}")
    assert link.text() == reference(kb, ARTICLE)
