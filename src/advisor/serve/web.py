"""The Dutch HTML pages: questionnaire, advice, catalogue of instruments, rules, articles, glossary and
the accessibility statement.

A thin shell: it reads the query into a Situation, asks the current Advisor, and renders
templates/. Every page has a JSON twin (the API under /api/v1, or a `.json` route here).

Permalinks use the configured public address (`base_url`, ADVISOR_BASE_URL), never the Host header
of the request; without one they are relative (`/advies?...`). The Markdown export escapes every
user value (see `md_escape`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from ..kb.articles import article_use, article_uses
from ..kb.errors import SituationError
from ..kb.formatting import FIT_MARKS, article_groups, article_name, money
from ..kb.kinds import CITED_GROUPS, KIND_TITLES
from ..kb.paths import STATIC, TEMPLATES
from ..kb.situations import from_pairs, to_pairs
from ..kb.wording import Labels
from ..present import webview as view
from ..present.documents import FILING_FIELDS, FILING_MAX, Filing, permalink_text
from ..present.formats import WEB_FORMATS, OutputFormat, Rendering
from ..present.markdown import LINE_BREAKS, MarkdownSafe, md_escape, md_plain
from ..present.reading import reading, short_label
from .deps import ServiceDep, SettingsDep, get_service, get_settings

if TYPE_CHECKING:
    from ..engine.advising import Advisor
    from ..kb.kbtypes import KB
    from ..kb.models import Situation
    from ..maintain.reports import Coverage

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin"}
# Pages and exports that carry the user's answers: no browser or proxy cache keeps them
ANSWERS = {**HEADERS, "Cache-Control": "no-store"}


REPO_FILE = re.compile(r"\b(?:knowledge|rules)/[\w./-]+\.ya?ml\b")
REPO_FILE_ASIDE = re.compile(r"\s*\((?:zie )?(?:knowledge|rules)/[\w./-]+\.ya?ml\)")


@pass_context
def _md_finalize(context: Any, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, MarkdownSafe) or not isinstance(value, str):
        return value
    return md_escape(value) if context.get("md_strict") else md_plain(value)


def _no_paths(value: Any) -> Any:
    """No file of the repository on a page: a maintainer's '(zie knowledge/legal.yaml)' in a KB text is
    left out, a path elsewhere in a sentence reads 'de kennisbank'."""
    if isinstance(value, str) and REPO_FILE.search(value):
        return REPO_FILE.sub("de kennisbank", REPO_FILE_ASIDE.sub("", value))
    return value


def _environments() -> tuple[Environment, Environment]:
    if _ENVS:
        return _ENVS[0]
    html = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, finalize=_no_paths)
    html.filters["rule_text"] = view.rule_text
    markdown = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                           finalize=_md_finalize, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    for env in (html, markdown):
        env.filters["money"] = money
        env.filters["first_upper"] = view.first_upper
        env.globals["urlencode"] = urlencode
        env.globals["article_name"] = article_name
        env.globals["article_groups"] = article_groups
        env.globals["short_label"] = short_label
    _ENVS.append((html, markdown))
    return html, markdown


_ENVS: list[tuple[Environment, Environment]] = []


def _kb_notes(service: Any) -> list[str]:
    """Why the pages may show the last good KB: a failed reload, or one that was not served."""
    return list(getattr(service, "errors", [])) + list(getattr(service, "warnings", []))


_COVERAGE: dict[str, Any] = {}
_COVERAGE_LOCK = threading.Lock()


def _coverage(advisor: Advisor) -> Coverage:
    """Coverage over the systematic grid, once per KB version (about two seconds of advices)."""
    from ..maintain.impact import coverage
    with _COVERAGE_LOCK:
        if advisor.kb.version not in _COVERAGE:
            _COVERAGE.clear()
            _COVERAGE[advisor.kb.version] = coverage(advisor)
        return _COVERAGE[advisor.kb.version]


router = APIRouter(include_in_schema=False)
router.mount("/static", StaticFiles(directory=STATIC), name="static")


def _base(request: Request) -> str:
    """The public address for permalinks (settings.base_url: never the request's Host header); '' gives relative ones."""
    return get_settings(request).base_url.rstrip("/")


def context(request: Request, kb: KB) -> dict[str, Any]:
    return {"kb": kb, "labels": Labels(kb), "path": request.url.path, "base": _base(request),
            "kind_titles": KIND_TITLES, "fit_marks": FIT_MARKS, "formats": list(WEB_FORMATS.values()),
            "fit_rows": view.fit_rows, "kb_errors": _kb_notes(get_service(request))}


def page(request: Request, template: str, code: int = 200, kb: Optional[KB] = None, answers: bool = False,
         **values: Any) -> HTMLResponse:
    # one request, one KB: a handler that used an advisor passes its kb, so a reload cannot split them
    body = _environments()[0].get_template(template).render(
        **context(request, kb or get_service(request).advisor.kb), **values)
    return HTMLResponse(body, status_code=code, headers=ANSWERS if answers else HEADERS)


def form(request: Request, status: int = 200, errors: Optional[SituationError] = None) -> HTMLResponse:
    kb = get_service(request).advisor.kb
    questions = {q.field: q for q in kb.questionnaire.questions}
    field_errors, other_errors = view.error_map(errors, questions) if errors else ({}, [])
    if errors is not None and errors.more:
        other_errors.append(f"en nog {errors.more} {'fout' if errors.more == 1 else 'fouten'} "
                            f"(alleen de eerste {len(errors.errors)} staan hier)")
    return page(request, "vragenlijst.html", status, kb=kb, answers=True,
                values=view.form_values(request.query_params.multi_items()),
                field_errors=field_errors, other_errors=other_errors,
                show_if={f: view.condition_json(kb.show_if(q)) for f, q in questions.items()})


def situation_of(request: Request) -> Situation:
    return from_pairs([(k, v) for k, v in request.query_params.multi_items() if k not in FILING_FIELDS])


def filing_of(request: Request) -> Filing:
    """Opdracht, kenmerk and behandelaar for a document to file (free text, as strict as the municipality)."""
    values: dict[str, str] = {}
    problems = []
    for name in FILING_FIELDS:
        given = request.query_params.getlist(name)
        value = given[-1].strip() if given else ""
        if len(given) > 1:
            problems.append((name, "mag maar één keer voorkomen"))
        elif len(value) > FILING_MAX:
            problems.append((name, f"is te lang (ten hoogste {FILING_MAX} tekens)"))
        elif LINE_BREAKS.search(value.replace("\t", " ")):
            problems.append((name, "mag geen regeleinden of stuurtekens bevatten"))
        values[name] = value
    if problems:
        raise SituationError(problems)
    return Filing(**values)


@router.get("/", response_class=HTMLResponse)
def questionnaire(request: Request) -> Response:
    return form(request)


@router.get("/advies", response_class=HTMLResponse)
def advice_page(request: Request, service: ServiceDep) -> Response:
    try:
        situation = situation_of(request)
    except SituationError as err:
        return form(request, 400, err)
    advisor = service.advisor
    advice = advisor.advise(situation)
    labels = Labels(advisor.kb)
    given, still_open = view.answers(situation, labels, advisor.kb.questionnaire.questions)
    return page(request, "advies.html", kb=advisor.kb, answers=True, advice=advice, given=given, still_open=still_open,
                reading=reading(advice, advisor.kb, advisor.explainer.reviews), filing_fields=FILING_FIELDS,
                filing_max=FILING_MAX, pairs=to_pairs(situation), permalink=urlencode(to_pairs(situation)), derived={f.name: f for f in advice.derived})


def export(request: Request, output: OutputFormat) -> Response:
    """The advice as one of present/formats.py's formats, for the same answers as /advies. A bad answer:
    problem+json (the API's envelope), or for Markdown the errors as Markdown."""
    try:
        situation = situation_of(request)
        filing = filing_of(request) if output.binary else Filing()   # what a team files carries its fields
    except SituationError as err:
        if output.name == "markdown":
            text = "# Ongeldige antwoorden\n\n" + "".join(f"- {md_escape(p)}: {md_escape(m)}\n" for p, m in err.errors)
            if err.more:
                text += f"- en nog {err.more} {'fout' if err.more == 1 else 'fouten'}\n"
            return Response(text, status_code=400, media_type=output.media_type, headers=ANSWERS)
        from .problems import invalid_input, problem_response  # the API's error envelope
        return problem_response(request.url.path, invalid_input(err.errors, more=err.more))
    advisor = get_service(request).advisor
    permalink = permalink_text(_base(request), f"/advies?{urlencode(to_pairs(situation))}")
    body = output.render(advisor.advise(situation), Rendering(advisor.kb, advisor.explainer.reviews, permalink, filing))
    disposition = "attachment" if output.binary else "inline"
    headers = {} if output.name == "json" else {"Content-Disposition": f'{disposition}; filename="advies.{output.suffix}"'}
    return Response(body, media_type=output.media_type, headers={**headers, **ANSWERS})


def exporter(output: OutputFormat) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        return export(request, output)
    return handler


def _route_exports() -> None:
    for suffix, output in WEB_FORMATS.items():
        router.add_api_route(f"/advies.{suffix}", exporter(output), methods=["GET"], name=f"advies_{output.name}")


_route_exports()


@router.get("/instrumenten", response_class=HTMLResponse)
def instruments(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    labels = Labels(kb)
    chosen = {name: request.query_params.get(name, "") for name in view.FILTERS}
    found, errors = view.filter_instruments(kb, labels, chosen)
    return page(request, "instrumenten.html", 400 if errors else 200, kb=kb, instruments=found, chosen=chosen,
                filter_errors=errors, options=view.filter_options(kb, labels))


@router.get("/instrumenten/{instrument_id}", response_class=HTMLResponse)
def instrument(request: Request, instrument_id: str, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    found = kb.instrument(instrument_id)
    if found is None:
        return page(request, "fout.html", 404, kb=kb, status=404,
                    message=f"Het instrument '{instrument_id}' bestaat niet.")
    return page(request, "instrument.html", kb=kb, instrument=found)


@router.get("/regels", response_class=HTMLResponse)
def rules(request: Request, service: ServiceDep, staat: str = "", zoek: str = "") -> Response:
    from ..present.rule_filter import STATES, filter_book
    from ..present.ruledocs import rule_book
    advisor = service.advisor
    groups = filter_book(rule_book(advisor), staat, zoek[:200])
    return page(request, "regels.html", kb=advisor.kb, groups=groups, states=STATES,
                chosen_state=staat if staat in STATES else "", query=zoek[:200],
                shown=sum(len(g.rules) for g in groups))


@router.get("/regels/dekking", response_class=HTMLResponse)
def coverage_page(request: Request, service: ServiceDep) -> Response:
    advisor = service.advisor
    return page(request, "dekking.html", kb=advisor.kb, coverage=_coverage(advisor))


@router.get("/regels/dekking.svg")
def coverage_chart(request: Request, service: ServiceDep) -> Response:
    from ..maintain.impact import coverage_svg
    return Response(coverage_svg(_coverage(service.advisor)), media_type="image/svg+xml",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})


@router.get("/artikelen", response_class=HTMLResponse)
def articles(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return page(request, "artikelen.html", kb=kb, uses=article_uses(kb))


@router.get("/artikelen/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    use = article_use(kb, article_id)
    if use is None:
        return page(request, "fout.html", 404, kb=kb, status=404,
                    message=f"Het artikel '{article_id}' bestaat niet.")
    return page(request, "artikel.html", kb=kb, use=use, group_titles=CITED_GROUPS)


@router.get("/begrippen", response_class=HTMLResponse)
def glossary(request: Request, service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return page(request, "begrippen.html", kb=kb, terms=sorted(kb.glossary, key=lambda t: t.term.lower()))


@router.get("/toegankelijkheid", response_class=HTMLResponse)
def accessibility(request: Request, settings: SettingsDep) -> Response:
    contact = settings.contact
    mail = contact if "@" in contact and not contact.startswith(("http://", "https://")) else ""
    link = contact if contact.startswith(("http://", "https://")) else ""
    return page(request, "toegankelijkheid.html", contact_mail=mail, contact_link=link)


@router.get("/begrippen.json")
def glossary_json(service: ServiceDep) -> Response:
    kb = service.advisor.kb
    return JSONResponse({"kb_version": kb.version, "terms": [t.model_dump(mode="json") for t in kb.glossary]})


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """The HTML answer to an HTTP error outside /api/ (used by the API's error handlers)."""
    service = getattr(request.app.state, "service", None)
    kb = service.advisor.kb if service is not None else None
    message = "Deze pagina bestaat niet." if status == 404 else detail
    body = _environments()[0].get_template("fout.html").render(
        kb=kb, labels=Labels(kb) if kb else None, path=request.url.path,
        base=_base(request) if hasattr(request.app.state, "settings") else "",
        kind_titles=KIND_TITLES, kb_errors=[], status=status, message=message)
    return HTMLResponse(body, status_code=status, headers=HEADERS)
