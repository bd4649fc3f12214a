"""The pages in a real browser: Playwright driving Debian's chromium, plus axe-core on every page type.

Needs `apt-get install chromium` and `npm ci` (axe-core, see package.json); skipped with a reason
otherwise. Run only these with `pytest -m browser`. Set ADVISOR_SCREENSHOT=/tmp/advies.png to keep a
screenshot of the advice page.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must run the browser tests: .ci/run installs Debian's chromium", pytrace=False)
if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium); no browser download is possible",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the Python package 'playwright' is not installed")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")

from apps import web_only  # noqa: E402
from liveserver import live_server  # noqa: E402

from advisor.kb.situations import from_pairs  # noqa: E402
from advisor.serve.service import Service  # noqa: E402

TENDER = ("phase=aanbesteding&goals=inschrijvers_vergelijken&supplier=sociale_onderneming&contract_type=diensten"
          "&contracting_authority=decentraal&contract_value_eur=300000&budget_opdrachtgever=beperkt")
PAGE_TYPES = {
    "vragenlijst": "/",
    "advies": "/advies?" + TENDER,
    "advies zonder antwoorden": "/advies",
    "vragenlijst met fouten": "/advies?phase=later&contract_value_eur=veel",
    "instrumenten": "/instrumenten",
    "instrumenten gefilterd": "/instrumenten?phase=uitvoering&kind=monitorinstrument",
    "instrument": "/instrumenten/pso",
    "niet gevonden": "/instrumenten/bestaat-niet",
    "regels": "/regels",
    "artikelen": "/artikelen",
    "artikel": "/artikelen/aw2012-2.82",
    "artikel met drempels": "/artikelen/eu-2014-24-art4",
    "begrippen": "/begrippen",
    "toegankelijkheidsverklaring": "/toegankelijkheid",
    "dekking van de regels": "/regels/dekking",
}


@pytest.fixture(scope="module")
def service() -> Service:
    return Service(ROOT)


@pytest.fixture(scope="module")
def base_url(service):
    app = web_only(service)
    with live_server(app, start_within=10, log_level="warning") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert not refused, f"CSP blocked something: {refused}"


def ranking(page) -> list[str]:
    # every recommended instrument in order, the ones after the top 3 too (folded, without a heading of their own)
    return page.locator(".ranglijst > li.aanbeveling").evaluate_all(
        "els => els.map(e => e.id.replace('aanbevolen-', ''))")


def expected(service, url: str) -> list[str]:
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return [r.instrument for r in service.advisor.advise(from_pairs(pairs)).recommendations]


def test_fill_the_questionnaire_submit_and_open_the_permalink(page, base_url, service):
    page.goto(base_url + "/")
    page.get_by_label("Aanbestedingsfase", exact=True).check()
    page.get_by_label("Inschrijvers vergelijken op sociale impact").check()
    page.get_by_label("Sociale ondernemingen", exact=True).check()
    page.get_by_label("Diensten", exact=True).check()
    page.get_by_label("Decentrale overheid (gemeente, provincie, waterschap)").check()
    page.get_by_label("Wat is de geraamde waarde").fill("150.000")   # as a Dutch user types it
    page.get_by_label("Meervoudig onderhands", exact=True).check()   # below the threshold: the PSO as criterion
    page.get_by_role("button", name="Toon advies").click()
    page.wait_for_url("**/advies?**")
    url = page.url
    ranked = ranking(page)
    assert ranked and ranked == expected(service, url)
    # PSO30+ is pass/fail (p. 39-41), not for comparing; below the threshold and onderhands the report names
    # the PSO as a criterion (p. 36) and the Impactcalculator as an impact measurement (p. 16)
    assert set(ranked) == {"pso", "impactcalculator"}
    assert page.locator("#niet-pso30plus").count() == 1
    assert "Europese drempel" in page.locator(".kernfeit").inner_text()
    # every other instrument named once under "Waarom niet?" (those with the same reason on one line)
    assert page.locator(".waarom-niet a[id^=niet-]").count() == len(service.advisor.kb.instruments) - len(ranked)
    if os.environ.get("ADVISOR_SCREENSHOT"):
        page.screenshot(path=os.environ["ADVISOR_SCREENSHOT"], full_page=True)

    # the permalink, opened afresh, gives the same advice; "change answers" refills the form
    other = page.context.new_page()
    other.goto(url)
    assert ranking(other) == ranked
    other.get_by_role("link", name="Antwoorden wijzigen").click()
    assert other.get_by_label("Aanbestedingsfase", exact=True).is_checked()
    assert other.get_by_label("Wat is de geraamde waarde").input_value() in ("150000", "150000.0")


def test_conditional_questions_hide_and_show_with_javascript(page, base_url):
    page.goto(base_url + "/")
    value = page.locator("#vraag-contract_value_eur")
    assert value.is_visible()
    page.get_by_label("Uitvoeringsfase", exact=True).check()
    assert value.is_hidden() and page.locator("#veld-contract_value_eur").is_disabled()
    assert page.locator("#vraag-province").is_visible() and page.locator("#vraag-municipality").is_visible()
    page.locator("#veld-province").select_option("drenthe")
    assert page.locator("#vraag-municipality").is_hidden()
    page.get_by_label("Aanbestedingsfase", exact=True).check()
    assert value.is_visible() and page.locator("#vraag-province").is_hidden()


def test_keyboard_only(page, base_url, service):
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    # A fragment jump updates the URL after the key event returns; poll instead of reading it at once.
    sync_api.expect(page).to_have_url(re.compile(r"#inhoud$"))

    def tab_to(selector: str, limit: int = 120) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("input[name=goals][value=sr_monitoren]")
    page.keyboard.press("Space")
    assert page.locator("input[name=goals][value=sr_monitoren]").is_checked()
    tab_to("button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/advies?**")
    assert "goals=sr_monitoren" in page.url
    assert ranking(page) == expected(service, page.url)


def test_axe_finds_no_violations_on_any_page_type(browser, base_url):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run axe-core: .ci/run installs it with 'npm ci'", pytrace=False)
        pytest.skip(f"axe-core is not installed ({AXE}): run 'npm ci' in {ROOT}")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    found = {}
    try:
        for name, path in PAGE_TYPES.items():
            page.goto(base_url + path)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("async () => (await axe.run(document)).violations.map("
                                       "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
            if violations:
                found[name] = violations
    finally:
        context.close()
    assert found == {}
